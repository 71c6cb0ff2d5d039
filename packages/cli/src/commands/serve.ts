import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import type { CliIo } from '../cli-io.js'
import { EXIT, UsageError } from '../exit-codes.js'
import { LIVE_PHOTO_PATH, startAilabCompatibleServer } from '../server/ailab-compatible-server.js'
import { watchConfigReloads } from '../server/config-reload.js'
import { loadServedRouter } from '../server/load-served-router.js'
import { BODY_DEFAULTS } from '../server/read-body.js'
import { createReloadableRouter } from '../server/reloadable-router.js'
import { routeReadiness } from '../server/route-readiness.js'
import { createServerMetrics } from '../server/server-metrics.js'

export const SERVE_HELP = `Usage: portrait-animator serve [--port N] [--host H] [--config FILE] [--route NAME] --api-key KEY [--api-key KEY2]
                              [--redis URL [--workers N] [--spool DIR]]

Serves the retired AILabTools "Live Photos" API (POST ${LIVE_PHOTO_PATH}) through the router, so an
app built on it moves by changing only its base URL. Requests must carry one of this server's own keys
in the ailabapi-api-key header (--api-key, repeatable, or PORTRAIT_ANIMATOR_SERVER_KEYS, comma-separated);
upstream providers' keys come from the config and are never accepted here.

Options:
  --port N             port (default 8080; 0 picks a free one)
  --host H             address to bind (default 127.0.0.1)
  --max-concurrent N   requests animated at once, counted once their body is read; more get
                       503 AI_SERVICE_FLOW_RESTRICTION (default 4)
  --max-body-mb N      largest request body (default 6)
  --body-timeout S     seconds a request body may take to arrive; later gets 408 and the
                       connection is closed (default 30)
  --min-body-rate N    bytes/s a body must average after the grace period, else 408 (default 1024;
                       0 turns it off)
  --body-rate-grace S  seconds before --min-body-rate applies (default 5)
  --max-uploads N      bodies received at once; more get 503 (default 32)
  --route NAME         the route serving requests (default: the config's route for presets, else
                       "default")

Queue mode (several server instances sharing provider limits, breakers and paid jobs):
  --redis URL          enqueue each request as a job on the BullMQ queue in Redis (redis://host:6379)
                       and answer when it finishes; "portrait-animator worker --redis URL" processes
                       (or --workers here) run the jobs. The same portrait asked of any instance at
                       once is one job, paid once; a client that disconnects stops waiting, the job
                       goes on. --max-concurrent defaults to 64 here (a waiting request is cheap).
  --workers N          workers started in this process (default 0)
  --spool DIR          folder for request images and outputs, at the same path on every server and
                       worker (a shared disk across machines; default: the system's temp folder,
                       one machine only). Cleaned as jobs finish, and of leftovers at start

Endpoints beside the AILab one (no key needed):
  GET /healthz       liveness: 200 whenever the process answers
  GET /readyz        readiness: 200 when the route has a target that can serve (configured, not
                     retired, breaker not open), else 503 with the reason
  GET /metrics       Prometheus metrics: requests by status and code, latency, in flight,
                     per-target attempts, failures and skips, breaker states, cost, reloads
  GET /openapi.json  the OpenAPI 3.1 document of the AILab endpoint

Access logs go to stderr as JSON lines, failures with every target's attempt (clients only see what
they can act on). SIGHUP reloads the config: it is validated first (schema, adapters, the route must
exist and have a target that can run); a bad file is logged in one line and the old config keeps
serving. Requests in flight finish on the old router, new ones use the new one. SIGINT/SIGTERM
stop accepting requests and let in-flight ones finish.

Examples:
  portrait-animator serve --api-key my-app-key
  kill -HUP <pid>     # reload the config without dropping a request
  PORTRAIT_ANIMATOR_SERVER_KEYS=k1,k2 portrait-animator serve --port 9000 --config portrait-animator.json
  portrait-animator serve --api-key k1 --redis redis://queue-host:6379 --spool /shared/spool`

