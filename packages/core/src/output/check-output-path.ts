import { randomBytes } from 'node:crypto'
import { mkdir, open, rm, stat, statfs } from 'node:fs/promises'
import { dirname, extname, join, resolve } from 'node:path'
import { PortraitAnimatorError } from '../errors/index.js'
import type { OutputFormat } from '../spec/index.js'
import { OUTPUT_EXTENSIONS } from './output-extensions.js'
import { isWriteFailure } from './output-write-error.js'

/** Free space below which an output location is refused before any paid call. @default 1 MiB */
export const DEFAULT_MIN_FREE_BYTES = 1024 * 1024

/** What `checkOutputPath` checks beyond the path itself. */
export interface CheckOutputPathOptions {
  /** `file` (an output to save) or `directory` (a folder to fill, e.g. a comparison report). @default 'file' */
  readonly kind?: 'file' | 'directory'
  /** The format asked for; the file's extension must agree with it. */
  readonly format?: OutputFormat
  /** Local input files, which the output must never overwrite. */
  readonly inputs?: readonly string[]
  /** Refuse a location with less free space than this (where the platform reports it). @default DEFAULT_MIN_FREE_BYTES */
  readonly minFreeBytes?: number
}

/** A location that passed `checkOutputPath`. */
export interface CheckedOutputPath {
  /** Absolute path. */
  readonly path: string
  /** The format the extension stands for (`.jpg` is `jpeg`), when it is an output extension. */
  readonly format?: OutputFormat
  /** Free bytes in the folder, where the platform reports it. */
  readonly freeBytes?: number
}

/**
 * Checks that an output can be written at `path` before anything is paid for: it is not a folder,
 * not one of the inputs, its extension matches the format, its folder exists (missing folders are
 * created, as `save()` would) and is writable (a temporary file is created and removed there), and
 * the disk has at least `minFreeBytes` free.
 *
 * @throws PortraitAnimatorError `invalid_input` with `field: 'output'` and a `rule`: `is-directory`,
 *   `not-a-directory`, `not-a-file`, `is-input`, `extension`, `not-writable` (with the errno code as
 *   `providerCode`) or `free-space`.
 * @example
 * ```ts
 * const { format } = await checkOutputPath('out/me.webp', { inputs: ['me.jpg'] }) // format: 'webp'
 * const result = await router.animate({ image: 'me.jpg', motion, output: { format } })
 * await result.output.save('out/me.webp')
 * ```
 */
export async function checkOutputPath(path: string, options: CheckOutputPathOptions = {}): Promise<CheckedOutputPath> {
  const absolute = resolve(path)
  const asDirectory = options.kind === 'directory'
  const format = asDirectory ? undefined : formatOfExtension(absolute, options.format)
  for (const input of options.inputs ?? []) {
    if (await sameFile(absolute, resolve(input))) refuse(absolute, 'is-input', `it is the input file ${input}; the output would overwrite it`)
  }
  const existing = await stat(absolute).catch(() => undefined)
  if (existing && !asDirectory && existing.isDirectory()) refuse(absolute, 'is-directory', 'it is a folder; give a file name, e.g. out/live.mp4')
  if (existing && asDirectory && !existing.isDirectory()) refuse(absolute, 'not-a-directory', 'it is a file, not a folder')
  if (existing && !asDirectory && !existing.isFile()) refuse(absolute, 'not-a-file', 'it is not a regular file (a device or a pipe)')
  const folder = asDirectory ? absolute : dirname(absolute)
  await mkdir(folder, { recursive: true }).catch((error: unknown) => refuseWrite(absolute, error))
  const probe = join(folder, `.portrait-animator-probe-${randomBytes(6).toString('hex')}`)
  try {
    const handle = await open(probe, 'wx')
    await handle.close()
  } catch (error) {
    refuseWrite(absolute, error)
  } finally {
    await rm(probe, { force: true })
  }
  const freeBytes = await freeSpace(folder)
  const minFreeBytes = options.minFreeBytes ?? DEFAULT_MIN_FREE_BYTES
  if (freeBytes !== undefined && freeBytes < minFreeBytes) {
    refuse(absolute, 'free-space', `only ${freeBytes} bytes are free there (at least ${minFreeBytes} are needed)`, { limit: minFreeBytes, actual: freeBytes })
  }
  return { path: absolute, ...(format ? { format } : {}), ...(freeBytes === undefined ? {} : { freeBytes }) }
}

function formatOfExtension(path: string, asked: OutputFormat | undefined): OutputFormat | undefined {
  const extension = extname(path).toLowerCase()
  if (extension === '') return undefined
  const byExtension = OUTPUT_EXTENSIONS[extension]
  if (byExtension === undefined) {
    refuse(path, 'extension', `"${extension}" is not an output format; use .mp4, .webp, .png, .jpg or .jpeg`, { limit: '.mp4, .webp, .png, .jpg, .jpeg', actual: extension })
  }
  if (asked !== undefined && asked !== byExtension) {
    refuse(path, 'extension', `the extension "${extension}" does not match the format ${asked}`, { limit: asked, actual: extension })
  }
  return byExtension
}

async function sameFile(a: string, b: string): Promise<boolean> {
  if (a === b) return true
  const [first, second] = await Promise.all([stat(a).catch(() => undefined), stat(b).catch(() => undefined)])
  return first !== undefined && second !== undefined && first.dev === second.dev && first.ino === second.ino
}

async function freeSpace(folder: string): Promise<number | undefined> {
  try {
    const stats = await statfs(folder)
    return stats.bavail * stats.bsize
  } catch {
    return undefined
  }
}

function refuseWrite(path: string, error: unknown): never {
  if (!isWriteFailure(error)) throw error
  const reasons: Record<string, string> = {
    EROFS: 'the location is read-only',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    ENOTDIR: 'a file is in the way of a folder on the path',
    EEXIST: 'a file is in the way of a folder on the path',
    ENOSPC: 'the disk is full',
    EDQUOT: 'the disk quota is used up',
  }
  const code = error.code!
  refuse(path, code === 'ENOTDIR' || code === 'EEXIST' ? 'not-a-directory' : 'not-writable', `${reasons[code] ?? 'it cannot be written'} (${code})`, { providerCode: code, cause: error })
}

function refuse(
  path: string,
  rule: string,
  problem: string,
  extra: { limit?: string | number; actual?: string | number; providerCode?: string; cause?: unknown } = {},
): never {
  throw new PortraitAnimatorError({
    kind: 'invalid_input',
    message: `Cannot save the output to ${path}: ${problem}.`,
    field: 'output',
    rule,
    ...extra,
  })
}
