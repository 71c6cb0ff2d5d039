// Benchmark of latency under load, side by side with fal's SDK: JOBS live-photo jobs started at
// once on fal/live-portrait (the adapter with its defaults: status stream, output saved to disk
// with `result.output.save()`), and the same jobs through `@fal-ai/client` (`fal.subscribe`
// streaming, one shared Blob, output fetched and streamed to disk; `bench/support/fal-sdk-anchor.mjs`).
// Each side runs in a process of its own against an emulator of its own (jobs of 2 s, the 791 KB
// sample PNG as the input). Figures: per-job time from the call to the saved file, p50/p95/max.
// Target (issue 17): p95 at most 1.1x the SDK's, with no job failing.
//
// Run after building:
//   npx tsc -b packages/cli && node bench/fal-p95.mjs [jobs]
//   node bench/fal-p95.mjs [jobs] --side adapter|sdk   (one side, JSON line)
import { spawnSync } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { startEmulatorProcess } from './support/emulator-process.mjs'

const BUDGET_RATIO = 1.1
const { values, positionals } = parseArgs({ allowPositionals: true, options: { side: { type: 'string' } } })
const JOBS = Number(positionals[0] ?? process.env.JOBS ?? 1000)
const IMAGE = new URL('../examples/assets/astronaut.png', import.meta.url)

/** One job of the chosen side: resolves when its output is on disk. */
async function jobRunner(side, image, baseUrl, folder) {
  if (side === 'sdk') {
    const { falSdkAnchor } = await import('./support/fal-sdk-anchor.mjs')
    const sdk = await falSdkAnchor({ baseUrl, image, folder })
    return Object.assign((index) => sdk.run(index), { retries: () => sdk.retries })
  }
  const { createFal } = await import('@portrait-animator/adapter-fal')
  const animator = createFal({ apiKey: 'bench-id:bench-secret', baseUrl }).livePortrait()
  return async (index) => {
    const result = await animator.animate({ image, motion: { type: 'preset', preset: 'live-photo' } })
    return (await result.output.save(join(folder, `live-${index}.mp4`))).path
  }
}

function percentile(sorted, fraction) {
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]
}

/** Runs every job at once; returns the per-job figures. */
async function measure(side) {
  const image = new Uint8Array(await readFile(IMAGE))
  const emulator = await startEmulatorProcess(['--job-ms', '2000'])
  const folder = await mkdtemp(join(tmpdir(), 'pa-bench-p95-'))
  const run = await jobRunner(side, image, emulator.baseUrl, folder)
  const started = performance.now()
  const outcomes = await Promise.allSettled(
    Array.from({ length: JOBS }, async (_, index) => {
      const begun = performance.now()
      await run(index)
      return performance.now() - begun
    }),
  )
  const seconds = (performance.now() - started) / 1000
  const times = outcomes.filter((outcome) => outcome.status === 'fulfilled').map((outcome) => outcome.value).sort((a, b) => a - b)
  const failures = outcomes.filter((outcome) => outcome.status === 'rejected').map((outcome) => `${outcome.reason?.kind ?? "error"}: ${outcome.reason?.message ?? outcome.reason}`)
  await emulator.stop()
  await rm(folder, { recursive: true, force: true })
  const failureKinds = {}
  for (const failure of failures) {
    const key = failure.replace(/\d+/g, 'N')
    failureKinds[key] = (failureKinds[key] ?? 0) + 1
  }
  return { side, jobs: JOBS, retries: run.retries?.() ?? 0, seconds, failed: failures.length, firstFailure: failures[0], failureKinds, p50: percentile(times, 0.5), p95: percentile(times, 0.95), max: times.at(-1) }
}

if (values.side) {
  console.log(JSON.stringify(await measure(values.side)))
} else {
  console.log(`fal p95 benchmark: node ${process.version}, ${availableParallelism()} cores, ${JOBS} live-photo jobs at once, 2 s each, input the 791 KB sample PNG, outputs saved to disk`)
  const figures = {}
  for (const side of ['adapter', 'sdk']) {
    const run = spawnSync(process.execPath, [fileURLToPath(import.meta.url), String(JOBS), '--side', side], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
    const line = run.stdout.trim().split('\n').at(-1)
    if (run.status !== 0 || !line) {
      console.log(`${side}: the run failed (exit ${run.status})`)
      continue
    }
    const result = JSON.parse(line)
    figures[side] = result
    const label = side === 'sdk' ? 'SDK (fal.subscribe streaming)' : 'fal/live-portrait'
    console.log(
      `${label}: p50 ${(result.p50 / 1000).toFixed(2)} s, p95 ${(result.p95 / 1000).toFixed(2)} s, max ${(result.max / 1000).toFixed(2)} s; all done in ${result.seconds.toFixed(1)} s; ${result.failed} failed${result.failed ? ` (${Object.entries(result.failureKinds).map(([kind, count]) => `${count} x ${kind}`).join('; ')})` : ''}${result.retries ? `, ${result.retries} run again after a transport failure` : ''}`,
    )
  }
  const ratio = figures.adapter && figures.sdk ? figures.adapter.p95 / figures.sdk.p95 : Number.NaN
  const pass = ratio <= BUDGET_RATIO && figures.adapter?.failed === 0
  console.log(`p95 ratio, fal/live-portrait / SDK: ${ratio.toFixed(3)} (target <= ${BUDGET_RATIO}, no failures): ${pass ? 'PASS' : 'FAIL'}`)
  process.exitCode = pass ? 0 : 1
}
