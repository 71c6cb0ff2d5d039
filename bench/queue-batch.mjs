// Benchmark of the batch queue (issue 14): worker processes on BullMQ and a real redis-server,
// against the emulator (fal/live-portrait-image, jobs of 1 s).
// - throughput of 1, 2 and 4 worker processes (concurrency 4 each): jobs per second, and the ratio
//   to the ideal (workers x concurrency / job time);
// - with a provider limit of R submissions per second (2 workers, concurrency 8 each so that free
//   slots never hold the rate back): the emulator holds fal to R itself (`--rate-limit fal=R`,
//   answering 429 above it) and the targets' limit is R too: the achieved rate as a fraction of R
//   (target >= 0.95) and the number of 429 answers (target 0). The achieved rate is the
//   submissions after the first second's R, over the time from the first to the last: a limiter
//   that is exactly R per second scores 1.00 (the first R go at once). Then the same with the
//   limit on the target only (no 429 pauses): the limiter's rate and the busiest second the
//   emulator saw;
// - enqueue to start per job (BullMQ's timestamp to processedOn), p50 and p99: with every job
//   enqueued at once this is mostly waiting for a free slot, an upper bound of scheduling overhead.
// Needs redis-server on the PATH (Debian's package).
//
// Run after building (ONLY=rate skips the throughput runs):
//   npx tsc -b packages/cli && [ONLY=rate] node bench/queue-batch.mjs [jobs per run] [R]
import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Job, Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { createTestPortrait } from '@portrait-animator/emulator'
import { ANIMATION_QUEUE, RedisBatchBackend, animationJobId, digestFile } from '@portrait-animator/queue'
import { startEmulatorProcess } from './support/emulator-process.mjs'

const JOBS = Number(process.argv[2] ?? process.env.JOBS ?? 48)
const RATE = Number(process.argv[3] ?? process.env.RATE ?? 4)
const CONCURRENCY = 4
const JOB_MS = 1000
const BIN = fileURLToPath(new URL('../packages/cli/dist/bin.js', import.meta.url))
const TARGET = 'fal/live-portrait-image'

const freePort = () => new Promise((resolve) => { const server = createServer(); server.listen(0, '127.0.0.1', () => { const { port } = server.address(); server.close(() => resolve(port)) }) })
const percentile = (values, p) => { const sorted = [...values].sort((a, b) => a - b); return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] }
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