/** `portrait-animator serve`. */
export async function serveCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      config: { type: 'string' },
      route: { type: 'string' },
      'api-key': { type: 'string', multiple: true },
      'max-concurrent': { type: 'string' },
      'max-body-mb': { type: 'string' },
      'body-timeout': { type: 'string' },
      'min-body-rate': { type: 'string' },
      'body-rate-grace': { type: 'string' },
      'max-uploads': { type: 'string' },
      redis: { type: 'string' },
      workers: { type: 'string' },
      spool: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    io.stdout.write(`${SERVE_HELP}\n`)
    return EXIT.ok
  }
  const keys = [...(values['api-key'] ?? []), ...(io.env.PORTRAIT_ANIMATOR_SERVER_KEYS ?? '').split(',')].map((key) => key.trim()).filter(Boolean)
  if (keys.length === 0) throw new UsageError('serve needs at least one key of its own: --api-key KEY or PORTRAIT_ANIMATOR_SERVER_KEYS.')
  const port = numberOption(values.port, 'port', 8080)
  const bodyTimeoutSeconds = numberOption(values['body-timeout'], 'body-timeout', BODY_DEFAULTS.timeoutMs / 1000)
  if (!(bodyTimeoutSeconds > 0)) throw new UsageError('--body-timeout must be a positive number of seconds.')
  const serverOptions = {
    apiKeys: keys,
    port,
    host: values.host ?? '127.0.0.1',
    maxConcurrent: numberOption(values['max-concurrent'], 'max-concurrent', values.redis ? 64 : 4),
    maxBodyBytes: Math.round(numberOption(values['max-body-mb'], 'max-body-mb', 6) * 1024 * 1024),
    bodyTimeoutMs: Math.round(bodyTimeoutSeconds * 1000),
    minBodyBytesPerSecond: numberOption(values['min-body-rate'], 'min-body-rate', BODY_DEFAULTS.minBytesPerSecond),
    bodyRateGraceMs: Math.round(numberOption(values['body-rate-grace'], 'body-rate-grace', BODY_DEFAULTS.rateGraceMs / 1000) * 1000),
    maxPendingUploads: numberOption(values['max-uploads'], 'max-uploads', 32),
  }
  if (values.workers !== undefined && !values.redis) throw new UsageError('--workers needs --redis URL.')
  if (values.redis) {
    const spoolDir = values.spool ? resolve(io.cwd, values.spool) : join(tmpdir(), 'portrait-animator-spool')
    // Loaded only in queue mode: the server alone does not load BullMQ and ioredis.
    const { serveQueued } = await import('../server/serve-queued.js')
    return serveQueued(serverOptions, { redisUrl: values.redis, spoolDir, workers: Math.floor(numberOption(values.workers, 'workers', 0)), config: values.config, route: values.route }, io)
  }
  const load = (requireReady = false) => loadServedRouter(io, { config: values.config, route: values.route, requireReady })
  let inFlight = () => 0
  const metrics = createServerMetrics({ inFlight: () => inFlight(), targets: () => served.current().router.targets() })
  // SIGHUP's default ends the process, so it is caught from the start; one during the first load
  // is applied once the watch below takes over.
  let hangupWhileLoading = false
  const early = () => void (hangupWhileLoading = true)
  process.on('SIGHUP', early)
  const first = await load().finally(() => process.off('SIGHUP', early))
  const served = createReloadableRouter(first, (router) => metrics.watch(router))
  const log = (line: object) => io.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), ...line })}\n`)
  const reloads = watchConfigReloads({ served, load: () => load(true), log, counted: (outcome) => metrics.reloaded(outcome) })
  if (hangupWhileLoading) void reloads.reload()
  try {
    return await serveUntilInterrupted()
  } finally {
    await reloads.stop()
    await served.close()
  }

  async function serveUntilInterrupted(): Promise<number> {
    const server = await startAilabCompatibleServer({
      ...serverOptions,
      animator: served.animator,
      readiness: () => routeReadiness(served.current().router, served.current().routeName),
      metrics,
      log: (entry) => {
        metrics.observe(entry)
        io.stderr.write(`${JSON.stringify(entry)}\n`)
      },
    })
    inFlight = () => server.inFlight()
    io.stdout.write(`${JSON.stringify({ url: server.url, endpoint: `${server.url}${LIVE_PHOTO_PATH}` })}\n`)
    await new Promise<void>((resolve) => {
      if (io.interrupt.aborted) resolve()
      io.interrupt.addEventListener('abort', () => resolve(), { once: true })
    })
    io.stderr.write(`Shutting down: finishing ${server.inFlight()} request(s) in flight...\n`)
    await server.close()
    // Then a reload under way is let finish and every router settles (old ones still draining included).
    return EXIT.ok
  }
}

function numberOption(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback
  const number = Number(value)
  if (!Number.isFinite(number) || number < 0) throw new UsageError(`--${name} must be a non-negative number (got "${value}").`)
  return number
}
