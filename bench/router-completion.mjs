// Benchmark of completion latency: how long after a job completes at the provider the caller has
// the result, through the router, and how hard the router's adapters poll for it.
// Target (project issue 8): median delay from the job completing in the emulator to the result in
// the caller at most 300 ms, with at most 2 status requests per second per job.
//
// Each async target is measured on its own: fal/live-portrait (default settings: it follows the job
// over fal's status stream, polling every 500 ms only where streaming is unavailable) and
// magichour/image-to-video (polling, pollIntervalMs 500, the fastest rate the 2-per-second budget
// allows; its default is 2000). Jobs run on five emulator processes whose job lengths differ by
// 100 ms steps (2.0 to 2.4 s), so completions fall at every point between two polls, as real ones do.
// The delay is the caller's clock when `animate()` resolves minus the job's `completedAt` in the
// emulator's ledger (same machine clock); the poll rate is the most status requests the emulator saw
// for one job in any 1-second window.
//
// Run after building:
//   npx tsc -b packages/cli && node bench/router-completion.mjs [jobs per target] [in-flight]
import { createHash } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import sharp from 'sharp'
import { createRouter } from '@portrait-animator/router'
import { startEmulatorProcess } from './support/emulator-process.mjs'

const BUDGET_DELAY_MS = 300
const BUDGET_STATUS_PER_SECOND = 2
const JOBS = Number(process.argv[2] ?? process.env.JOBS ?? 200)
const IN_FLIGHT = Number(process.argv[3] ?? process.env.IN_FLIGHT ?? 20)
const JOB_LENGTHS_MS = [2000, 2100, 2200, 2300, 2400]
const TARGETS = {
  'fal/live-portrait': { adapter: 'fal', apiKey: 'bench-id:bench-secret', settings: {} },
  'magichour/image-to-video': { adapter: 'magichour', apiKey: 'bench-magichour-key', settings: { pollIntervalMs: 500 } },
}

/** `count` distinct PNGs of the sample portrait (a few pixels differ), each with its SHA-256, to find its job in the ledger. */
async function portraits(count) {
  const { data, info } = await sharp(fileURLToPath(new URL('../examples/assets/astronaut.png', import.meta.url))).resize(128, 128).removeAlpha().raw().toBuffer({ resolveWithObject: true })
  const list = []
  for (let index = 0; index < count; index++) {
    const pixels = Buffer.from(data)
    for (let bit = 0; bit < 16; bit++) pixels[bit * 3] = (index >> bit) & 1 ? 255 : 0
    const bytes = await sharp(pixels, { raw: info }).png({ compressionLevel: 1 }).toBuffer()
    list.push({ bytes, digest: createHash('sha256').update(bytes).digest('hex') })
  }
  return list
}

const median = (values) => {
  const sorted = [...values].sort((first, second) => first - second)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
const percentile = (values, share) => [...values].sort((first, second) => first - second)[Math.min(values.length - 1, Math.floor(values.length * share))]
/** The most timestamps in any window of `windowMs`. */
const peakPerWindow = (times, windowMs) => {
  let peak = 0
  for (const [index, start] of times.entries()) peak = Math.max(peak, times.slice(index).filter((at) => at < start + windowMs).length)
  return peak
}

const emulators = await Promise.all(JOB_LENGTHS_MS.map((length) => startEmulatorProcess(['--job-ms', String(length)])))
const stateDir = await mkdtemp(join(tmpdir(), 'pa-bench-completion-'))
const images = await portraits(JOBS * Object.keys(TARGETS).length)
const report = []
let allPass = true

console.log(`completion benchmark: node ${process.version}, ${availableParallelism()} cores, ${JOBS} jobs per target, ${IN_FLIGHT} in flight, job lengths ${JOB_LENGTHS_MS.join('/')} ms`)
for (const [targetIndex, [target, provider]] of Object.entries(TARGETS).entries()) {
  const providerName = target.split('/')[0]
  const routers = await Promise.all(
    emulators.map((emulator, index) =>
      createRouter({
        providers: { [providerName]: { ...provider, baseUrl: emulator.baseUrl } },
        routes: { default: { strategy: 'fallback', targets: [target] } },
        stateDir: join(stateDir, `${providerName}-${index}`),
      }),
    ),
  )
  const received = []
  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < JOBS) {
        const index = next++
        const image = images[targetIndex * JOBS + index]
        const emulatorIndex = index % emulators.length
        const result = await routers[emulatorIndex].animate({ image: image.bytes, motion: { type: 'preset', preset: 'live-photo' } })
        received.push({ at: Date.now(), digest: image.digest, emulatorIndex, servedBy: result.servedBy.target })
      }
    }),
  )
  const seconds = (performance.now() - started) / 1000
  const ledgers = await Promise.all(emulators.map(async (emulator) => (await fetch(`${emulator.baseUrl}/__emulator/ledger`)).json()))
  const delays = []
  const peaks = []
  let statusRequests = 0
  for (const item of received) {
    if (item.servedBy !== target) throw new Error(`served by ${item.servedBy}`)
    const job = ledgers[item.emulatorIndex].jobs.find((candidate) => candidate.inputDigest === item.digest)
    if (!job || job.outcome !== 'completed') throw new Error(`no completed job for a request to ${target}`)
    delays.push(item.at - job.completedAt)
    peaks.push(peakPerWindow(job.statusRequestTimes, 1000))
    statusRequests += job.statusRequests
  }
  const delay = median(delays)
  const peak = Math.max(...peaks)
  const pass = delay <= BUDGET_DELAY_MS && peak <= BUDGET_STATUS_PER_SECOND
  allPass &&= pass
  report.push(`${target}: median delay ${delay.toFixed(0)} ms (p10 ${percentile(delays, 0.1)}, p90 ${percentile(delays, 0.9)}, max ${Math.max(...delays)}); status requests ${(statusRequests / JOBS).toFixed(1)} per job, at most ${peak} in any second; ${seconds.toFixed(0)} s: ${pass ? 'PASS' : 'FAIL'}`)
  console.log(report.at(-1))
}

await Promise.all(emulators.map((emulator) => emulator.stop()))
await rm(stateDir, { recursive: true, force: true })
console.log(`budget (median delay <= ${BUDGET_DELAY_MS} ms, <= ${BUDGET_STATUS_PER_SECOND} status requests per second per job, every target): ${allPass ? 'PASS' : 'FAIL'}`)
process.exitCode = allPass ? 0 : 1
