#!/usr/bin/env node
/**
 * Renders the driving clip behind fal/live-portrait's `live-photo` preset: the offline animator's
 * live-photo preset (a gentle nod, smile and blink) of the public-domain sample portrait, small
 * enough to ship in the package (256 px, 24 fps, 3 s, well under 1 MB).
 *
 * Run from the repository root after building the workspace (adapter-local is imported from its
 * build output; it is a tool for this script only, never a runtime dependency of adapter-fal):
 *
 *   npm run build && node packages/adapter-fal/scripts/render-driving-clip.mjs
 *
 * Options: --image <path> (default examples/assets/astronaut.png), --out <path>
 * (default packages/adapter-fal/assets/live-photo-driving.mp4), --size <px> (default 256),
 * --fps <n> (default 24).
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const repositoryRoot = resolve(packageRoot, '..', '..')
const { values } = parseArgs({
  options: {
    image: { type: 'string', default: resolve(repositoryRoot, 'examples/assets/astronaut.png') },
    out: { type: 'string', default: resolve(packageRoot, 'assets/live-photo-driving.mp4') },
    size: { type: 'string', default: '256' },
    fps: { type: 'string', default: '24' },
  },
})

const { renderPreset } = await import('@portrait-animator/adapter-local')
const clip = await renderPreset(values.image, 'live-photo', {
  maxSide: Number(values.size),
  fps: Number(values.fps),
  framing: 'head',
  format: 'mp4',
})
if (clip.bytes.byteLength >= 1024 * 1024) {
  throw new Error(`The clip is ${clip.bytes.byteLength} bytes; keep it under 1 MB (lower --size or --fps).`)
}
await mkdir(dirname(values.out), { recursive: true })
await writeFile(values.out, clip.bytes)
console.log(
  `Wrote ${values.out}: ${clip.width}x${clip.height}, ${clip.fps} fps, ${clip.durationSeconds} s, ${clip.bytes.byteLength} bytes.`,
)
