// Where Human puts the lids of the live-photo blink (project issue 12): for each portrait of the
// quality set, the rendered (not encoded) frame 0 and blink-peak frame, the eye openness per eye
// (whole-pixel landmarks and the frame enlarged 3x), and for each lid pair of the measure the
// distance between its upper and lower point split into "along" the eye (corner to corner) and
// "across" it. It writes what Human's iris model reads (a square of 2.3 eye widths around each
// eye, enlarged) to out/blink-landmarks/NAME-{open,shut}-eye{0,1}.png.
//
//   npx tsc -b packages/cli && node bench/blink-landmarks.mjs [--only painting,dark] [--frame 56]
//
// A diagnostic, not a benchmark: the quality bench (local-quality.mjs) gives the figures.
import { mkdir } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import sharp from 'sharp'
import { detectFaces, eyeOpenness, loadHumanRuntime, presetFace } from '@portrait-animator/adapter-local'
import { preparePortrait } from '../packages/adapter-local/dist/prepare-portrait.js'
import { renderFrames } from '../packages/adapter-local/dist/render-frames.js'
import { qualityPortraits } from './support/quality-portraits.mjs'

/** The lid pairs and corners `eyeOpenness` measures (Human's mesh indices), image-left eye first. */
const EYES = [
  { pairs: [[160, 144], [159, 145], [158, 153]], corners: [33, 133] },
  { pairs: [[387, 373], [386, 374], [385, 380]], corners: [263, 362] },
]
const { values } = parseArgs({ options: { only: { type: 'string' }, frame: { type: 'string', default: '56' } } })
const only = values.only?.split(',')
const peak = Number(values.frame)
const outFolder = new URL('../out/blink-landmarks/', import.meta.url)
await mkdir(outFolder, { recursive: true })
await loadHumanRuntime()

for (const portrait of await qualityPortraits()) {
  if (portrait.expectFallback || (only !== undefined && !only.includes(portrait.name))) continue
  const prepared = await preparePortrait(portrait.bytes, { maxSide: 512, framing: 'head', noFace: 'whole-image' })
  const { width, height } = prepared
  const frames = []
  await renderFrames(prepared, [presetFace('live-photo', 0), presetFace('live-photo', peak / 72)], (frame) => frames.push(Uint8Array.from(frame)))
  const lines = []
  for (const scale of [1, 3]) {
    const [open, shut] = await Promise.all(frames.map((frame) => landmarks(frame, width, height, scale)))
    if (open === undefined || shut === undefined) {
      lines.push(`  ${scale}x: no face`)
      continue
    }
    const perEye = (points) => EYES.map((eye) => eyeRatio(points, eye))
    const [openEyes, shutEyes] = [perEye(open), perEye(shut)]
    lines.push(`  ${scale}x: ${(eyeOpenness(shut) / eyeOpenness(open)).toFixed(2)} of open (per eye ${shutEyes.map((value, index) => (value / openEyes[index]).toFixed(2)).join(', ')})`)
    if (scale !== 3) continue
    for (const [state, points] of [['open', open], ['shut', shut]]) {
      EYES.forEach((eye, index) => lines.push(`    ${state} eye ${index}: along/across px ${eye.pairs.map((pair) => alongAcross(points, eye, pair)).join(' ')}`))
      for (const [index, eye] of EYES.entries()) await saveEyeView(frames[state === 'open' ? 0 : 1], width, height, points, eye, `${portrait.name}-${state}-eye${index}.png`)
    }
  }
  console.log(`${portrait.name} (frame ${peak} over frame 0)\n${lines.join('\n')}`)
}

async function landmarks(frame, width, height, scale) {
  const data = scale === 1 ? frame : new Uint8Array(await sharp(frame, { raw: { width, height, channels: 4 } }).resize(width * scale, height * scale, { kernel: 'cubic' }).raw().toBuffer())
  const [face] = await detectFaces({ data, width: width * scale, height: height * scale, channels: 4 })
  return face?.points.map((value) => value / scale)
}

function eyeRatio(points, eye) {
  const distance = (first, second) => Math.hypot(points[first * 3] - points[second * 3], points[first * 3 + 1] - points[second * 3 + 1])
  return eye.pairs.reduce((sum, [upper, lower]) => sum + distance(upper, lower), 0) / eye.pairs.length / distance(...eye.corners)
}

/** Lower point minus upper point of a pair, along the eye (from its first corner to its second) and across it, in px. */
function alongAcross(points, eye, [upper, lower]) {
  const [first, second] = eye.corners
  const axisX = points[second * 3] - points[first * 3]
  const axisY = points[second * 3 + 1] - points[first * 3 + 1]
  const length = Math.hypot(axisX, axisY)
  const dx = points[lower * 3] - points[upper * 3]
  const dy = points[lower * 3 + 1] - points[upper * 3 + 1]
  return `(${((dx * axisX + dy * axisY) / length).toFixed(2)}, ${((Math.sign(axisX) * (dy * axisX - dx * axisY)) / length).toFixed(2)})`
}

/** The square Human's iris model reads around one eye (2.3 corner distances), enlarged to 256 px. */
async function saveEyeView(frame, width, height, points, eye, name) {
  const [first, second] = eye.corners
  const centerX = (points[first * 3] + points[second * 3]) / 2
  const centerY = (points[first * 3 + 1] + points[second * 3 + 1]) / 2
  const side = Math.round(2.3 * Math.hypot(points[first * 3] - points[second * 3], points[first * 3 + 1] - points[second * 3 + 1]))
  const left = Math.max(0, Math.min(width - side, Math.round(centerX - side / 2)))
  const top = Math.max(0, Math.min(height - side, Math.round(centerY - side / 2)))
  await sharp(frame, { raw: { width, height, channels: 4 } }).extract({ left, top, width: side, height: side }).resize(256, 256, { kernel: 'cubic' }).png().toFile(new URL(name, outFolder).pathname)
}
