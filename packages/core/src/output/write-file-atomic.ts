import { randomBytes } from 'node:crypto'
import { mkdir, open, rename, rm } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'

/** A temporary path beside `target`, so the final rename stays on one file system. */
export function temporaryPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.partial`)
}

/**
 * Writes `chunks` to `target` through a temporary file beside it, flushed to disk and renamed into
 * place only when complete. If anything fails or `signal` aborts, the temporary file is removed
 * and `target` is left as it was: no half-written output ever appears at `target`.
 *
 * @returns the absolute path and the number of bytes written.
 */
export async function writeFileAtomic(
  target: string,
  chunks: Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: { signal?: AbortSignal; maxBytes?: number; onChunk?: (written: number) => void } = {},
): Promise<{ path: string; bytes: number }> {
  const path = resolve(target)
  await mkdir(dirname(path), { recursive: true })
  const temporary = temporaryPathFor(path)
  const handle = await open(temporary, 'wx')
  let written = 0
  try {
    const source = chunks instanceof Uint8Array ? [chunks] : chunks
    for await (const chunk of source) {
      options.signal?.throwIfAborted()
      written += chunk.byteLength
      if (options.maxBytes !== undefined && written > options.maxBytes) {
        throw new RangeError(`more than ${options.maxBytes} bytes`)
      }
      await handle.write(chunk)
      options.onChunk?.(written)
    }
    options.signal?.throwIfAborted()
    await handle.sync()
    await handle.close()
    await rename(temporary, path)
    return { path, bytes: written }
  } catch (error) {
    await handle.close().catch(() => undefined)
    await rm(temporary, { force: true })
    throw error
  }
}
