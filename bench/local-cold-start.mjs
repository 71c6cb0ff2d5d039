// Benchmark: cold start of the offline animator. A fresh node process imports the adapter and
// renders the 3 s live-photo clip of the 512x512 sample; the time runs from spawning the process to
// the clip's bytes (node's own start-up included), then the same process renders a second, warm clip.
// Set-ups alternate run by run, so each sees the same machine load:
//   - the default settings (render pool, ffmpeg when on PATH), truly cold: an empty face analysis
//     cache (PORTRAIT_ANIMATOR_CACHE_DIR is a new empty folder for every run), the target's figure,
//   - the default settings with a warm face analysis cache: a fresh process, but the sample's face
//     analysis is on disk from an earlier process (no face models load),
//   - rendering on the main thread (`workers: 0`) with the default encoder, truly cold,
//   - rendering on the main thread with the WebAssembly encoder (the encoder before issue 17), truly cold,
//   - BASE_ADAPTER=<another build's dist/index.js>: that build with its defaults (e.g. the code before
//     issue 17, built from an older commit), the anchor for "before".
//
//   npx tsc -b packages/adapter-local && node bench/local-cold-start.mjs [runs]
// or `npm run bench -- cold`.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const runs = Number(process.argv[2] ?? 5)
const TARGET_MS = 1200
const adapter = fileURLToPath(new URL('../packages/adapter-local/dist/index.js', import.meta.url))
const sample = fileURLToPath(new URL('../examples/assets/astronaut.png', import.meta.url))

// The child: import, first clip, report; second clip, report.
const child = `
const { createLocal } = await import(process.env.ADAPTER)
const settings = JSON.parse(process.env.SETTINGS)
const animator = createLocal(settings).warp()
const request = { image: process.env.SAMPLE, motion: { type: 'preset', preset: 'live-photo' } }
const first = await animator.animate(request)
await first.output.bytes()
const cpu = process.cpuUsage()
process.stdout.write(JSON.stringify({ first: true, encoder: first.providerMetadata.local.encoder ?? 'wasm-h264', cpuMs: (cpu.user + cpu.system) / 1000 }) + '\\n')
const started = performance.now()
await (await animator.animate(request)).output.bytes()
process.stdout.write(JSON.stringify({ warmMs: performance.now() - started }) + '\\n')
`

/** Spawns a fresh process; resolves with ms from spawn to its first clip and its warm clip's ms. */
function coldRun(setup) {
  // Truly cold: a new, empty cache folder; warm cache: the folder an earlier process filled.
  const cacheDir = setup.warmCache ? warmCacheDir : mkdtempSync(join(scratch, 'cold-'))
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const env = { ...process.env, ADAPTER: setup.adapter, SETTINGS: JSON.stringify(setup.settings), SAMPLE: sample, PORTRAIT_ANIMATOR_H264_ENCODER: '', PORTRAIT_ANIMATOR_CACHE_DIR: cacheDir }
    const process_ = spawn(process.execPath, ['--input-type=module', '-e', child], { env, stdio: ['ignore', 'pipe', 'inherit'] })
    let buffer = ''
    const result = {}
    process_.stdout.setEncoding('utf8').on('data', (chunk) => {
      buffer += chunk
      let newline
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const message = JSON.parse(buffer.slice(0, newline))
        buffer = buffer.slice(newline + 1)
        if (message.first) Object.assign(result, { coldMs: performance.now() - started, encoder: message.encoder, cpuMs: message.cpuMs })
        else result.warmMs = message.warmMs
      }
    })
    process_.once('exit', (code) => (code === 0 && result.warmMs !== undefined ? resolve(result) : reject(new Error(`${setup.name}: exit code ${code}`))))
  })
}

const scratch = mkdtempSync(join(tmpdir(), 'local-cold-start-'))
const warmCacheDir = join(scratch, 'warm')
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }))
const setups = [
  { name: 'default (render pool, default encoder), truly cold (empty face cache)', adapter, settings: {} },
  { name: 'default (render pool, default encoder), fresh process, warm face cache', adapter, settings: {}, warmCache: true },
  { name: 'main thread, default encoder, truly cold', adapter, settings: { workers: 0 } },
  { name: 'main thread, default encoder, fresh process, warm face cache', adapter, settings: { workers: 0 }, warmCache: true },
  { name: 'main thread, wasm encoder, truly cold', adapter, settings: { workers: 0, encoder: 'wasm' } },
]
if (process.env.BASE_ADAPTER) setups.push({ name: `before: ${process.env.BASE_ADAPTER}`, adapter: process.env.BASE_ADAPTER, settings: {} })
// One process fills the warm cache first (not counted).
await coldRun({ ...setups[1], name: 'filling the warm face cache' })

const results = new Map(setups.map((setup) => [setup, []]))
for (let run = 0; run < runs; run++) {
  for (const setup of run % 2 === 0 ? setups : [...setups].reverse()) results.get(setup).push(await coldRun(setup))
}

const median = (values) => {
  const sorted = [...values].sort((first, second) => first - second)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
console.log(`offline cold start, live-photo 512x512: node ${process.version}, ${availableParallelism()} cores, ${runs} fresh processes per set-up`)
for (const setup of setups) {
  const list = results.get(setup)
  const cold = median(list.map((entry) => entry.coldMs))
  const warm = median(list.map((entry) => entry.warmMs))
  const cpu = median(list.map((entry) => entry.cpuMs))
  console.log(`  ${setup.name} [${list[0].encoder}]: first clip ${Math.round(cold)} ms (min ${Math.round(Math.min(...list.map((entry) => entry.coldMs)))}; CPU of the process's threads ${Math.round(cpu)} ms), warm clip ${Math.round(warm)} ms, cold / warm ${(cold / warm).toFixed(2)}`)
}
const defaultCold = median(results.get(setups[0]).map((entry) => entry.coldMs))
const defaultWarmCache = median(results.get(setups[1]).map((entry) => entry.coldMs))
const base = setups[5]
if (base) console.log(`default / before: ${(defaultCold / median(results.get(base).map((entry) => entry.coldMs))).toFixed(2)}x`)
console.log(`target (default first clip <= ${TARGET_MS} ms, truly cold): ${defaultCold <= TARGET_MS ? 'PASS' : 'FAIL'}`)
console.log(`  (with a warm face cache, not the target's figure: ${Math.round(defaultWarmCache)} ms, ${defaultWarmCache <= TARGET_MS ? 'within' : 'over'} ${TARGET_MS} ms)`)
process.exitCode = defaultCold <= TARGET_MS ? 0 : 1
