// Quality benchmark of the offline animator (project issue 12): the live-photo clip of every
// portrait of the set (bench/support/quality-portraits.mjs), decoded with a real H.264 decoder
// (tinyh264, as the CLI's report does) and measured as a viewer would see it.
//
//   npm run bench -- quality                       (builds first)
//   npx tsc -b packages/cli && node bench/local-quality.mjs [--only name[,name...]] [--json out.json] [--out folder]
//
// Per clip: identity (Human's descriptor similarity of every 12th decoded frame to the input:
// minimum and mean), nod amplitude (largest move of the face centre from frame 0, in face widths),
// largest frame-to-frame step over the median step (the loop point included), eye openness at the
// blink peak over frame 0 (landmarks of the decoded frames), background motion outside the head
// matte (px, mean over frames) and PSNR of decoded frame 0 against the rendered frame 0 (luma, the
// usual measure of an encode, and RGB, which 4:2:0 chroma alone keeps below about 38 dB). Crops of
// the worst frame (lowest identity) and of the eyes at the blink peak go to out/quality/.
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import sharp from 'sharp'
import { decodeBaselineFrames } from '../packages/cli/dist/report/h264-frames.js'
import { readMediaContainer } from '../packages/cli/dist/report/media-container.js'
import { yuvToRgba } from '../packages/cli/dist/report/yuv-to-rgba.js'
import { backgroundMotion, eyeOpenness, faceGeometry, headMatte, luma, lumaPsnr, meanDifference, psnr } from './support/quality-metrics.mjs'
import { qualityPortraits } from './support/quality-portraits.mjs'

// LOCAL_ADAPTER=/path/to/dist/index.js measures another build (an older commit's) on the same set.
const { describeFace, descriptorSimilarity, detectFaces, loadHumanRuntime, presetFace, renderPreset } = await import(
  process.env.LOCAL_ADAPTER ?? '@portrait-animator/adapter-local'
)
const { values } = parseArgs({ options: { only: { type: 'string' }, json: { type: 'string' }, out: { type: 'string' } } })
const outFolder = new URL(`../out/${values.out ?? 'quality'}/`, import.meta.url)
await rm(outFolder, { recursive: true, force: true })
await mkdir(outFolder, { recursive: true })
await loadHumanRuntime()

const TARGETS = { identityMin: 0.9, nod: [0.02, 0.04], stepRatio: 1.5, blink: 0.25, background: 0.5, psnr: 40 }
const rows = []
for (const portrait of await qualityPortraits()) {
  // --only a,b: the portraits named exactly (or, for one word, every name containing it).
  const only = values.only?.split(',')
  if (only !== undefined && !(only.includes(portrait.name) || (only.length === 1 && portrait.name.includes(only[0])))) continue
  rows.push(await measure(portrait))
  const row = rows.at(-1)
  console.log(JSON.stringify(row))
}

console.log('\n| portrait | identity min / mean (>= 0.9) | nod, face widths (0.02-0.04) | largest step / median (<= 1.5) | eyes at blink peak (<= 0.25; 3x enlarged) | background motion, px (< 0.5) | PSNR frame 0, Y / RGB dB (>= 40) | notes |')
console.log('|---|---|---|---|---|---|---|---|')
for (const row of rows) {
  const mark = (ok) => (ok ? '' : ' ✗')
  const cells = [
    row.name,
    `${fixed(row.identityMin, 2)} / ${fixed(row.identityMean, 2)}${mark(row.identityMin >= TARGETS.identityMin)}`,
    `${fixed(row.nod, 3)}${mark(row.fallback || (row.nod >= TARGETS.nod[0] && row.nod <= TARGETS.nod[1]))}`,
    `${fixed(row.stepRatio, 2)} (${row.worstStep})${mark(row.stepRatio <= TARGETS.stepRatio)}`,
    row.fallback ? 'n/a (fallback)' : `${fixed(row.blink, 2)}${mark(row.blink <= TARGETS.blink)} (3x: ${fixed(row.blinkFine, 2)})`,
    `${fixed(row.background, 2)}${mark(row.fallback || row.background < TARGETS.background)}`,
    `${fixed(row.psnrY, 1)} / ${fixed(row.psnr, 1)}${mark(row.psnrY >= TARGETS.psnr)}`,
    row.notes.join('; '),
  ]
  console.log(`| ${cells.join(' | ')} |`)
}
if (values.json !== undefined) await writeFile(values.json, JSON.stringify(rows, null, 2))
await contactSheet(rows)

