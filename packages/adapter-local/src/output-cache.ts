import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '@portrait-animator/core/light'
import type { RenderedAnimation, RenderPlan } from './render-animation.js'

/** Bump when the rendering changes, so old cached files are not served. */
const RENDERER_VERSION = 'local-warp-1'

/** The cache key of one render: the photo's bytes and everything in the plan. */
export function cacheKey(image: Uint8Array, plan: RenderPlan): string {
  return createHash('sha256').update(RENDERER_VERSION).update(image).update(JSON.stringify(plan)).digest('hex')
}

/**
 * A folder of finished renders, keyed by photo and plan. Rendering is deterministic, so a hit is
 * exactly what rendering again would produce.
 */
export function createOutputCache(directory: string) {
  const paths = (key: string, format: string) => ({ media: join(directory, `${key}.${format}`), description: join(directory, `${key}.json`) })
  return {
    async read(key: string, format: string): Promise<RenderedAnimation | undefined> {
      const { media, description } = paths(key, format)
      try {
        const [bytes, text] = await Promise.all([readFile(media), readFile(description, 'utf8')])
        const stored = JSON.parse(text) as Omit<RenderedAnimation, 'bytes'>
        return { ...stored, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) }
      } catch {
        return undefined
      }
    },
    async write(key: string, rendered: RenderedAnimation): Promise<void> {
      const { media, description } = paths(key, rendered.format)
      const { bytes, ...stored } = rendered
      // Media first: a description only ever points at a complete file.
      await writeFileAtomic(media, bytes)
      await writeFileAtomic(description, new TextEncoder().encode(JSON.stringify(stored)))
    },
  }
}
