import { PortraitAnimatorError } from '../errors/index.js'

/** What each file-system error means to someone saving an output. */
const WRITE_FAILURES: Readonly<Record<string, string>> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EFBIG: 'the file is larger than this file system allows',
  EROFS: 'the location is read-only',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'a folder is in the way',
  ENOTDIR: 'a file is in the way of a folder on the path',
  EEXIST: 'a file is in the way of a folder on the path',
  ENAMETOOLONG: 'the name is too long',
  EIO: 'the disk reported an I/O error',
  EXDEV: 'the temporary file is on another file system',
}

/** True when `error` is a file-system error `outputWriteError` knows how to explain. */
export function isWriteFailure(error: unknown): error is NodeJS.ErrnoException {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  return typeof code === 'string' && code in WRITE_FAILURES
}

/**
 * An `output_failed` error for a file-system failure while writing `path`: one sentence naming the
 * path and the reason, the errno code as `providerCode`, the original error as `cause`.
 * Anything that is not a file-system error is returned unchanged.
 *
 * @example
 * ```ts
 * try { await writeFile(path, bytes) } catch (error) { throw outputWriteError(error, path) }
 * ```
 */
export function outputWriteError(error: unknown, path: string): unknown {
  if (PortraitAnimatorError.isInstance(error) || !isWriteFailure(error)) return error
  const code = error.code!
  return new PortraitAnimatorError({
    kind: 'output_failed',
    message: `Could not write ${path}: ${WRITE_FAILURES[code]} (${code}).`,
    providerCode: code,
    retryable: false,
    cause: error,
  })
}
