import { readFile } from 'node:fs/promises'
import { join, relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { loadConfig, writeFileAtomic, type OutputFormat } from '@portrait-animator/core'
import { animationJobId, digestFile, InProcessBatchBackend, RedisBatchBackend, type AnimationJobData, type BatchBackend, type BatchJob, type BatchJobStatus } from '@portrait-animator/queue'
import { readBatchInputs, type BatchInput } from '../batch/batch-inputs.js'
import { BatchProgress } from '../batch/batch-progress.js'
import type { CliIo } from '../cli-io.js'
import { EXIT, UsageError } from '../exit-codes.js'
import { MOTION_OPTIONS, motionFromFlags, type MotionFlags } from '../motion/motion-flags.js'
import { configPathFor, singleTargetRoute } from '../open-router.js'

export const BATCH_HELP = `Usage: portrait-animator batch INPUT... --out DIR [options]

Animates many portraits: each INPUT is an image, a folder of images, or a CSV/JSONL manifest (one
row per portrait with its own motion columns, as in compare --manifest, and an optional "output"
file name). Outputs are written atomically into DIR, named after their input. The same work is
never done twice: run the same command again after Ctrl-C or a failure and it resumes, paying
only for what is left.

Queue:
  --redis URL              run on the shared BullMQ queue in Redis (redis://host:6379), served by
                           "portrait-animator worker" processes on any machine (and --workers here).
                           Without it the batch runs in this process alone (no Redis needed).
  --workers N              workers started in this process (default: 1 without --redis, 0 with it)
  --concurrency N          jobs at once per worker (default 4)
  --resubmit-unknown       this process's workers submit again a job whose earlier run stopped
                           while its paid submit was in flight (default: report it as "acceptance
                           unknown"; resubmitting may pay twice)

Motion (one for every input without its own; default --preset live-photo):
  --preset NAME | --expression LIST | --audio FILE [--start S --end S] | --driving-video FILE
  --framing head|full-body

Routing:
  --route NAME | --target PROVIDER/MODEL     --config FILE

Output:
  --out DIR                where outputs go (required)
  --format FORMAT          mp4 | webp | jpeg | png
  --strict                 fail instead of translating or ignoring settings
  --json                   print one JSON document on stdout at the end
  -h, --help               this help

Exit codes: 0 every portrait done, 3 some failed (listed), 2 bad input, 130 interrupted (the
portraits already started are finished, the others stay queued; the same command resumes them).

Examples:
  portrait-animator batch photos/ --out out/ --preset live-photo
  portrait-animator batch photos.csv --out out/ --route talking --redis redis://127.0.0.1:6379 --workers 2
  portrait-animator worker --redis redis://127.0.0.1:6379 &   # on each machine`

const FORMATS: readonly OutputFormat[] = ['mp4', 'webp', 'jpeg', 'png']

/** `portrait-animator batch`. */
export async function batchCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: 'string', short: 'o' },
      redis: { type: 'string' },
      workers: { type: 'string' },
      concurrency: { type: 'string' },
      'resubmit-unknown': { type: 'boolean' },
      ...MOTION_OPTIONS,
      route: { type: 'string' },
      target: { type: 'string' },
      config: { type: 'string' },
      format: { type: 'string' },
      strict: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    io.stdout.write(`${BATCH_HELP}\n`)
    return EXIT.ok
  }
  if (positionals.length === 0) throw new UsageError(`batch needs at least one INPUT.\n\n${BATCH_HELP}`)
  if (!values.out) throw new UsageError('batch needs --out DIR.')
  if (values.route && values.target) throw new UsageError('Use --route or --target, not both.')
  if (values.target) singleTargetRoute(values.target) // validates the id
  const format = values.format as OutputFormat | undefined
  if (format && !FORMATS.includes(format)) throw new UsageError(`--format must be ${FORMATS.join(', ')} (got "${format}").`)
  const workers = count(values.workers, '--workers', values.redis ? 0 : 1)
  const concurrency = count(values.concurrency, '--concurrency', 4)
  if (!values.redis && workers === 0) throw new UsageError('Without --redis, --workers must be at least 1.')
  const out = resolve(io.cwd, values.out)
  const flags: MotionFlags = { preset: values.preset, framing: values.framing, expression: values.expression, audio: values.audio, start: values.start, end: values.end, 'driving-video': values['driving-video'] }
  const inputs = await readBatchInputs(positionals, { cwd: io.cwd, defaults: flags, motion: motionFromFlags(flags, io.cwd), ...(format ? { format } : {}) })
  const jobs = await batchJobs(inputs, out, { ...(values.route ? { route: values.route } : {}), ...(values.target ? { target: values.target } : {}), ...(format ? { format } : {}), ...(values.strict ? { strict: true } : {}) })
  const loaded = await loadConfig(configPathFor(io, values.config), { env: io.env })
  const unknownAcceptance = values['resubmit-unknown'] ? { unknownAcceptance: 'resubmit' as const } : {}
  const backend: BatchBackend = values.redis
    ? await RedisBatchBackend.open({ redisUrl: values.redis, config: loaded, env: io.env, workers, concurrency, allowPrivateNetwork: true, ...unknownAcceptance })
    : await InProcessBatchBackend.open({ stateDir: join(out, '.portrait-animator-batch'), config: loaded, env: io.env, concurrency: workers * concurrency, allowPrivateNetwork: true, ...unknownAcceptance })
  const progress = new BatchProgress(io, { json: values.json === true })
  let finished: Map<string, BatchJobStatus>
  try {
    await backend.submit(jobs)
    if (values.redis && workers === 0) progress.line(`Queued ${jobs.length} portraits; waiting for "portrait-animator worker --redis ${values.redis}" processes.`)
    finished = await watch(backend, jobs, inputs, progress, io)
  } catch (error) {
    progress.stop()
    await backend.close(true)
    throw error
  }
  progress.stop()
  if (io.interrupt.aborted) {
    // Running jobs are finished, not cancelled: a job cut off mid-submission could be charged
    // without its handle being journaled, and paid again by the next run. Ctrl-C again quits at once.
    io.stderr.write('Interrupted: finishing the portraits already started (Ctrl-C again to quit now)...\n')
    await backend.close()
    io.stderr.write(`Interrupted: the portraits not started stay queued; run the same command again to resume them.\n`)
    return EXIT.interrupted
  }
  await backend.close()
  return report(jobs, inputs, finished, out, io, values.json === true)
}

