// Benchmark of the router's overhead: the same live-photo job through the Magic Hour adapter
// directly and through a one-target fallback router (which also validates and reads the input,
// takes a submit-in-flight mark before the paid request and journals the job's handle while the
// first status check runs, and records attempts and events), against the
// emulator in its own process.
// Target (issue 17; issue 8 asked 1.02x): median end-to-end time through the router, journal on, at
// most 1.005x the direct call, over 200 jobs each. A third side, the same router with
// `journal: false`, shows what the journal costs. The sides are interleaved (each worker rotates
// which goes first) to cancel drift.
//
// Run after building:
//   npx tsc -b packages/cli && node bench/router-overhead.mjs [jobs] [in-flight] [--file-per-job] [--without-marks]
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMagicHour } from '@portrait-animator/adapter-magichour'
import { writeFileAtomic } from '@portrait-animator/core'
import { createRouter, FileJobJournal } from '@portrait-animator/router'
import { startEmulatorProcess } from './support/emulator-process.mjs'

const BUDGET_RATIO = 1.005
const positional = process.argv.slice(2).filter((argument) => !argument.startsWith('--'))
const JOBS = Number(positional[0] ?? process.env.JOBS ?? 200)
const IN_FLIGHT = Number(positional[1] ?? process.env.IN_FLIGHT ?? 10)
const JOB_MS = 1000
const POLL_MS = 100

const image = new Uint8Array(await readFile(new URL('../examples/assets/astronaut.png', import.meta.url)))
const request = { image, motion: { type: 'preset', preset: 'live-photo' } }

const emulator = await startEmulatorProcess(['--job-ms', String(JOB_MS)])
const stateDir = await mkdtemp(join(tmpdir(), 'pa-bench-overhead-'))
const settings = { apiKey: 'bench-overhead-key', baseUrl: emulator.baseUrl, pollIntervalMs: POLL_MS }
const direct = createMagicHour(settings).imageToVideo()
const routerConfig = {
  providers: { magichour: { adapter: 'magichour', apiKey: settings.apiKey, baseUrl: settings.baseUrl, settings: { pollIntervalMs: POLL_MS } } },
  routes: { default: { strategy: 'fallback', targets: ['magichour/image-to-video'] } },
  stateDir,
}
const router = await createRouter(routerConfig)
const unjournaled = await createRouter({ ...routerConfig, journal: false })
// `--file-per-job`: a fourth side, the journal as it was before issue 17 (one file per job, written
// atomically and flushed before polling, removed at the end), for a before/after in the same run.
const filePerJob = process.argv.includes('--file-per-job')
  ? await createRouter({ ...routerConfig, stateDir: `${stateDir}-file-per-job` }, { journal: filePerJobJournal(join(`${stateDir}-file-per-job`, 'journal')) })
  : undefined

// `--without-marks`: another side, the file journal without its submit-in-flight marks (a journal
// without `intend`: no write before the paid request, the window before the handle left open), to
// show what the mark costs.
const withoutMarks = process.argv.includes('--without-marks')
  ? await (async () => {
      const files = new FileJobJournal(join(`${stateDir}-without-marks`, 'journal'))
      const journal = { record: (entry) => files.record(entry), complete: (id) => files.complete(id), list: () => files.list() }
      return createRouter({ ...routerConfig, stateDir: `${stateDir}-without-marks` }, { journal })
    })()
  : undefined

/** The file journal before issue 17 (`FileJobJournal` at `afbe632`), enough of it for this benchmark. */
function filePerJobJournal(directory) {
  const pathOf = (id) => join(directory, `${id.replace(/[^a-zA-Z0-9_-]/g, '_')}.job.json`)
  return {
    record: async (entry) => {
      await writeFileAtomic(pathOf(entry.id), Buffer.from(JSON.stringify(entry, null, 2)))
    },
    complete: (id) => rm(pathOf(id), { force: true }),
    list: async () => [],
  }
}

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
  await timeJob(unjournaled)
  if (filePerJob) await timeJob(filePerJob)
  if (withoutMarks) await timeJob(withoutMarks)
}

const directMs = []
const routerMs = []
const unjournaledMs = []
const sides = [
  [direct, directMs],
  [router, routerMs],
  [unjournaled, unjournaledMs],
]
const filePerJobMs = []
if (filePerJob) sides.push([filePerJob, filePerJobMs])
const withoutMarksMs = []
if (withoutMarks) sides.push([withoutMarks, withoutMarksMs])
let next = 0
async function worker() {
  while (next < JOBS) {
    const index = next++
    for (let turn = 0; turn < sides.length; turn++) {
      const [animator, times] = sides[(index + turn) % sides.length]
      times.push(await timeJob(animator))
    }
  }
}
const benchStarted = performance.now()
await Promise.all(Array.from({ length: IN_FLIGHT }, worker))
const wallSeconds = (performance.now() - benchStarted) / 1000
await emulator.stop()
await rm(stateDir, { recursive: true, force: true })
await rm(`${stateDir}-file-per-job`, { recursive: true, force: true })
await rm(`${stateDir}-without-marks`, { recursive: true, force: true })

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
console.log(`router, journal off: median ${ms(median(unjournaledMs))} (min ${ms(Math.min(...unjournaledMs))}, max ${ms(Math.max(...unjournaledMs))})`)
if (filePerJob) console.log(`router, file-per-job journal (before issue 17): median ${ms(median(filePerJobMs))} (min ${ms(Math.min(...filePerJobMs))}, max ${ms(Math.max(...filePerJobMs))})`)
if (withoutMarks) console.log(`router, journal without submit-in-flight marks: median ${ms(median(withoutMarksMs))} (min ${ms(Math.min(...withoutMarksMs))}, max ${ms(Math.max(...withoutMarksMs))})`)
const before =
  (filePerJob ? `; file-per-job journal: ${(median(filePerJobMs) / median(directMs)).toFixed(4)}` : '') +
  (withoutMarks ? `; journal without marks: ${(median(withoutMarksMs) / median(directMs)).toFixed(4)}` : '')
console.log(`ratio of medians, journal on: ${ratio.toFixed(4)}; journal off: ${(median(unjournaledMs) / median(directMs)).toFixed(4)}${before}`)
const withinBudget = ratio <= BUDGET_RATIO
console.log(`budget (ratio <= ${BUDGET_RATIO}): ${withinBudget ? 'PASS' : 'FAIL'}`)
process.exitCode = withinBudget ? 0 : 1
