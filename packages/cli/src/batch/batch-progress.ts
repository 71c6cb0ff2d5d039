import type { CliIo } from '../cli-io.js'

/** The counts the progress bar shows. */
export interface BatchCounts {
  readonly total: number
  readonly done: number
  readonly failed: number
  readonly inFlight: number
}

/**
 * The batch's progress. On a terminal: one bar redrawn in place (done, failed, in flight, rate,
 * ETA). When piped: a plain line per finished portrait. With --json: nothing until the end.
 */
export class BatchProgress {
  private readonly mode: 'tty' | 'plain' | 'quiet'
  private readonly startedAt = Date.now()
  private startedDone = -1
  private drawn = false

  constructor(private readonly io: CliIo, options: { readonly json: boolean }) {
    this.mode = options.json ? 'quiet' : io.stderr.isTTY ? 'tty' : 'plain'
  }

  /** A portrait finished (a permanent line when piped; above the bar on a terminal). */
  line(text: string): void {
    if (this.mode === 'quiet') return
    if (this.mode === 'tty' && this.drawn) this.io.stderr.write('\r\x1b[2K')
    this.io.stderr.write(`${text}\n`)
    this.drawn = false
  }

  /** Redraws the bar (terminal only). */
  update(counts: BatchCounts): void {
    if (this.startedDone < 0) this.startedDone = counts.done + counts.failed
    if (this.mode !== 'tty') return
    this.io.stderr.write(`\r\x1b[2K${this.describe(counts)}`)
    this.drawn = true
  }

  /** Ends the bar's line. */
  stop(): void {
    if (this.mode === 'tty' && this.drawn) this.io.stderr.write('\n')
    this.drawn = false
  }

  /** `[#####-----] 12/200 done, 1 failed, 4 in flight, 2.1/s, ETA 1m30s` */
  describe(counts: BatchCounts): string {
    const finished = counts.done + counts.failed
    const width = Math.max(10, Math.min(30, (this.io.stderr.columns ?? 80) - 70))
    const filled = counts.total === 0 ? width : Math.round((finished / counts.total) * width)
    const seconds = (Date.now() - this.startedAt) / 1000
    const rate = seconds > 0 ? (finished - Math.max(0, this.startedDone)) / seconds : 0
    const eta = rate > 0 ? formatDuration((counts.total - finished) / rate) : '?'
    return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${counts.done}/${counts.total} done, ${counts.failed} failed, ${counts.inFlight} in flight, ${rate.toFixed(1)}/s, ETA ${eta}`
  }
}

function formatDuration(seconds: number): string {
  const whole = Math.ceil(seconds)
  return whole >= 60 ? `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s` : `${whole}s`
}
