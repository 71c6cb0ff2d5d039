import { createServer, type Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { PortraitAnimatorError } from '@portrait-animator/core'
import { adminRoutes } from './admin-routes.js'
import { ailabLivePhotoRoutes } from './ailab-live-photo-route.js'
import type { EmulatorOptions } from './emulator-options.js'
import { EmulatorRuntime } from './emulator-runtime.js'
import { FalJobStore } from './fal-jobs.js'
import { falQueueRoutes } from './fal-queue-routes.js'
import { falRunRoute } from './fal-run-route.js'
import { falStorageRoutes } from './fal-storage-routes.js'
import type { FaultRule } from './fault-types.js'
import { handleRequest } from './handle-request.js'
import type { LedgerView } from './ledger.js'
import { isLoopbackHost } from './loopback-url.js'
import { magicHourProjectRoutes } from './magichour-project-routes.js'
import { magicHourUploadRoutes } from './magichour-upload-routes.js'
import { parseFaults } from './parse-faults.js'
import { checkRateLimits } from './rate-limiter.js'
import { replicateRoutes } from './replicate-routes.js'
import type { Route } from './router.js'
import type { JsonWebKeySet } from './webhook-signing.js'

/** A running emulator. */
export interface Emulator {
  /** `http://127.0.0.1:<port>`: every provider is served from here. */
  readonly baseUrl: string
  /** Submissions, charges, refunds, cancels and job timings, for assertions. */
  readonly ledger: LedgerView
  /** The seed in use (the one given, or the random one picked). */
  readonly seed: number | string
  /** The public key fal webhooks are signed with (also at `/.well-known/jwks.json`). */
  readonly falWebhookJwks: JsonWebKeySet
  /**
   * Replaces the fault rules; counters and random streams start over.
   * @throws PortraitAnimatorError (`invalid_config`) when a rule is malformed.
   */
  setFaults(rules: readonly FaultRule[]): void
  /** Forgets jobs, files, spending, the ledger and rate-limit counts; restarts ids and fault counters. Rules stay. */
  reset(): void
  /** Closes every connection (hanging ones included) and stops the server. */
  stop(): Promise<void>
}

function checkOptions(options: EmulatorOptions): void {
  const host = options.host ?? '127.0.0.1'
  if (!isLoopbackHost(host)) {
    throw new PortraitAnimatorError({
      kind: 'invalid_config',
      message: `The emulator binds to loopback only; host "${host}" is not a loopback address.`,
      field: 'host',
    })
  }
  const port = options.port ?? 0
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new PortraitAnimatorError({ kind: 'invalid_config', message: 'port must be a whole number from 0 to 65535.', field: 'port' })
  }
  const jobDurationMs = options.jobDurationMs ?? 300
  if (!(jobDurationMs >= 0 && jobDurationMs <= 3_600_000)) {
    throw new PortraitAnimatorError({ kind: 'invalid_config', message: 'jobDurationMs must be from 0 to 3600000.', field: 'jobDurationMs' })
  }
  checkRateLimits(options.rateLimits)
  if (options.magichour?.webhook && !/^https?:\/\//.test(options.magichour.webhook.url)) {
    throw new PortraitAnimatorError({ kind: 'invalid_config', message: 'magichour.webhook.url must be an http(s) URL.', field: 'magichour.webhook.url' })
  }
}

/**
 * Pending connections the kernel queues before the server accepts them (capped by `somaxconn`).
 * With Node's default (511) the kernel's `ListenOverflows` counter rose by thousands during issue
 * 17's p95 benchmark (1000 jobs at once) while idle connections were being closed and opened again;
 * an overflow drops a handshake and the client waits for a retransmit. A longer queue costs nothing.
 */
const LISTEN_BACKLOG = 4096

/**
 * How long an idle keep-alive connection stays open. Node's default (5 s) lost requests under load:
 * a client whose event loop stalled for seconds sent a request on a connection idle for about 5 s
 * just as the server closed it (or the server, stalled itself, closed it with the request unread),
 * and the request failed with ECONNRESET. Clients close idle connections first: core's pool after
 * at most 10 s, Node's `fetch` 2 s before the `Keep-Alive: timeout` the server advertises.
 */
const KEEP_ALIVE_TIMEOUT_MS = 65_000

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', reject)
      resolve(server.address() as AddressInfo)
    })
  })
}

/**
 * Starts one loopback HTTP server that speaks the AILabTools live-photo, fal queue and storage,
 * and Magic Hour wire protocols, with fault injection and a charge ledger.
 *
 * @example
 * ```ts
 * const emulator = await startEmulator({ seed: 1, jobDurationMs: 100 })
 * const fal = createFalClient({ credentials: 'id:secret', fetch: falFetch(emulator.baseUrl) })
 * const magicHour = new Client({ token: 'mh-test', baseUrl: emulator.baseUrl })
 * // ... then
 * await emulator.stop()
 * ```
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  checkOptions(options)
  const faults = parseFaults(options.faults ?? [])
  const runtime = new EmulatorRuntime({ ...options, faults })
  const falJobs = new FalJobStore(runtime)
  const routes: Route[] = [
    ...adminRoutes(runtime),
    ...ailabLivePhotoRoutes(runtime),
    ...magicHourUploadRoutes(runtime),
    ...magicHourProjectRoutes(runtime),
    // Before fal's: fal's run and queue routes take any `/{owner}/{app}/...` path.
    ...replicateRoutes(runtime),
    ...falStorageRoutes(runtime),
    ...falRunRoute(runtime, falJobs),
    ...falQueueRoutes(runtime, falJobs),
  ]
  const sockets = new Set<Socket>()
  const server = createServer({ keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS }, (request, response) => {
    void handleRequest(runtime, routes, request, response)
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  // A client that drops a connection mid-request is not the emulator's problem.
  server.on('clientError', (_error, socket) => socket.destroy())
  const host = options.host ?? '127.0.0.1'
  const address = await listen(server, options.port ?? 0, host)
  const hostInUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address
  runtime.baseUrl = `http://${hostInUrl}:${address.port}`

  let stopping: Promise<void> | undefined
  return {
    baseUrl: runtime.baseUrl,
    ledger: runtime.ledger,
    seed: runtime.seed,
    falWebhookJwks: runtime.falWebhookKeys.jwks,
    setFaults: (rules) => runtime.faults.set(parseFaults(rules)),
    reset: () => runtime.reset(),
    stop: () => {
      stopping ??= new Promise<void>((resolve) => {
        runtime.stop()
        server.close(() => resolve())
        server.closeAllConnections()
        for (const socket of sockets) socket.destroy()
      })
      return stopping
    },
  }
}
