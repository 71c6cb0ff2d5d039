import { parseArgs } from 'node:util'
import { loadConfig } from '@portrait-animator/core'
import { DEFAULT_LOCK_DURATION_MS, DEFAULT_MAX_STALLED_COUNT, DEFAULT_STALLED_INTERVAL_MS, parseFailure, startAnimationWorker } from '@portrait-animator/queue'
import type { CliIo } from '../cli-io.js'
import { EXIT, UsageError } from '../exit-codes.js'
import { configPathFor } from '../open-router.js'

export const WORKER_HELP = `Usage: portrait-animator worker --redis URL [--config FILE] [--concurrency N]

Serves the batch queue in Redis (see "portrait-animator batch --redis"): runs animation jobs
through the router, sharing provider limits, retirements and paid job handles with every other
worker. Runs until SIGTERM or Ctrl-C, then finishes its running jobs (Ctrl-C again: quit now; its
jobs are taken back by another worker and resume their provider jobs without paying again).

Options:
  --redis URL              redis://host:6379 (required)
  --config FILE            config file (default: $PORTRAIT_ANIMATOR_CONFIG, ./portrait-animator.json, built-in)
  --concurrency N          jobs at once (default 4)
  --lock-duration MS       how long a dead worker's job stays locked before another takes it
                           (default ${DEFAULT_LOCK_DURATION_MS}; a live worker renews it however long the job runs)
  --stalled-interval MS    how often to look for jobs of dead workers (default ${DEFAULT_STALLED_INTERVAL_MS})
  --max-stalled N          times a job may be taken back before it fails (default ${DEFAULT_MAX_STALLED_COUNT})
  --resubmit-unknown       submit again a job whose previous worker died while its paid submit was
                           in flight (default: fail it as "acceptance unknown"; resubmitting may pay twice)
  -h, --help               this help

Examples:
  portrait-animator worker --redis redis://127.0.0.1:6379 --config portrait-animator.json --concurrency 8`

/** `portrait-animator worker`. */
export async function workerCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      redis: { type: 'string' },
      config: { type: 'string' },
      concurrency: { type: 'string' },
      'lock-duration': { type: 'string' },
      'stalled-interval': { type: 'string' },
      'max-stalled': { type: 'string' },
      'resubmit-unknown': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    io.stdout.write(`${WORKER_HELP}\n`)
    return EXIT.ok
  }
  if (!values.redis) throw new UsageError('worker needs --redis URL.')
  const loaded = await loadConfig(configPathFor(io, values.config), { env: io.env })
  const concurrency = positive(values.concurrency, '--concurrency')
  const lockDurationMs = positive(values['lock-duration'], '--lock-duration')
  const stalledIntervalMs = positive(values['stalled-interval'], '--stalled-interval')
  const maxStalledCount = positive(values['max-stalled'], '--max-stalled')
  const worker = await startAnimationWorker({
    redisUrl: values.redis,
    config: loaded,
    env: io.env,
    allowPrivateNetwork: true,
    ...(concurrency ? { concurrency } : {}),
    ...(lockDurationMs ? { lockDurationMs } : {}),
    ...(stalledIntervalMs ? { stalledIntervalMs } : {}),
    ...(maxStalledCount ? { maxStalledCount } : {}),
    ...(values['resubmit-unknown'] ? { unknownAcceptance: 'resubmit' as const } : {}),
  })
  worker.worker.on('completed', (job, result) => io.stderr.write(`ok ${job.id} -> ${result.output} (${result.servedBy}${result.resumed ? ', resumed' : ''}${result.resubmittedAfterUnknown ? ', submitted again after an unknown acceptance' : ''})\n`))
  worker.worker.on('failed', (job, error) => {
    const failure = parseFailure(error.message)
    io.stderr.write(`failed ${job?.id ?? '?'}: ${failure.kind}: ${failure.reason}\n`)
  })
  io.stderr.write(`Worker ready (pid ${process.pid}, concurrency ${concurrency ?? 4}); SIGTERM or Ctrl-C stops it.\n`)
  await new Promise<void>((resolve) => (io.interrupt.aborted ? resolve() : io.interrupt.addEventListener('abort', () => resolve(), { once: true })))
  io.stderr.write('Stopping: finishing running jobs...\n')
  await worker.close()
  return EXIT.ok
}

function positive(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined
  const parsed = Number(value)
  if (!Number.isInteger(parsed) || parsed < 1) throw new UsageError(`${flag} must be a whole number above 0 (got "${value}").`)
  return parsed
}
