// Benchmark of Magic Hour completion: how long after a project completes in the emulator the caller
// has it, and how many status requests that took, for this project's adapter against the
// `magic-hour` SDK's own `imageToVideo.generate` (0.43.1, its default MAGIC_HOUR_POLL_INTERVAL of
// 0.5 s, downloads off), side by side in one run: the sides take turns, job by job.
// Target (issue 17): median delay <= 250 ms at default settings, <= 2 status requests per job-second.
//
// Sides: `adapter (default)` is createMagicHour with no pollIntervalMs (adaptive polling: first check
// at once, sparse early, every 150 ms near the end expected from this process's recent projects);
// `adapter (fixed 2000 ms)` is the old default, for reference; `SDK generate` is the anchor.
// Jobs run on five emulator processes whose job lengths differ by 100 ms steps (2.0 to 2.4 s), one
// adapter instance per emulator, so completions fall at every point between two polls.
// Delay: the caller's clock when the call resolves minus the project's `completedAt` in the
// emulator's ledger (same machine clock). Status requests per job-second: the project's status
// GETs divided by the seconds from its creation to the last GET; also the most GETs in any 1 s.
//
// Run after building:
//   npx tsc -b packages/cli packages/emulator && node bench/magichour-polling.mjs [jobs per side] [in flight per side]
//   (or: npm run bench -- magichour-polling)
import { createHash } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import sharp from 'sharp'
import MagicHourModule from 'magic-hour'
import { createMagicHour } from '@portrait-animator/adapter-magichour'
import { startEmulatorProcess } from './support/emulator-process.mjs'

const MagicHour = MagicHourModule.default ?? MagicHourModule
const BUDGET_DELAY_MS = 250
const BUDGET_STATUS_PER_JOB_SECOND = 2
const JOBS = Number(process.argv[2] ?? process.env.JOBS ?? 30)
const IN_FLIGHT = Number(process.argv[3] ?? process.env.IN_FLIGHT ?? 2)
const JOB_LENGTHS_MS = [2000, 2100, 2200, 2300, 2400]
const KEY = 'bench-magichour-key'
process.env.MAGIC_HOUR_LOG_LEVEL = 'none'

/** `count` distinct PNGs of the sample portrait (a few pixels differ), each with its SHA-256 to find its project in the ledger. */
async function portraits(count, directory) {
  const { data, info } = await sharp(fileURLToPath(new URL('../examples/assets/astronaut.png', import.meta.url))).resize(128, 128).removeAlpha().raw().toBuffer({ resolveWithObject: true })
  const list = []
  for (let index = 0; index < count; index++) {
    const pixels = Buffer.from(data)
    for (let bit = 0; bit < 16; bit++) pixels[bit * 3] = (index >> bit) & 1 ? 255 : 0
    const bytes = await sharp(pixels, { raw: info }).png({ compressionLevel: 1 }).toBuffer()
    const path = join(directory, `portrait-${index}.png`)
    await writeFile(path, bytes)
    list.push({ bytes, path, digest: createHash('sha256').update(bytes).digest('hex') })
  }
  return list
}

