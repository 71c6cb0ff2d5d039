import sharp from 'sharp'
import { openImage } from './image-probe.js'

/** An SVG of a simple face (head, eyes, smile) on a plain background, `width` x `height`. */
export function portraitSvg(width: number, height: number): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 256 256" preserveAspectRatio="none">
<rect width="256" height="256" fill="#6a8caf"/>
<ellipse cx="128" cy="232" rx="96" ry="48" fill="#3d5a80"/>
<ellipse cx="128" cy="120" rx="64" ry="82" fill="#e0b090"/>
<path d="M64 96 Q128 20 192 96 Q160 60 128 62 Q96 60 64 96Z" fill="#4a3020"/>
<circle cx="102" cy="112" r="8" fill="#222"/><circle cx="154" cy="112" r="8" fill="#222"/>
<path d="M128 120 L120 148 L134 148" stroke="#b08060" stroke-width="3" fill="none"/>
<path d="M100 166 Q128 186 156 166" stroke="#a04040" stroke-width="5" fill="none"/>
</svg>`
}

/** An output still: the emulator's "animated" version of an image. */
export interface StillOutput {
  readonly bytes: Buffer
  readonly width: number
  readonly height: number
  readonly contentType: string
}

const MAX_SIDE = 512

/**
 * Re-encodes the input image (fit inside 512 px, slightly brightened, so that the output is
 * visibly derived from the input) as JPEG or PNG. Without readable input it draws a portrait.
 */
export async function renderStill(input: Buffer | undefined, format: 'jpeg' | 'png'): Promise<StillOutput> {
  const source = (input && openImage(input)) ?? sharp(Buffer.from(portraitSvg(MAX_SIDE, MAX_SIDE)))
  const pipeline = source
    .rotate()
    .resize(MAX_SIDE, MAX_SIDE, { fit: 'inside', withoutEnlargement: true })
    .modulate({ brightness: 1.04 })
  const encoded = format === 'png' ? pipeline.png() : pipeline.jpeg({ quality: 85 })
  const { data, info } = await encoded.toBuffer({ resolveWithObject: true })
  return { bytes: data, width: info.width, height: info.height, contentType: format === 'png' ? 'image/png' : 'image/jpeg' }
}
