// Benchmark: cold start of the offline animator. A fresh node process imports the adapter and
// renders the 3 s live-photo clip of the 512x512 sample; the time runs from spawning the process to
// the clip's bytes (node's own start-up included), then the same process renders a second, warm clip.
// Set-ups alternate run by run, so each sees the same machine load:
//   - the default settings (render pool, ffmpeg when on PATH),
//   - rendering on the main thread (`workers: 0`) with the default encoder,
//   - rendering on the main thread with the WebAssembly encoder (the encoder before issue 17),
//   - BASE_ADAPTER=<another build's dist/index.js>: that build with its defaults (e.g. the code before
//     issue 17, built from an older commit), the anchor for "before".
//
//   npx tsc -b packages/adapter-local && node bench/local-cold-start.mjs [runs]
// or `npm run bench -- cold`.
import { spawn } from 'node:child_process'
import { availableParallelism } from 'node:os'
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
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const env = { ...process.env, ADAPTER: setup.adapter, SETTINGS: JSON.stringify(setup.settings), SAMPLE: sample, PORTRAIT_ANIMATOR_H264_ENCODER: '' }
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

const setups = [
  { name: 'default (render pool, default encoder)', adapter, settings: {} },
  { name: 'main thread, default encoder', adapter, settings: { workers: 0 } },
  { name: 'main thread, wasm encoder', adapter, settings: { workers: 0, encoder: 'wasm' } },
]
if (process.env.BASE_ADAPTER) setups.push({ name: `before: ${process.env.BASE_ADAPTER}`, adapter: process.env.BASE_ADAPTER, settings: {} })

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
const base = setups[3]
if (base) console.log(`default / before: ${(defaultCold / median(results.get(base).map((entry) => entry.coldMs))).toFixed(2)}x`)
console.log(`target (default first clip <= ${TARGET_MS} ms): ${defaultCold <= TARGET_MS ? 'PASS' : 'FAIL'}`)
process.exitCode = defaultCold <= TARGET_MS ? 0 : 1
