import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { PortraitAnimatorError } from '../errors/index.js'
import type { AnimationOutput, SavedOutput } from '../spec/index.js'
import type { RecoveredOutputRecord } from './recovered-outputs.js'
import { writeFileAtomic } from './write-file-atomic.js'

/** Options for `saveWithRecovery`. */
export interface SaveWithRecoveryOptions {
  /** Where a paid output is kept when it cannot be saved at its path, e.g. `<stateDir>/recovered`. */
  readonly recoveryDir: string
  readonly signal?: AbortSignal
  /** Facts for the record (who served it, request ids); free of secrets. */
  readonly details?: Readonly<Record<string, unknown>>
}

const EXTENSIONS = { mp4: 'mp4', webp: 'webp', jpeg: 'jpg', png: 'png' } as const

/**
 * Saves `output` at `path`; when the disk refuses (`output_failed`: full, read-only, ...), the paid
 * output is not thrown away: it is kept in `recoveryDir` (the media, and a `.output.json` record with
 * the intended path and the provider's URL) and the error says where, so `portrait-animator resume`
 * or the user can put it in place later. A kept copy is written where there is room: the
 * recovery folder usually lies on another disk than the output (the state folder).
 *
 * @throws PortraitAnimatorError `output_failed`, its message ending with where the output was kept
 *   (or, if even that failed, where the provider still hosts it). Other errors pass through.
 * @example
 * ```ts
 * await saveWithRecovery(result.output, 'out/live.mp4', { recoveryDir: '.portrait-animator/recovered' })
 * ```
 */
export async function saveWithRecovery(output: AnimationOutput, path: string, options: SaveWithRecoveryOptions): Promise<SavedOutput> {
  try {
    return await output.save(path, options.signal ? { signal: options.signal } : {})
  } catch (error) {
    if (!PortraitAnimatorError.isInstance(error) || error.kind !== 'output_failed') throw error
    const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}`
    let media: string | undefined = join(options.recoveryDir, `${name}.${EXTENSIONS[output.format]}`)
    let problem = ''
    try {
      await output.save(media, options.signal ? { signal: options.signal } : {})
    } catch (keepError) {
      media = undefined
      problem = (keepError as Error).message
    }
    const record: RecoveredOutputRecord = {
      version: 1,
      intendedPath: path,
      format: output.format,
      ...(media ? { media } : {}),
      ...(output.url ? { url: output.url } : {}),
      ...(output.expiresAt ? { expiresAt: output.expiresAt } : {}),
      reason: error.message,
      recoveredAt: new Date().toISOString(),
      ...(options.details ? { details: options.details } : {}),
    }
    const recordPath = join(options.recoveryDir, `${name}.output.json`)
    const recorded = await writeFileAtomic(recordPath, Buffer.from(JSON.stringify(record, null, 2))).then(
      () => true,
      () => false,
    )
    const where = media
      ? ` The paid output was kept in ${media}${recorded ? '; "portrait-animator resume" moves it into place once there is room' : ''}.`
      : recorded
        ? ` The paid output could not be kept (${problem}); ${output.url ? `its URL is in ${recordPath}` : `see ${recordPath}`}${output.expiresAt ? ` (valid until ${output.expiresAt})` : ''}.`
        : ` The paid output could not be kept either (${problem}).`
    throw error.with({ message: `${error.message}${where}` })
  }
}