const median = (values) => {
  const sorted = [...values].sort((first, second) => first - second)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
const percentile = (values, share) => [...values].sort((first, second) => first - second)[Math.min(values.length - 1, Math.floor(values.length * share))]
const peakPerWindow = (times, windowMs) => {
  let peak = 0
  for (const [index, start] of times.entries()) peak = Math.max(peak, times.slice(index).filter((at) => at < start + windowMs).length)
  return peak
}

const emulators = await Promise.all(JOB_LENGTHS_MS.map((length) => startEmulatorProcess(['--job-ms', String(length)])))
const directory = await mkdtemp(join(tmpdir(), 'pa-bench-mh-polling-'))
const adaptive = emulators.map((emulator) => createMagicHour({ apiKey: KEY, baseUrl: emulator.baseUrl }).imageToVideo())
const fixed = emulators.map((emulator) => createMagicHour({ apiKey: KEY, baseUrl: emulator.baseUrl, pollIntervalMs: 2000 }).imageToVideo())
const sdks = emulators.map((emulator) => new MagicHour({ token: KEY, baseUrl: emulator.baseUrl }))
const REQUEST = { motion: { type: 'preset', preset: 'live-photo' } }
const SIDES = {
  'adapter (default)': (index, image) => adaptive[index].animate({ ...REQUEST, image: image.bytes }),
  'SDK generate': (index, image) =>
    sdks[index].v1.imageToVideo.generate({ assets: { imageFilePath: image.path }, endSeconds: 5, style: { prompt: 'live photo' }, resolution: '480p' }, { downloadOutputs: false }),
  'adapter (fixed 2000 ms)': (index, image) => fixed[index].animate({ ...REQUEST, image: image.bytes }),
}
const sideNames = Object.keys(SIDES)
const images = await portraits(JOBS * sideNames.length, directory)
const received = Object.fromEntries(sideNames.map((name) => [name, []]))
const failures = Object.fromEntries(sideNames.map((name) => [name, []]))

console.log(`magichour polling benchmark: node ${process.version}, ${availableParallelism()} cores, ${JOBS} jobs per side, ${IN_FLIGHT} in flight per side, job lengths ${JOB_LENGTHS_MS.join('/')} ms`)
const started = performance.now()
let allPass = false
try {
  // The sides take turns: each worker runs one job of every side in turn, so all sides share the same load.
  let next = 0
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < JOBS) {
        const index = next++
        await Promise.all(
          sideNames.map(async (name, sideIndex) => {
            const image = images[sideIndex * JOBS + index]
            const emulatorIndex = index % emulators.length
            try {
              await SIDES[name](emulatorIndex, image)
              received[name].push({ at: Date.now(), digest: image.digest, emulatorIndex })
            } catch (error) {
              // A lost connection fails one call (the SDK does not retry); it is counted, not measured.
              failures[name].push(error instanceof Error ? (error.code ?? error.message) : String(error))
            }
          }),
        )
      }
    }),
  )
  const seconds = (performance.now() - started) / 1000
  const ledgers = await Promise.all(emulators.map(async (emulator) => (await fetch(`${emulator.baseUrl}/__emulator/ledger`)).json()))
  for (const name of sideNames) {
    const delays = []
    const perJobSecond = []
    const peaks = []
    let statusRequests = 0
    for (const item of received[name]) {
      const job = ledgers[item.emulatorIndex].jobs.find((candidate) => candidate.inputDigest === item.digest)
      if (!job || job.outcome !== 'completed') throw new Error(`no completed project for a ${name} call`)
      delays.push(item.at - job.completedAt)
      if (process.env.VERBOSE) console.log(`${name} #${item.emulatorIndex}: done +${job.completedAt - job.submittedAt} resolved +${item.at - job.submittedAt} checks ${job.statusRequestTimes.map((at) => `+${at - job.submittedAt}`).join(' ')}`)
      const followedMs = Math.max(1, Math.max(...job.statusRequestTimes) - job.submittedAt)
      perJobSecond.push(job.statusRequests / (followedMs / 1000))
      peaks.push(peakPerWindow(job.statusRequestTimes, 1000))
      statusRequests += job.statusRequests
    }
    const delay = median(delays)
    const rate = Math.max(...perJobSecond)
    const pass = delay <= BUDGET_DELAY_MS && rate <= BUDGET_STATUS_PER_JOB_SECOND
    if (name === 'adapter (default)') allPass = pass
    console.log(
      `${name}: median delay ${delay.toFixed(0)} ms (p10 ${percentile(delays, 0.1)}, p90 ${percentile(delays, 0.9)}, max ${Math.max(...delays)}); ` +
        `status requests ${(statusRequests / Math.max(1, received[name].length)).toFixed(1)} per job, ${median(perJobSecond).toFixed(2)} per job-second (median; max ${rate.toFixed(2)}), at most ${Math.max(...peaks)} in any second` +
        (failures[name].length > 0 ? `; ${failures[name].length} calls failed (${[...new Set(failures[name])].join(', ')})` : '') +
        (name === 'adapter (default)' ? `: ${pass ? 'PASS' : 'FAIL'}` : ''),
    )
  }
  console.log(`${seconds.toFixed(0)} s in all`)
} finally {
  await Promise.all(emulators.map((emulator) => emulator.stop()))
  await rm(directory, { recursive: true, force: true })
}
console.log(`target (adapter at default settings: median delay <= ${BUDGET_DELAY_MS} ms, <= ${BUDGET_STATUS_PER_JOB_SECOND} status requests per job-second): ${allPass ? 'PASS' : 'FAIL'}`)
process.exitCode = allPass ? 0 : 1
