import type { OutputFormat } from '../spec/index.js'
import { bufferSource, withFileSource, type ByteSource } from './byte-source.js'
import { checkImageIntegrity } from './check-image-integrity.js'
import { checkMp4Integrity } from './check-mp4-integrity.js'

/** What is known about an output's bytes before they are checked. */
export interface OutputIntegrityCheck {
  /** The container the bytes must be. */
  readonly format: OutputFormat
  /** The size the provider reported (fal's `file_size`): any other byte count is a broken transfer. */
  readonly expectedBytes?: number
}

/**
 * What is wrong with an output, or `undefined` when it is whole: its size matches the size the
 * provider reported, and its container parses (an MP4's boxes fit the file and its sample tables
 * point inside it; a JPEG, PNG or WebP decodes every frame). `input` is a file path (read with
 * positioned reads: a large MP4 is never loaded whole) or the bytes.
 *
 * @example
 * ```ts
 * const problem = await checkOutputIntegrity('out/live.mp4', { format: 'mp4' })
 * if (problem) console.error(`out/live.mp4 is broken: ${problem}`)
 * ```
 */
export async function checkOutputIntegrity(input: string | Uint8Array, check: OutputIntegrityCheck): Promise<string | undefined> {
  if (typeof input === 'string') return withFileSource(input, (source) => checkSource(source, input, check))
  return checkSource(bufferSource(input), input, check)
}

async function checkSource(source: ByteSource, input: string | Uint8Array, check: OutputIntegrityCheck): Promise<string | undefined> {
  if (check.expectedBytes !== undefined && check.expectedBytes > 0 && source.size !== check.expectedBytes) {
    return `it has ${source.size} bytes where the provider reported ${check.expectedBytes}`
  }
  if (source.size === 0) return 'it is empty'
  if (check.format === 'mp4') return checkMp4Integrity(source)
  return checkImageIntegrity(source, input, check.format)
}