async function startRedis() {
  const port = await freePort()
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
  const url = `redis://127.0.0.1:${port}`
  for (;;) {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
    client.on('error', () => {})
    try { await client.connect(); await client.ping(); client.disconnect(); break } catch { client.disconnect(); await sleep(50) }
  }
  return { url, stop: () => new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGTERM') }) }
}

function startWorker(config, url, concurrency = CONCURRENCY) {
  const child = spawn(process.execPath, [BIN, 'worker', '--redis', url, '--config', config, '--concurrency', String(concurrency)], { env: { ...process.env, FAL_KEY: 'bench-key' }, stdio: ['ignore', 'ignore', 'pipe'] })
  let log = ''
  child.stderr.setEncoding('utf8').on('data', (chunk) => (log += chunk))
  const ready = (async () => { while (!log.includes('Worker ready')) { if (child.exitCode !== null) throw new Error(log); await sleep(50) } })()
  return { ready, stop: () => new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGTERM') }) }
}

async function run({ workers, rate, directory, emulator, label, concurrency = CONCURRENCY }) {
  const redis = await startRedis()
  const config = join(directory, `${label}.json`)
  await writeFile(config, JSON.stringify({
    stateDir: join(directory, 'state'),
    providers: { fal: { adapter: 'fal', apiKey: 'env:FAL_KEY', baseUrl: emulator.baseUrl, settings: { allowPrivateNetwork: true } } },
    routes: { default: { strategy: 'fallback', targets: [TARGET] } },
    ...(rate ? { targets: { [TARGET]: { limits: { ratePerSecond: rate } } } } : {}),
  }))
  const started = Array.from({ length: workers }, () => startWorker(config, redis.url, concurrency))
  await Promise.all(started.map((worker) => worker.ready))
  const jobs = []
  for (let index = 0; index < JOBS; index++) {
    const image = join(directory, `${label}-${index}.png`)
    await writeFile(image, await createTestPortrait({ width: 160 + index, height: 160 + workers }))
    const base = { image, imageDigest: await digestFile(image), motion: { type: 'expression', smile: 0.5 }, format: 'jpeg' }
    jobs.push({ id: animationJobId(base), data: { ...base, output: join(directory, 'out', label, `${index}.jpg`) } })
  }
  const before = await (await fetch(`${emulator.baseUrl}/__emulator/ledger`)).json()
  const backend = await RedisBatchBackend.open({ redisUrl: redis.url, config, env: { FAL_KEY: 'bench-key' } })
  const t0 = Date.now()
  await backend.submit(jobs)
  for (;;) {
    const statuses = await backend.statuses(jobs.map((job) => job.id))
    if ([...statuses.values()].filter((status) => status.state === 'completed' || status.state === 'failed').length === jobs.length) break
    await sleep(100)
  }
  const seconds = (Date.now() - t0) / 1000
  const queue = new Queue(ANIMATION_QUEUE, { connection: { url: redis.url } })
  const waits = []
  let failed = 0
  for (const job of jobs) {
    const record = await Job.fromId(queue, job.id)
    waits.push(record.processedOn - record.timestamp)
    if (record.failedReason) failed++
  }
  await queue.close()
  await backend.close()
  await Promise.all(started.map((worker) => worker.stop()))
  await redis.stop()
  const after = await (await fetch(`${emulator.baseUrl}/__emulator/ledger`)).json()
  const entries = after.entries.slice(before.entries.length)
  const refused = after.rateLimited.length - before.rateLimited.length
  const submissions = entries.filter((entry) => entry.kind === 'submission').map((entry) => entry.at).sort((a, b) => a - b)
  const busiest = Math.max(...submissions.map((start) => submissions.filter((at) => at >= start && at < start + 1000).length))
  const span = (submissions.at(-1) - submissions[0]) / 1000
  const steady = span > 0 && rate ? (submissions.length - Math.floor(rate)) / span : 0
  return { seconds, jobsPerSecond: JOBS / seconds, failed, waits, busiest, refused, steady }
}

const ONLY_RATE = process.env.ONLY === 'rate'
const emulator = await startEmulatorProcess(['--job-ms', String(JOB_MS)])
const limitedEmulator = await startEmulatorProcess(['--job-ms', String(JOB_MS), '--rate-limit', `fal=${RATE}`])
const directory = await mkdtemp(join(tmpdir(), 'bench-queue-'))
try {
  console.log(`${JOBS} jobs of ${JOB_MS} ms each, concurrency ${CONCURRENCY} per worker process`)
  for (const workers of ONLY_RATE ? [] : [1, 2, 4]) {
    const result = await run({ workers, directory, emulator, label: `w${workers}` })
    const ideal = (workers * CONCURRENCY) / (JOB_MS / 1000)
    console.log(`workers ${workers}: ${result.jobsPerSecond.toFixed(2)} jobs/s (ideal ${ideal}, ratio ${(result.jobsPerSecond / ideal).toFixed(2)}), ${result.failed} failed, enqueue to start (includes waiting for a free slot) p50 ${percentile(result.waits, 50)} ms, p99 ${percentile(result.waits, 99)} ms`)
  }
  const limited = await run({ workers: 2, rate: RATE, directory, emulator: limitedEmulator, label: 'rate', concurrency: 8 })
  console.log(`limit ${RATE}/s at the emulator and on the target, 2 workers of concurrency 8: achieved ${limited.steady.toFixed(2)}/s (${(limited.steady / RATE).toFixed(3)} of the limit), busiest second ${limited.busiest} submissions, ${limited.refused} answered 429, ${limited.failed} failed`)
  // The same without the emulator's own limit: what the limiter alone achieves (no 429 pauses).
  const alone = await run({ workers: 2, rate: RATE, directory, emulator, label: 'rate-alone', concurrency: 8 })
  console.log(`limit ${RATE}/s on the target only, 2 workers of concurrency 8: achieved ${alone.steady.toFixed(2)}/s (${(alone.steady / RATE).toFixed(3)} of the limit), busiest second at the emulator ${alone.busiest} submissions, ${alone.failed} failed`)
} finally {
  await Promise.all([emulator.stop(), limitedEmulator.stop()])
  await rm(directory, { recursive: true, force: true })
}
