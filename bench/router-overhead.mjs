// Benchmark of the router's overhead: the same live-photo job through the Magic Hour adapter
// directly and through a one-target fallback router (which also validates and reads the input,
// writes the job to its journal before polling, and records attempts and events), against the
// emulator in its own process.
// Target (project issue 8): median end-to-end time through the router at most 1.02x the direct call,
// over 200 jobs each. The two are interleaved (alternating which goes first) to cancel drift.
//
// Run after building:
//   npx tsc -b packages/cli && node bench/router-overhead.mjs [jobs] [in-flight]
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMagicHour } from '@portrait-animator/adapter-magichour'
import { createRouter } from '@portrait-animator/router'
import { startEmulatorProcess } from './support/emulator-process.mjs'

const BUDGET_RATIO = 1.02
const JOBS = Number(process.argv[2] ?? process.env.JOBS ?? 200)
const IN_FLIGHT = Number(process.argv[3] ?? process.env.IN_FLIGHT ?? 10)
const JOB_MS = 1000
const POLL_MS = 100

const image = new Uint8Array(await readFile(new URL('../examples/assets/astronaut.png', import.meta.url)))
const request = { image, motion: { type: 'preset', preset: 'live-photo' } }

const emulator = await startEmulatorProcess(['--job-ms', String(JOB_MS)])
const stateDir = await mkdtemp(join(tmpdir(), 'pa-bench-overhead-'))
const settings = { apiKey: 'bench-overhead-key', baseUrl: emulator.baseUrl, pollIntervalMs: POLL_MS }
const direct = createMagicHour(settings).imageToVideo()
const router = await createRouter({
  providers: { magichour: { adapter: 'magichour', apiKey: settings.apiKey, baseUrl: settings.baseUrl, settings: { pollIntervalMs: POLL_MS } } },
  routes: { default: { strategy: 'fallback', targets: ['magichour/image-to-video'] } },
  stateDir,
})

/** One end-to-end job: animate, then read the whole output. Returns milliseconds. */
async function timeJob(animator) {
  const started = performance.now()
  const result = await animator.animate(request)
  const bytes = await result.output.bytes()
  if (bytes.byteLength < 1000) throw new Error('no output')
  return performance.now() - started
}

// Warm up both paths (connections, code paths, the emulator's cached render).
for (let index = 0; index < 3; index++) {
  await timeJob(direct)
  await timeJob(router)
}

const directMs = []
const routerMs = []
let next = 0
async function worker() {
  while (next < JOBS) {
    const index = next++
    if (index % 2 === 0) {
      directMs.push(await timeJob(direct))
      routerMs.push(await timeJob(router))
    } else {
      routerMs.push(await timeJob(router))
      directMs.push(await timeJob(direct))
    }
  }
}
const benchStarted = performance.now()
await Promise.all(Array.from({ length: IN_FLIGHT }, worker))
const wallSeconds = (performance.now() - benchStarted) / 1000
await emulator.stop()
await rm(stateDir, { recursive: true, force: true })

const median = (values) => {
  const sorted = [...values].sort((first, second) => first - second)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
const ms = (value) => `${value.toFixed(1)} ms`
const ratio = median(routerMs) / median(directMs)

console.log(`router overhead benchmark: node ${process.version}, ${availableParallelism()} cores, ${JOBS} jobs each way, ${IN_FLIGHT} in flight, ${wallSeconds.toFixed(0)} s`)
console.log(`job: magichour/image-to-video live-photo on the emulator (own process), ${JOB_MS} ms jobs, polled every ${POLL_MS} ms, output read in full`)
console.log(`direct adapter: median ${ms(median(directMs))} (min ${ms(Math.min(...directMs))}, max ${ms(Math.max(...directMs))})`)
console.log(`through router: median ${ms(median(routerMs))} (min ${ms(Math.min(...routerMs))}, max ${ms(Math.max(...routerMs))})`)
console.log(`ratio of medians: ${ratio.toFixed(4)}`)
const withinBudget = ratio <= BUDGET_RATIO
console.log(`budget (ratio <= ${BUDGET_RATIO}): ${withinBudget ? 'PASS' : 'FAIL'}`)
process.exitCode = withinBudget ? 0 : 1
