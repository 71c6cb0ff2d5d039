// Benchmark: H.264 encoding of the 3 s live-photo clip (72 frames, 512x512) of the sample portrait,
// the frames rendered once up front, then encoded in turn (interleaved, so each sees the same load):
//   - native: ffmpeg (libx264) through the adapter's encoder choice (frames piped as they come),
//   - wasm: the adapter's WebAssembly encoder,
//   - BASE_ENCODER=<another build's dist/mp4-encoder.js>: that build's wasm encoder (e.g. the code
//     before issue 17, built from an older commit), the anchor for "no slower than today".
// Frames are passed with the region that changed since the previous frame, as the renderer does.
// Reports the time spent in the encoder's calls (start, each frame, finish: what the renderer's
// `encodeMs` counts; the loop yields between frames like the renderer, and that wait is not
// counted), and CPU time including ffmpeg's (children's CPU from /proc/self/stat, Linux only).
//
//   npx tsc -b packages/adapter-local && node bench/local-encode.mjs [runs]
// or `npm run bench -- encode`.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { readMp4Summary } from '@portrait-animator/core'
import { renderPreset } from '@portrait-animator/adapter-local'

const TARGET_NATIVE_MS = 200
const runs = Number(process.argv[2] ?? 7)
const dist = new URL('../packages/adapter-local/dist/', import.meta.url)
const { createClipEncoder } = await import(new URL('encoder-choice.js', dist).href)
const image = new URL('../examples/assets/astronaut.png', import.meta.url).pathname
const frames = []
await renderPreset(image, 'live-photo', { onFrame: (frame) => frames.push(frame) })
const regions = frames.map((frame, index) => (index === 0 ? undefined : changedRegion(frames[index - 1], frame, 512)))

/** The bounds of the pixels that differ between two RGBA frames (the renderer knows them; here they are measured). */
function changedRegion(previous, frame, width) {
  let [left, top, right, bottom] = [width, Infinity, -1, -1]
  for (let at = 0; at < frame.length; at += 4) {
    if (previous[at] === frame[at] && previous[at + 1] === frame[at + 1] && previous[at + 2] === frame[at + 2]) continue
    const pixel = at / 4
    const x = pixel % width
    const y = (pixel - x) / width
    left = Math.min(left, x)
    right = Math.max(right, x + 1)
    top = Math.min(top, y)
    bottom = Math.max(bottom, y + 1)
  }
  // Even edges, like the warp's bounds: 2x2 chroma blocks are converted whole.
  return right < 0 ? { left: 0, top: 0, right: 2, bottom: 2 } : { left: left & ~1, top: top & ~1, right: Math.min(width, (right + 1) & ~1), bottom: Math.min(512, (bottom + 1) & ~1) }
}
const hasFfmpeg = spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0

/** CPU ms of this process and its reaped children (ffmpeg), from /proc/self/stat. */
function cpuMs() {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')
  // utime, stime, cutime, cstime are fields 14-17 of the line, 12-15 after the command.
  const ticks = fields.slice(11, 15).reduce((total, value) => total + Number(value), 0)
  return ticks * 10
}

async function encodeWith(create) {
  let wallMs = 0
  const timed = async (task) => {
    const started = performance.now()
    try {
      return await task()
    } finally {
      wallMs += performance.now() - started
    }
  }
  const cpu = cpuMs()
  const encoder = await timed(create)
  for (const [index, frame] of frames.entries()) {
    await timed(() => encoder.addFrame(frame, regions[index]))
    // The renderer yields between frames: so does this loop, so ffmpeg's pipe drains the same way.
    await new Promise((resolve) => setImmediate(resolve))
  }
  const bytes = await timed(() => encoder.finish())
  return { wallMs, cpuMs: cpuMs() - cpu, bytes }
}

const setups = [
  ...(hasFfmpeg ? [{ name: 'native (ffmpeg libx264)', create: () => createClipEncoder({ width: 512, height: 512, fps: 24, preference: 'native' }) }] : []),
  { name: 'wasm (this build)', create: () => createClipEncoder({ width: 512, height: 512, fps: 24, preference: 'wasm' }) },
]
if (process.env.BASE_ENCODER) {
  const { createMp4Encoder } = await import(process.env.BASE_ENCODER)
  setups.push({ name: 'wasm (before)', create: async () => {
    const encoder = await createMp4Encoder({ width: 512, height: 512, fps: 24 })
    return { addFrame: (frame, region) => encoder.addFrame(frame, region), finish: async () => encoder.finish() }
  } })
}
const results = new Map(setups.map((setup) => [setup, []]))
for (const setup of setups) await encodeWith(setup.create) // warm-up: wasm compiled, ffmpeg checked
for (let run = 0; run < runs; run++) {
  for (const setup of run % 2 === 0 ? setups : [...setups].reverse()) results.get(setup).push(await encodeWith(setup.create))
}

const median = (values) => {
  const sorted = [...values].sort((first, second) => first - second)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
console.log(`H.264 encode of ${frames.length} frames 512x512: node ${process.version}, ${availableParallelism()} cores, ${runs} runs each`)
for (const setup of setups) {
  const list = results.get(setup)
  const summary = readMp4Summary(list[0].bytes)
  console.log(`  ${setup.name}: time in the encoder median ${Math.round(median(list.map((entry) => entry.wallMs)))} ms (min ${Math.round(Math.min(...list.map((entry) => entry.wallMs)))}), CPU median ${Math.round(median(list.map((entry) => entry.cpuMs)))} ms; ${summary.frameCount} frames, ${list[0].bytes.byteLength} bytes`)
}
const wall = (index) => median(results.get(setups[index]).map((entry) => entry.wallMs))
const cpu = (index) => median(results.get(setups[index]).map((entry) => entry.cpuMs))
let pass = true
if (hasFfmpeg) {
  console.log(`native / wasm: wall ${(wall(0) / wall(1)).toFixed(2)}x, CPU ${(cpu(0) / cpu(1)).toFixed(2)}x`)
  pass = wall(0) <= TARGET_NATIVE_MS
}
if (process.env.BASE_ENCODER) {
  const last = setups.length - 1
  console.log(`wasm this build / before: wall ${(wall(last - 1) / wall(last)).toFixed(2)}x, CPU ${(cpu(last - 1) / cpu(last)).toFixed(2)}x`)
}
console.log(`target (native encode <= ${TARGET_NATIVE_MS} ms in the encoder): ${hasFfmpeg ? (pass ? 'PASS' : 'FAIL') : 'not measured (no ffmpeg)'}`)
process.exitCode = pass ? 0 : 1