/** One small PNG with, per portrait, the worst-identity face and the eyes at the blink peak (out/quality/contact-sheet.png). */
async function contactSheet(measured) {
  const tiles = []
  let top = 0
  for (const row of measured) {
    const files = [row.worstCrop, row.blinkCrop].filter((file) => file !== undefined)
    if (files.length === 0) continue
    let left = 0
    for (const file of files) {
      const input = await sharp(new URL(file, outFolder).pathname).resize({ height: 128 }).png().toBuffer()
      tiles.push({ input, left, top })
      left += (await sharp(input).metadata()).width + 4
    }
    top += 132
  }
  if (tiles.length === 0) return
  await sharp({ create: { width: 128 + 4 + 256, height: top, channels: 3, background: '#ffffff' } })
    .composite(tiles)
    .png({ palette: true, quality: 90 })
    .toFile(new URL('contact-sheet.png', outFolder).pathname)
}

function fixed(value, digits) {
  return Number.isFinite(value) ? value.toFixed(digits) : '-'
}

async function measure(portrait) {
  const notes = []
  let rendered0
  let clip
  try {
    clip = await renderPreset(portrait.bytes, 'live-photo', {
      noFace: 'whole-image',
      onFrame: (frame, index) => {
        if (index === 0) rendered0 = frame
      },
    })
  } catch (error) {
    return { name: portrait.name, notes: [`failed: ${error.message}`] }
  }
  const fallback = clip.warnings.some((warning) => /whole image/i.test(warning.message))
  if (fallback) notes.push('whole-image fallback')
  if (portrait.expectFallback && !fallback) notes.push('face warped although it should fall back')
  if (clip.faces > 1) notes.push(`${clip.faces} faces`)
  const { width, height } = clip

  const { video } = await readMediaContainer(clip.bytes)
  const frames = []
  await decodeBaselineFrames(video, { onFrame: (frame) => frames.push(yuvToRgba(frame).data) })
  const lumas = frames.map((frame) => luma(frame, width, height))

  // Steps between consecutive decoded frames, and from the last back to the first (the loop).
  const steps = lumas.map((plane, index) => meanDifference(plane, lumas[(index + 1) % lumas.length]))
  const sortedSteps = [...steps].sort((first, second) => first - second)
  const medianStep = sortedSteps[Math.floor(sortedSteps.length / 2)]
  const largestStep = Math.max(...steps)
  const stepRatio = largestStep / Math.max(medianStep, 1e-6)
  const worstStep = steps.indexOf(largestStep)

  // Landmarks of every second decoded frame (and of the blink peak).
  const blinkPeak = frames.reduce((best, _, index) => (presetFace('live-photo', index / frames.length).blink > presetFace('live-photo', best / frames.length).blink ? index : best), 0)
  const landmarksOf = new Map()
  for (let index = 0; index < frames.length; index++) {
    if (index % 2 !== 0 && index !== blinkPeak) continue
    const [face] = await detectFaces({ data: frames[index], width, height, channels: 4 })
    if (face !== undefined) landmarksOf.set(index, face.points)
  }
  const first = landmarksOf.get(0)
  let nod = NaN
  let blink = NaN
  let blinkFine = NaN
  let background = NaN
  let blinkCrop
  if (first !== undefined) {
    const start = faceGeometry(first)
    nod = 0
    for (const points of landmarksOf.values()) {
      const geometry = faceGeometry(points)
      nod = Math.max(nod, Math.hypot(geometry.centerX - start.centerX, geometry.centerY - start.centerY) / start.width)
    }
    const peak = landmarksOf.get(blinkPeak)
    blink = peak === undefined ? NaN : eyeOpenness(peak) / eyeOpenness(first)
    // Human truncates landmarks to whole pixels: on a 14-20 px eye that is +-0.15 of this ratio.
    // The same frames enlarged 3x (cubic) give the landmarks to a third of a pixel.
    const [fineOpen, fineClosed] = await Promise.all([0, blinkPeak].map((index) => enlargedLandmarks(frames[index], width, height, 3)))
    blinkFine = fineOpen === undefined || fineClosed === undefined ? NaN : eyeOpenness(fineClosed) / eyeOpenness(fineOpen)
    const mask = headMatte(start, width, height)
    background = 0
    for (const plane of lumas) background += backgroundMotion(lumas[0], plane, mask, width, height) / lumas.length
    blinkCrop = `${portrait.name}-blink.png`
    await saveCrop(frames[blinkPeak], width, height, start, 0.45, blinkCrop)
  } else {
    notes.push('no face in decoded frame 0')
  }

  // Identity of every 12th decoded frame against the input photo.
  const input = await describeFace(portrait.bytes).catch(() => undefined)
  const similarities = []
  for (let index = 0; index < frames.length; index += 12) {
    if (input === undefined) break
    const output = await describeFace({ data: frames[index], width, height, channels: 4 }).catch(() => undefined)
    similarities.push({ index, value: output === undefined ? 0 : await descriptorSimilarity(input, output) })
  }
  // The same measure on the photo itself at output size (the rendered frame 0, before encoding):
  // what the descriptor gives with no animation at all, at this resolution.
  if (input !== undefined && rendered0 !== undefined) {
    const still = await describeFace({ data: rendered0, width, height, channels: 4 }).catch(() => undefined)
    if (still !== undefined) notes.push(`identity of the unanimated photo at output size ${(await descriptorSimilarity(input, still)).toFixed(2)}`)
  }
  const worst = similarities.reduce((low, item) => (low === undefined || item.value < low.value ? item : low), undefined)
  let worstCrop
  if (worst !== undefined && first !== undefined) {
    worstCrop = `${portrait.name}-worst-identity-f${worst.index}.png`
    await saveCrop(frames[worst.index], width, height, faceGeometry(first), 1, worstCrop)
  }

  return {
    name: portrait.name,
    size: `${width}x${height}`,
    fallback,
    identityMin: worst?.value ?? NaN,
    identities: similarities.map((item) => item.value),
    identityMean: similarities.length === 0 ? NaN : similarities.reduce((sum, item) => sum + item.value, 0) / similarities.length,
    nod,
    stepRatio,
    worstStep: `${worstStep}->${(worstStep + 1) % frames.length}`,
    blinkPeak,
    // Every step over the median (the loop point last), to see where the large ones sit.
    stepRatios: steps.map((step) => Number((step / Math.max(medianStep, 1e-6)).toFixed(3))),
    blink,
    blinkFine,
    background,
    psnrY: rendered0 === undefined ? NaN : lumaPsnr(frames[0], rendered0),
    psnr: rendered0 === undefined ? NaN : psnr(frames[0], rendered0),
    bytes: clip.bytes.byteLength,
    blinkCrop,
    worstCrop,
    notes,
  }
}