function count(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback
  const parsed = Number(value)
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 1000) throw new UsageError(`${flag} must be a whole number from 0 to 1000 (got "${value}").`)
  return parsed
}

async function batchJobs(inputs: readonly BatchInput[], out: string, request: Pick<AnimationJobData, 'route' | 'target' | 'format' | 'strict'>): Promise<BatchJob[]> {
  const digests = new Map<string, string>()
  const digest = async (path: string) => digests.get(path) ?? digests.set(path, await digestFile(path).catch(() => { throw new UsageError(`Cannot read ${path}.`) })).get(path)!
  const jobs: BatchJob[] = []
  for (const input of inputs) {
    const base = { image: input.image, imageDigest: await digest(input.image), motion: input.motion, ...request }
    const audio = input.motion.type === 'audio' && !/^(https?:|data:)/i.test(input.motion.audio as string) ? await digest(input.motion.audio as string) : undefined
    jobs.push({ id: animationJobId(base, audio), data: { ...base, output: join(out, input.outputName) } })
  }
  return jobs
}

/** Polls until every job finished or the user interrupts; prints a line per finished portrait. */
async function watch(backend: BatchBackend, jobs: readonly BatchJob[], inputs: readonly BatchInput[], progress: BatchProgress, io: CliIo): Promise<Map<string, BatchJobStatus>> {
  const finished = new Map<string, BatchJobStatus>()
  const sourceOf = new Map(jobs.map((job, index) => [job.id, inputs[index]!.source]))
  const byId = new Map(jobs.map((job) => [job.id, job]))
  while (finished.size < byId.size && !io.interrupt.aborted) {
    const pending = [...byId.keys()].filter((id) => !finished.has(id))
    const statuses = await backend.statuses(pending)
    let inFlight = 0
    for (const [id, status] of statuses) {
      if (status.state === 'active') inFlight++
      if (status.state !== 'completed' && status.state !== 'failed') continue
      const job = byId.get(id)!
      // The same work done for another batch (another --out): copy its output, pay nothing.
      if (status.state === 'completed' && resolve(status.result.output) !== resolve(job.data.output)) await writeFileAtomic(job.data.output, await readFile(status.result.output))
      finished.set(id, status)
      progress.line(status.state === 'completed' ? `ok ${sourceOf.get(id)} -> ${job.data.output} (${status.result.servedBy}${status.result.resumed ? ', resumed' : ''})` : `failed ${sourceOf.get(id)}: ${status.failure.kind}: ${status.failure.reason}`)
    }
    const failed = [...finished.values()].filter((status) => status.state === 'failed').length
    progress.update({ total: byId.size, done: finished.size - failed, failed, inFlight })
    if (finished.size < byId.size) await pause(250, io.interrupt)
  }
  return finished
}

/** Waits `ms`, or less when the user interrupts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer)
      resolve()
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

function report(jobs: readonly BatchJob[], inputs: readonly BatchInput[], finished: Map<string, BatchJobStatus>, out: string, io: CliIo, json: boolean): number {
  const rows = jobs.map((job, index) => ({ job, input: inputs[index]!, status: finished.get(job.id)! }))
  const failed = rows.filter((row) => row.status.state === 'failed')
  if (json) {
    io.stdout.write(`${JSON.stringify({
      ok: failed.length === 0,
      total: jobs.length,
      done: jobs.length - failed.length,
      failed: failed.map((row) => ({ input: row.input.source, output: row.job.data.output, ...(row.status.state === 'failed' ? row.status.failure : {}) })),
      outputs: rows.flatMap((row) => (row.status.state === 'completed' ? [{ input: row.input.source, output: row.job.data.output, servedBy: row.status.result.servedBy, resumed: row.status.result.resumed }] : [])),
    }, null, 2)}\n`)
  } else {
    io.stderr.write(`${jobs.length - failed.length} of ${jobs.length} portraits done in ${relative(io.cwd, out) || out}${failed.length ? `; ${failed.length} failed:` : '.'}\n`)
    for (const row of failed) if (row.status.state === 'failed') io.stderr.write(`  ${row.input.source}: ${row.status.failure.kind}: ${row.status.failure.reason}\n`)
  }
  return failed.length === 0 ? EXIT.ok : EXIT.allFailed
}
