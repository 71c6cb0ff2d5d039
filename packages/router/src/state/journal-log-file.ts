import { randomBytes } from 'node:crypto'
import { closeSync, constants, unlinkSync } from 'node:fs'
import { mkdir, open, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'

/** What a journal log file's name ends with (`<time>-<random>.journal.log`). */
export const JOURNAL_LOG_SUFFIX = '.journal.log'

/** One write waiting for the next commit. */
interface Pending {
  /** Bytes to append; undefined for a truncation. */
  readonly bytes: Buffer | undefined
  /** Whether the caller waits for the bytes to be on disk (`fdatasync`), not only written. */
  readonly durable: boolean
  readonly resolve: () => void
  readonly reject: (error: unknown) => void
}

/**
 * One journal's own append-only log (`<directory>/<time>-<random>.journal.log`), written only by
 * the instance that created it, with group commit: the lines handed in while a commit is on the
 * disk are written together by the next one, with one `write` and (when any of them must be
 * durable) one `fdatasync`. The file is created on the first line (its directory entry flushed
 * once) and truncated, not removed, when the journal has nothing open, so a busy process creates
 * it once; it is removed when the process exits with nothing open.
 */
export class JournalLogFile {
  /** The file's name in the directory, once created. */
  name: string | undefined
  /** Set when the log holds lines another file's entries depend on: it is then never emptied. */
  keep = false
  private handle: FileHandle | undefined
  /**
   * The same file opened with `O_DSYNC` where the platform has it: a durable batch is one `write`
   * that returns once the bytes are on disk, instead of a `write` then an `fdatasync` (two trips
   * through the thread pool, which a loaded machine makes slow).
   */
  private durableHandle: FileHandle | undefined
  private empty = true
  /** After a failed write the file may end inside a line: the next write starts a new one. */
  private broken = false
  private queue: Pending[] = []
  private committing = false
  /** Truncations queued or being committed: a line written beside the queue meanwhile could be dropped. */
  private truncations = 0

  /**
   * @param directory the journal's folder
   * @param idle whether the journal has nothing open, so that an exiting process may remove its log
   */
  constructor(
    private readonly directory: string,
    private readonly idle: () => boolean,
  ) {}

  /** Appends one line; resolves when it is written and, with `durable`, flushed to disk. */
  append(line: string, durable: boolean): Promise<void> {
    return this.enqueue(Buffer.from(`${line}\n`), durable)
  }

  /**
   * Writes one line at once, not waiting for a flush in progress nor flushing (a completion: the
   * line it follows is already on disk). Appends are atomic at the end of the file, so it cannot
   * tear a batch being written.
   */
  async appendNow(line: string): Promise<void> {
    if (!this.handle) return this.append(line, false)
    await this.writeLines(this.handle, [Buffer.from(`${line}\n`)])
  }

  /**
   * Writes one line durably at once, beside the commit in progress, with one `O_DSYNC` write: for a
   * line that no earlier line must precede (a submit-in-flight mark, the first line of its id), so
   * that it does not wait behind other jobs' flushes. The caller keeps the log from being emptied
   * meanwhile (the mark's id is open). Goes through the queue before the file exists, where the
   * platform has no `O_DSYNC`, and while a truncation is pending.
   */
  async appendDurableNow(line: string): Promise<void> {
    if (!this.handle || !this.durableHandle || this.truncations > 0) return this.append(line, true)
    await this.writeLines(this.durableHandle, [Buffer.from(`${line}\n`)])
  }

  /** Empties the log (every entry in it has ended); resolves when the file is empty. */
  truncate(): Promise<void> {
    this.truncations++
    return this.enqueue(undefined, false).finally(() => this.truncations--)
  }

  private enqueue(bytes: Buffer | undefined, durable: boolean): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ bytes, durable, resolve, reject })
      if (!this.committing) {
        this.committing = true
        void this.drain()
      }
    })
  }

  /** Commits batches until the queue is empty. Lines handed in during the same tick join the first. */
  private async drain(): Promise<void> {
    await Promise.resolve()
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0)
      try {
        await this.commit(batch)
        for (const item of batch) item.resolve()
      } catch (error) {
        for (const item of batch) item.reject(error)
      }
    }
    this.committing = false
  }

  /** One commit: the batch's writes in order (a truncation drops what came before it), one flush. */
  private async commit(batch: readonly Pending[]): Promise<void> {
    const lastTruncation = batch.findLastIndex((item) => item.bytes === undefined)
    const appended = batch.slice(lastTruncation + 1)
    if (lastTruncation >= 0 && this.handle && !this.empty) {
      await this.handle.truncate(0)
      this.empty = true
      this.broken = false
    }
    if (appended.length === 0) return
    const handle = this.handle ?? (await this.create())
    const durable = appended.some((item) => item.durable)
    await this.writeLines(durable && this.durableHandle ? this.durableHandle : handle, appended.map((item) => item.bytes!))
    if (durable && !this.durableHandle) await handle.datasync()
  }

  /** Writes whole lines, starting a new line first when an earlier write failed part-way. */
  private async writeLines(handle: FileHandle, lines: Buffer[]): Promise<void> {
    const afterFailure = this.broken
    this.empty = false
    try {
      await writeAll(handle, Buffer.concat(afterFailure ? [Buffer.from('\n'), ...lines] : lines))
      if (afterFailure) this.broken = false
    } catch (error) {
      this.broken = true
      throw error
    }
  }

  /** Creates the file and flushes its directory entry, so a later `fdatasync` makes lines durable. */
  private async create(): Promise<FileHandle> {
    await mkdir(this.directory, { recursive: true })
    const name = `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}${JOURNAL_LOG_SUFFIX}`
    const handle = await open(join(this.directory, name), 'ax')
    if (constants.O_DSYNC !== undefined) this.durableHandle = await open(join(this.directory, name), constants.O_WRONLY | constants.O_APPEND | constants.O_DSYNC)
    await flushDirectory(this.directory)
    this.handle = handle
    this.name = name
    openLogs.add(this)
    removeEmptyLogsAtExit()
    return handle
  }

  /** At exit: closes the file, and removes it when nothing in it is open (called synchronously). */
  closeAtExit(): void {
    if (!this.handle || !this.name) return
    try {
      closeSync(this.handle.fd)
      if (this.durableHandle) closeSync(this.durableHandle.fd)
      if (!this.keep && this.idle()) unlinkSync(join(this.directory, this.name))
    } catch {
      // Best effort: an empty log left behind is ignored by every reader.
    }
  }
}

/** Flushes a directory's entries (a new file's name) to disk; a platform that cannot (Windows) skips it. */
async function flushDirectory(directory: string): Promise<void> {
  let handle: FileHandle | undefined
  try {
    handle = await open(directory, 'r')
    await handle.sync()
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF') throw error
  } finally {
    await handle?.close()
  }
}

/** Writes the whole buffer: `write` may write fewer bytes than asked. */
async function writeAll(handle: FileHandle, bytes: Buffer): Promise<void> {
  let offset = 0
  while (offset < bytes.byteLength) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.byteLength - offset)
    if (!(bytesWritten > 0)) throw Object.assign(new Error(`journal write made no progress at byte ${offset}`), { code: 'ENOSPC' })
    offset += bytesWritten
  }
}

const openLogs = new Set<JournalLogFile>()
let exitHookInstalled = false

function removeEmptyLogsAtExit(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once('exit', () => {
    for (const log of openLogs) log.closeAtExit()
  })
}