/** Human's landmarks of the frame enlarged `scale` times (cubic), in the frame's own pixels: sub-pixel positions. */
async function enlargedLandmarks(rgba, width, height, scale) {
  const data = await sharp(Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength), { raw: { width, height, channels: 4 } })
    .resize(width * scale, height * scale, { kernel: 'cubic' })
    .raw()
    .toBuffer()
  const [face] = await detectFaces({ data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: width * scale, height: height * scale, channels: 4 })
  return face?.points.map((value) => value / scale)
}

/** Saves a crop around the face (`scale` 1: the face and hair; 0.45: the eyes) as a small PNG. */
async function saveCrop(rgba, width, height, geometry, scale, name) {
  const side = Math.round(geometry.width * 1.5 * scale)
  const centerY = scale < 1 ? geometry.centerY - 0.12 * geometry.height : geometry.centerY
  const left = Math.max(0, Math.min(width - side, Math.round(geometry.centerX - side / 2)))
  const top = Math.max(0, Math.min(height - side, Math.round(centerY - side / 2)))
  const size = Math.min(side, width - left, height - top)
  await sharp(rgba, { raw: { width, height, channels: 4 } })
    .extract({ left, top, width: size, height: scale < 1 ? Math.round(size / 2) : size })
    .resize(scale < 1 ? 256 : 192)
    .png()
    .toFile(new URL(name, outFolder).pathname)
}
