import { loadConfig } from '@portrait-animator/core'
import { QueuedAnimator } from '@portrait-animator/queue'
import type { RouterEventListener } from '@portrait-animator/router'
import type { CliIo } from '../cli-io.js'
import { EXIT } from '../exit-codes.js'
import { configPathFor } from '../open-router.js'
import { LIVE_PHOTO_PATH, startAilabCompatibleServer, type AilabCompatibleServerOptions } from './ailab-compatible-server.js'
import { createServerMetrics, type BreakerInfo } from './server-metrics.js'

/** What `serve --redis` needs beside the server's own options. */
export interface QueuedServeOptions {
  readonly redisUrl: string
  /** The shared folder request images and outputs go through (same path on every worker). */
  readonly spoolDir: string
  /** Workers started in this process (`--workers`). */
  readonly workers: number
  readonly config?: string | undefined
  readonly route?: string | undefined
}

/**
 * `serve --redis`: the AILab-compatible server in queue mode. Each request becomes a job on the
 * BullMQ queue (deterministic id: the same portrait asked of any instance is one job, paid once)
 * and is answered when that job finishes, so every instance shares the workers' provider limits,
 * breakers and journal. A client that goes away stops waiting; the job goes on.
 */
export async function serveQueued(server: Omit<AilabCompatibleServerOptions, 'animator' | 'readiness' | 'metrics' | 'log'>, queue: QueuedServeOptions, io: CliIo): Promise<number> {
  const config = queue.workers > 0 ? await loadConfig(configPathFor(io, queue.config), { env: io.env }) : undefined
  let inFlight = () => 0
  let breakers: () => Promise<readonly BreakerInfo[]> = async () => []
  const metrics = createServerMetrics({ inFlight: () => inFlight(), targets: () => breakers() })
  // The in-process workers' routers report their attempts, failures and skips per target.
  const workerEvents = new Set<RouterEventListener>()
  metrics.watch({ on: (listener) => (workerEvents.add(listener), () => void workerEvents.delete(listener)) })
  const animator = await QueuedAnimator.open({
    redisUrl: queue.redisUrl,
    spoolDir: queue.spoolDir,
    workers: queue.workers,
    env: io.env,
    allowPrivateNetwork: true,
    onEvent: (event) => {
      for (const listener of workerEvents) listener(event)
    },
    ...(config ? { config } : {}),
    ...(queue.route ? { route: queue.route } : {}),
  })
  breakers = sharedBreakerStates(animator)
  // No router here to reload: workers read their own config. SIGHUP must not end the process.
  const hangup = () => io.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), event: 'reload-ignored', reason: 'serve --redis has no router to reload; restart the workers to change their config' })}\n`)
  process.on('SIGHUP', hangup)
  try {
    const running = await startAilabCompatibleServer({
      ...server,
      animator,
      readiness: () => (animator.connected() ? { ready: true, ...(queue.route ? { route: queue.route } : {}) } : { ready: false, reason: 'Redis is not reachable' }),
      metrics,
      log: (entry) => {
        metrics.observe(entry)
        io.stderr.write(`${JSON.stringify(entry)}\n`)
      },
    })
    inFlight = () => running.inFlight()
    io.stdout.write(`${JSON.stringify({ url: running.url, endpoint: `${running.url}${LIVE_PHOTO_PATH}`, queue: queue.redisUrl.replace(/\/\/[^@/]*@/, '//***@') })}\n`)
    await new Promise<void>((resolve) => (io.interrupt.aborted ? resolve() : io.interrupt.addEventListener('abort', () => resolve(), { once: true })))
    io.stderr.write(`Shutting down: answering ${running.inFlight()} request(s) in flight; their jobs stay queued...\n`)
    await running.close()
    return EXIT.ok
  } finally {
    process.off('SIGHUP', hangup)
    await animator.close()
  }
}

/**
 * The breaker states every worker shares in Redis, for `/metrics`: each target that was ever shut
 * (open, half-open or retired) stays listed, as `closed` once it recovers, so a dashboard sees it
 * close. A scrape that cannot reach Redis reports what the last one saw.
 */
function sharedBreakerStates(animator: Pick<QueuedAnimator, 'shutTargets'>): () => Promise<readonly BreakerInfo[]> {
  const seen = new Set<string>()
  let last: readonly BreakerInfo[] = []
  return async () => {
    const shut = await animator.shutTargets().catch(() => undefined)
    if (!shut) return last
    for (const entry of shut) seen.add(entry.target)
    const states = new Map<string, string>(shut.map((entry) => [entry.target, entry.breaker]))
    last = [...seen].sort().map((target) => ({ target, breaker: states.get(target) ?? 'closed' }))
    return last
  }
}
