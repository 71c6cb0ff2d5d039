import { randomBytes } from 'node:crypto'
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { PortraitAnimatorError } from '../errors/index.js'
import { outputWriteError } from './output-write-error.js'

/** A temporary path beside `target`, so the final rename stays on one file system. */
export function temporaryPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.partial`)
}

/** The part of a `FileHandle` that `writeFileAtomic` uses (a test can hand in one that fails). */
export type WritableFile = Pick<FileHandle, 'write' | 'sync' | 'stat' | 'close'>

/** Options for `writeFileAtomic`. */
export interface WriteFileAtomicOptions {
  readonly signal?: AbortSignal
  /** Largest number of bytes accepted; more is a `RangeError`. */
  readonly maxBytes?: number
  /** Called after each chunk with the bytes written so far. */
  readonly onChunk?: (written: number) => void
  /**
   * Checks the complete temporary file (flushed, size confirmed) before it is renamed into place;
   * a throw leaves `target` untouched. `createRemoteOutput` verifies the media container here.
   */
  readonly verify?: (temporaryPath: string, bytes: number) => Promise<void>
  /**
   * Opens the temporary file for writing.
   * @default `fs.promises.open(path, 'wx')`
   */
  readonly openFile?: (path: string) => Promise<WritableFile>
}

/**
 * Writes `chunks` to `target` through a temporary file beside it, flushed to disk and renamed into
 * place only when complete. Every byte is accounted for: short writes are continued, and the file's
 * size on disk must equal the bytes written before the rename. If anything fails or `signal`
 * aborts, the temporary file is removed and `target` is left as it was: no half-written output
 * ever appears at `target`.
 *
 * @returns the absolute path and the number of bytes written.
 * @throws PortraitAnimatorError `output_failed` when the file system refuses (ENOSPC, EDQUOT, EROFS,
 *   EISDIR, EACCES, ...) or the file on disk is shorter than what was written. Errors of the source
 *   (a broken download) and of `verify` pass through unchanged.
 * @example
 * ```ts
 * const saved = await writeFileAtomic('out/live.mp4', response.stream(), { signal })
 * console.log(`${saved.bytes} bytes in ${saved.path}`)
 * ```
 */
export async function writeFileAtomic(
  target: string,
  chunks: Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: WriteFileAtomicOptions = {},
): Promise<{ path: string; bytes: number }> {
  const path = resolve(target)
  const fileSystem = <T>(step: Promise<T>) => step.catch((error: unknown) => Promise.reject(outputWriteError(error, path)))
  await fileSystem(mkdir(dirname(path), { recursive: true }))
  const temporary = temporaryPathFor(path)
  const handle = await fileSystem(options.openFile ? options.openFile(temporary) : open(temporary, 'wx'))
  let written = 0
  try {
    const source = chunks instanceof Uint8Array ? [chunks] : chunks
    for await (const chunk of source) {
      options.signal?.throwIfAborted()
      written += chunk.byteLength
      if (options.maxBytes !== undefined && written > options.maxBytes) {
        throw new RangeError(`more than ${options.maxBytes} bytes`)
      }
      await fileSystem(writeAll(handle, chunk))
      options.onChunk?.(written)
    }
    options.signal?.throwIfAborted()
    await fileSystem(handle.sync())
    const { size } = await fileSystem(handle.stat())
    if (size !== written) throw shortFile(path, written, size)
    await fileSystem(handle.close())
    await options.verify?.(temporary, written)
    options.signal?.throwIfAborted()
    await fileSystem(rename(temporary, path))
    return { path, bytes: written }
  } catch (error) {
    await handle.close().catch(() => undefined)
    await rm(temporary, { force: true })
    throw error
  }
}

/** Writes the whole chunk: `write` may write fewer bytes than asked (a nearly full disk). */
async function writeAll(handle: WritableFile, chunk: Uint8Array): Promise<void> {
  let offset = 0
  while (offset < chunk.byteLength) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.byteLength - offset)
    if (!(bytesWritten > 0)) {
      throw Object.assign(new Error(`write made no progress at byte ${offset} of ${chunk.byteLength}`), { code: 'ENOSPC' })
    }
    offset += bytesWritten
  }
}

function shortFile(path: string, written: number, size: number): PortraitAnimatorError {
  return new PortraitAnimatorError({
    kind: 'output_failed',
    message: `Could not write ${path}: ${written} bytes were written but the file holds ${size}.`,
    rule: 'file-size',
    limit: written,
    actual: size,
  })
}
