import { readdir, stat } from 'node:fs/promises'
import { basename, extname, join, resolve } from 'node:path'
import type { Motion, OutputFormat } from '@portrait-animator/core'
import { UsageError } from '../exit-codes.js'
import { readCompareManifest } from '../motion/compare-manifest.js'
import type { MotionFlags } from '../motion/motion-flags.js'

/** One portrait of a batch: where it is, what motion, and the output file name inside --out. */
export interface BatchInput {
  /** What the user gave (for listings). */
  readonly source: string
  /** Absolute path of the image. */
  readonly image: string
  readonly motion: Motion
  /** File name inside the out directory. */
  readonly outputName: string
}

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.bmp'])
const MANIFEST = /\.(csv|jsonl|ndjson)$/i

/**
 * The portraits of a batch from its INPUT arguments: image files, directories (their images, not
 * recursive, sorted by name), and CSV/JSONL manifests (one row per portrait with its own motion and
 * an optional `output` file name; paths relative to the manifest). Outputs are named after the
 * input (`me.jpg` gives `me.mp4`, or `me.jpg` for an expression), unless the row names one.
 *
 * @throws UsageError for a missing input, an unreadable manifest row, or two inputs that would
 *   write the same output file.
 */
export async function readBatchInputs(inputs: readonly string[], options: { readonly cwd: string; readonly defaults: MotionFlags; readonly motion: Motion; readonly format?: OutputFormat }): Promise<BatchInput[]> {
  const found: BatchInput[] = []
  const name = (image: string, motion: Motion) => `${basename(image, extname(image))}.${extensionFor(motion, options.format)}`
  for (const input of inputs) {
    const path = resolve(options.cwd, input)
    const info = await stat(path).catch(() => undefined)
    if (!info) throw new UsageError(`${input}: no such file or directory.`)
    if (info.isDirectory()) {
      const images = (await readdir(path)).filter((file) => IMAGE_EXTENSIONS.has(extname(file).toLowerCase())).sort()
      for (const file of images) found.push({ source: join(input, file), image: join(path, file), motion: options.motion, outputName: name(file, options.motion) })
    } else if (MANIFEST.test(path)) {
      for (const row of await readCompareManifest(path, { defaults: options.defaults, cwd: options.cwd, extraColumns: ['output'] })) {
        found.push({ source: row.source, image: row.image, motion: row.motion, outputName: row.extra?.output ?? name(row.image, row.motion) })
      }
    } else {
      found.push({ source: input, image: path, motion: options.motion, outputName: name(path, options.motion) })
    }
  }
  const seen = new Map<string, string>()
  for (const item of found) {
    const earlier = seen.get(item.outputName)
    if (earlier !== undefined) throw new UsageError(`${earlier} and ${item.source} would both write ${item.outputName}; rename one, or name the outputs in a manifest's output column.`)
    seen.set(item.outputName, item.source)
  }
  if (found.length === 0) throw new UsageError('The batch has no portraits: give image files, a folder of images, or a CSV/JSONL manifest.')
  return found
}

function extensionFor(motion: Motion, format: OutputFormat | undefined): string {
  const chosen = format ?? (motion.type === 'expression' ? 'jpeg' : 'mp4')
  return chosen === 'jpeg' ? 'jpg' : chosen
}
