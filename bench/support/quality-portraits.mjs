// The portrait set of the quality benchmark (bench/local-quality.mjs). Two photographs are
// committed (see bench/assets/NOTICE.md and examples/assets/NOTICE.md); the hard cases are derived
// from them here, at bench time, so nothing large is committed. Not a benchmark itself.
import { readFile } from 'node:fs/promises'
import sharp from 'sharp'

const ASTRONAUT = new URL('../../examples/assets/astronaut.png', import.meta.url)
const CAMERAMAN = new URL('../assets/cameraman.png', import.meta.url)

/**
 * Every portrait of the set: `{ name, what, bytes, expectFallback }`. `expectFallback` marks the
 * photos whose face should not be warped (a profile): the animator is expected to fall back to
 * the whole-image motion with a warning.
 */
export async function qualityPortraits() {
  const astronaut = await readFile(ASTRONAUT)
  const cameraman = await readFile(CAMERAMAN)
  const portraits = [
    { name: 'astronaut', what: 'the 512x512 sample (NASA, public domain)', bytes: astronaut },
    { name: 'astronaut-2048', what: 'the sample upscaled to 2048x2048 (a large, high-resolution face)', bytes: await sharp(astronaut).resize(2048, 2048, { kernel: 'lanczos3' }).jpeg({ quality: 90 }).toBuffer() },
    { name: 'small-face', what: 'the sample at 320 px on a 1600x1200 canvas (a small face in a large photo)', bytes: await smallFace(astronaut) },
    { name: 'tilted', what: 'the sample rotated 18 degrees (a tilted head)', bytes: await sharp(astronaut).rotate(18, { background: '#8a9098' }).resize(600, 600, { fit: 'cover' }).png().toBuffer() },
    { name: 'two-faces', what: 'the sample and its mirror image side by side, the mirror one smaller', bytes: await twoFaces(astronaut) },
    { name: 'dark', what: 'the sample at a quarter of its brightness with sensor-like noise (a dark photo)', bytes: await dark(astronaut) },
    { name: 'phone-exif6', what: 'the sample as a 960x1280 JPEG stored sideways with EXIF orientation 6 (a phone photo)', bytes: await phone(astronaut) },
    { name: 'painting', what: 'the sample rendered painting-like (median filter, posterised, boosted colour)', bytes: await painting(astronaut) },
    { name: 'cameraman', what: 'scikit-image "camera" (Lav Varshney, CC0): a man in near-profile behind a camera', bytes: cameraman, expectFallback: true },
  ]
  return portraits.map((portrait) => ({ expectFallback: false, ...portrait, bytes: new Uint8Array(portrait.bytes) }))
}

async function smallFace(astronaut) {
  // The backdrop is the sample itself, enlarged and blurred: texture without a second face.
  const backdrop = await sharp(astronaut).resize(1600, 1200, { fit: 'fill' }).blur(40).png().toBuffer()
  const small = await sharp(astronaut).resize(320, 320).png().toBuffer()
  return sharp(backdrop).composite([{ input: small, left: 900, top: 560 }]).jpeg({ quality: 90 }).toBuffer()
}

async function twoFaces(astronaut) {
  const mirrored = await sharp(astronaut).flop().resize(380, 380).png().toBuffer()
  return sharp({ create: { width: 960, height: 512, channels: 3, background: '#d8d4cc' } })
    .composite([
      { input: astronaut, left: 0, top: 0 },
      { input: mirrored, left: 560, top: 100 },
    ])
    .jpeg({ quality: 90 })
    .toBuffer()
}

async function dark(astronaut) {
  const { data, info } = await sharp(astronaut).removeAlpha().raw().toBuffer({ resolveWithObject: true })
  // A fixed pseudo-random sequence: the same noise on every run.
  let seed = 12345
  const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32)
  for (let index = 0; index < data.length; index++) {
    const noise = (random() + random() + random() - 1.5) * 6
    data[index] = Math.max(0, Math.min(255, Math.round(data[index] * 0.25 + 4 + noise)))
  }
  return sharp(data, { raw: info }).jpeg({ quality: 88 }).toBuffer()
}

async function phone(astronaut) {
  // Upright it is 960x1280 (portrait); stored rotated 90 degrees anticlockwise, so a viewer that
  // honours orientation 6 (rotate 90 clockwise) shows it upright.
  const upright = await sharp(astronaut).resize(960, 1280, { fit: 'cover', position: 'centre' }).png().toBuffer()
  return sharp(upright).rotate(-90).jpeg({ quality: 90 }).withMetadata({ orientation: 6 }).toBuffer()
}

async function painting(astronaut) {
  const { data, info } = await sharp(astronaut).median(7).modulate({ saturation: 1.5 }).removeAlpha().raw().toBuffer({ resolveWithObject: true })
  for (let index = 0; index < data.length; index++) data[index] = Math.min(255, Math.round(data[index] / 24) * 24)
  return sharp(data, { raw: info }).blur(0.8).sharpen({ sigma: 1.5 }).png().toBuffer()
}
