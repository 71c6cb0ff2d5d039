import type { OutputFormat, OutputKind } from '../spec/index.js'

/** The output format each file extension stands for. */
export const OUTPUT_EXTENSIONS: Readonly<Record<string, OutputFormat>> = {
  '.mp4': 'mp4',
  '.webp': 'webp',
  '.png': 'png',
  '.jpg': 'jpeg',
  '.jpeg': 'jpeg',
}

/** The kind of output a format holds when nothing else says: WebP may be animated, so it counts as video. */
export function outputKindOf(format: OutputFormat): OutputKind {
  return format === 'mp4' || format === 'webp' ? 'video' : 'image'
}
