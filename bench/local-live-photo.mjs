// Benchmark of the offline animator: the 3 s live-photo clip (72 frames at 24 fps) of the 512x512
// sample portrait, rendered and encoded to H.264 MP4.
// Budget (project issue 4): at most 3 s per clip after the models are loaded, peak RSS under 500 MB.
//
// Run after building the package:
//   npx tsc -b packages/adapter-local && node bench/local-live-photo.mjs [runs]
// LOCAL_ADAPTER=/path/to/dist/index.js measures another build (e.g. an older commit's) side by side.
// Besides wall-clock times it reports the CPU time of each clip (the render runs on one thread):
// on a machine shared with other work the wall-clock figure includes waiting for a core.
import { readFile } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { readMp4Summary } from '@portrait-animator/core'
const { createLocal, loadHumanRuntime } = await import(process.env.LOCAL_ADAPTER ?? '@portrait-animator/adapter-local')

const BUDGET_MS = 3000
const BUDGET_RSS_MB = 500
const runs = Number(process.argv[2] ?? process.env.RUNS ?? 5)
const image = new Uint8Array(await readFile(new URL('../examples/assets/astronaut.png', import.meta.url)))

const loadStarted = performance.now()
await loadHumanRuntime()
const modelLoadMs = performance.now() - loadStarted

// On the calling thread (no render pool), so the CPU and phase figures are the renderer's own.
// No face analysis cache: every clip detects its face (the figure is decode + detect + warp + encode).
const animator = createLocal({ workers: 0, faceCache: false }).warp()
const totals = []
const cpuTotals = []
const parts = { detectMs: [], renderMs: [], encodeMs: [] }
let summary
for (let run = 0; run < runs; run++) {
  const started = performance.now()
  const cpuStarted = process.cpuUsage()
  const result = await animator.animate({ image, motion: { type: 'preset', preset: 'live-photo' } })
  const bytes = await result.output.bytes()
  totals.push(performance.now() - started)
  const cpu = process.cpuUsage(cpuStarted)
  cpuTotals.push((cpu.user + cpu.system) / 1000)
  summary = { ...readMp4Summary(bytes), bytes: bytes.byteLength }
  for (const key of Object.keys(parts)) parts[key].push(result.providerMetadata.local[key])
}

const median = (values) => {
  const sorted = [...values].sort((first, second) => first - second)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
const ms = (value) => `${Math.round(value)} ms`
const peakRssMb = process.resourceUsage().maxRSS / 1024

console.log(`local/warp live-photo benchmark: node ${process.version}, ${availableParallelism()} cores, ${runs} runs`)
console.log(`output: ${summary.width}x${summary.height} ${summary.codec}, ${summary.frameCount} frames, ${summary.durationSeconds} s, ${summary.bytes} bytes`)
console.log(`model load (once per process): ${ms(modelLoadMs)}`)
console.log(`clip (decode + detect + warp + encode): median ${ms(median(totals))}, min ${ms(Math.min(...totals))}, max ${ms(Math.max(...totals))}`)
console.log(`clip CPU time: median ${ms(median(cpuTotals))}, min ${ms(Math.min(...cpuTotals))}, max ${ms(Math.max(...cpuTotals))}`)
console.log(`  median parts: detect ${ms(median(parts.detectMs))}, warp ${ms(median(parts.renderMs))}, encode ${ms(median(parts.encodeMs))}`)
console.log(`peak RSS: ${peakRssMb.toFixed(0)} MB`)
const withinBudget = median(totals) <= BUDGET_MS && peakRssMb < BUDGET_RSS_MB
console.log(`budget (median <= ${BUDGET_MS} ms, peak RSS < ${BUDGET_RSS_MB} MB): ${withinBudget ? 'PASS' : 'FAIL'}`)
process.exitCode = withinBudget ? 0 : 1
