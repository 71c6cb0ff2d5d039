import { open, stat } from 'node:fs/promises'
import { PortraitAnimatorError } from '../errors/index.js'
import { maxBytesError, mediaError } from './media-error.js'

/**
 * Reads a local file, checking its size with `stat` first so an oversized file is rejected without
 * reading a byte of it. Never reads more than `maxBytes + 1` bytes even if the file grows meanwhile.
 *
 * @throws PortraitAnimatorError `invalid_input` with rule `not-found` or `max-bytes`.
 */
export async function readMediaFile(path: string, field: string, maxBytes: number, signal?: AbortSignal): Promise<Uint8Array> {
  let size: number
  try {
    const stats = await stat(path)
    if (!stats.isFile()) throw notFound(field, path, stats.isDirectory() ? 'a directory' : 'not a regular file')
    size = stats.size
  } catch (error) {
    throw toReadError(error, field, path)
  }
  if (size > maxBytes) throw maxBytesError(field, maxBytes, size)
  signal?.throwIfAborted()
  let handle
  try {
    handle = await open(path, 'r')
  } catch (error) {
    throw toReadError(error, field, path)
  }
  try {
    // One extra byte tells "exactly at the cap" from "grew past it since stat".
    const buffer = new Uint8Array(Math.min(size, maxBytes) + 1)
    let length = 0
    while (length < buffer.length) {
      signal?.throwIfAborted()
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null)
      if (bytesRead === 0) break
      length += bytesRead
    }
    if (length > maxBytes) throw maxBytesError(field, maxBytes, length)
    return buffer.subarray(0, length)
  } finally {
    await handle.close()
  }
}

function toReadError(error: unknown, field: string, path: string) {
  if (PortraitAnimatorError.isInstance(error)) return error
  const code = (error as { code?: unknown } | null)?.code
  const reason =
    code === 'ENOENT' || code === 'ENOTDIR' ? 'no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : `unreadable (${String(code ?? 'error')})`
  return notFound(field, path, reason, error)
}

function notFound(field: string, path: string, reason: string, cause?: unknown) {
  return mediaError({
    field,
    rule: 'not-found',
    limit: 'an existing, readable file',
    actual: reason,
    problem: `the file "${path}" cannot be read: ${reason}`,
    ...(cause === undefined ? {} : { cause }),
  })
}
