// Benchmark: clips per second through `portrait-animator serve` with the offline route (local/warp),
// 4 requests in flight, side by side in one run:
//   - before: one process rendering on its main thread with the WebAssembly encoder (`workers: 0`,
//     `encoder: 'wasm'`, the behaviour before issue 17),
//   - one process on its main thread with the default encoder (ffmpeg when on PATH),
//   - one process with the render pool (`workers: 'auto'`, one worker per core), default encoder,
//   - the anchor: two separate processes on their main threads, default encoder, the 4 requests
//     split between them.
// The target compares the pool with one process on its main thread, same encoder. Rounds alternate
// the order of the set-ups so each sees the same machine load. Also reports how long GET /healthz
// takes while clips render (probed every 50 ms).
//
//   npx tsc -b packages/cli && node bench/local-serve-throughput.mjs [clipsPerRound] [rounds]
// or `npm run bench -- serve`.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const BIN = fileURLToPath(new URL('../packages/cli/dist/bin.js', import.meta.url))
const KEY = 'bench-server-key-0001'
const CONCURRENT = 4
const clipsPerRound = Number(process.argv[2] ?? 8)
const rounds = Number(process.argv[3] ?? 2)
const image = await readFile(new URL('../examples/assets/astronaut.png', import.meta.url))
const folder = await mkdtemp(join(tmpdir(), 'serve-bench-'))
const hasFfmpeg = spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0

const children = new Set()
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL')
})

async function startServer(workers, encoder) {
  const config = join(folder, `config-${workers}-${encoder}-${Math.random().toString(36).slice(2)}.json`)
  await writeFile(config, JSON.stringify({
    // No face analysis cache: every clip of the same photo detects its face, as before the cache.
    providers: { local: { adapter: 'local', settings: { workers, encoder, faceCache: false } } },
    routes: { default: { strategy: 'fallback', targets: ['local/warp'] } },
  }))
  const env = { ...process.env, PORTRAIT_ANIMATOR_H264_ENCODER: '' }
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--api-key', KEY, '--config', config, '--max-concurrent', String(CONCURRENT)], { env, stdio: ['ignore', 'pipe', 'ignore'] })
  children.add(child)
  const line = (await createInterface({ input: child.stdout })[Symbol.asyncIterator]().next()).value
  return { url: JSON.parse(line).url, stop: () => new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGTERM') }) }
}

async function clip(url) {
  const body = new FormData()
  body.append('image_target', new Blob([image], { type: 'image/png' }), 'portrait.png')
  body.append('type', '0')
  const response = await fetch(`${url}/api/portrait/effects/live-photo`, { method: 'POST', headers: { 'ailabapi-api-key': KEY }, body })
  const envelope = await response.json()
  if (response.status !== 200 || !envelope.data?.video) throw new Error(`render failed: ${response.status} ${JSON.stringify(envelope).slice(0, 300)}`)
}

/** Renders `count` clips, CONCURRENT at a time spread over `urls` round-robin; health-checks `urls[0]` meanwhile. */
async function measure(urls, count) {
  let next = 0
  let running = true
  const health = []
  const probe = (async () => {
    while (running) {
      const started = performance.now()
      try {
        const response = await fetch(`${urls[0]}/healthz`)
        await response.arrayBuffer()
        if (response.ok) health.push(performance.now() - started)
      } catch (error) {
        console.error(`/healthz failed: ${error.cause?.code ?? error.message}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  })()
  const started = performance.now()
  await Promise.all(Array.from({ length: CONCURRENT }, async (_, lane) => {
    while (next < count) {
      next++
      await clip(urls[lane % urls.length])
    }
  }))
  const seconds = (performance.now() - started) / 1000
  running = false
  await probe
  return { clipsPerSecond: count / seconds, health }
}

const before = await startServer(0, 'wasm')
const single = await startServer(0, 'auto')
const pooled = await startServer('auto', 'auto')
const pair = [await startServer(0, 'auto'), await startServer(0, 'auto')]
const encoderName = hasFfmpeg ? 'ffmpeg' : 'wasm'
const setups = [
  { name: 'before: one process, main thread, wasm encoder', urls: [before.url], servers: [before] },
  { name: `one process, main thread, ${encoderName}`, urls: [single.url], servers: [single] },
  { name: `one process, render pool, ${encoderName}`, urls: [pooled.url], servers: [pooled] },
  { name: `anchor: two processes, main threads, ${encoderName}`, urls: pair.map((server) => server.url), servers: pair },
]
// Warm-up: models loaded in every process and worker before anything is timed.
for (const setup of setups) await measure(setup.urls, CONCURRENT * setup.urls.length)

const results = new Map(setups.map((setup) => [setup, { rates: [], health: [] }]))
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? setups : [...setups].reverse()
  for (const setup of order) {
    const { clipsPerSecond, health } = await measure(setup.urls, clipsPerRound)
    results.get(setup).rates.push(clipsPerSecond)
    results.get(setup).health.push(...health)
  }
}
for (const setup of setups) for (const server of setup.servers) await server.stop()
await rm(folder, { recursive: true, force: true })

const median = (values) => {
  const sorted = [...values].sort((first, second) => first - second)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
console.log(`serve throughput, local/warp live-photo 512x512: node ${process.version}, ${availableParallelism()} cores, ${CONCURRENT} in flight, ${clipsPerRound} clips x ${rounds} rounds per set-up`)
for (const setup of setups) {
  const { rates, health } = results.get(setup)
  console.log(`  ${setup.name}: ${median(rates).toFixed(2)} clips/s (rounds: ${rates.map((rate) => rate.toFixed(2)).join(', ')}); /healthz median ${median(health).toFixed(1)} ms, max ${Math.max(...health).toFixed(1)} ms`)
}
const rate = (index) => median(results.get(setups[index]).rates)
const ratio = rate(2) / rate(1)
console.log(`pool / main thread (same encoder): ${ratio.toFixed(2)}x; pool / two processes: ${(rate(2) / rate(3)).toFixed(2)}x; two processes / main thread: ${(rate(3) / rate(1)).toFixed(2)}x; pool with ${encoderName} / before: ${(rate(2) / rate(0)).toFixed(2)}x`)
console.log(`target (pool >= 1.8x one process on its main thread): ${ratio >= 1.8 ? 'PASS' : 'FAIL'}`)
process.exitCode = ratio >= 1.8 ? 0 : 1
