import type { ProgressEvent } from '@portrait-animator/core'
import type { RouterEvent } from '@portrait-animator/router'
import type { CliIo } from './cli-io.js'

type Mode = 'tty' | 'plain' | 'quiet'

/**
 * Shows what the router is doing. On a terminal: one live status line (target, phase, queue
 * position, elapsed) plus a permanent line for every skip, failure and retry. When piped: plain
 * lines. With --json: nothing on stdout until the final document (progress goes nowhere).
 */
export class ProgressReporter {
  private readonly mode: Mode
  private readonly startedAt = Date.now()
  private status = ''
  private timer: NodeJS.Timeout | undefined
  private currentTarget = ''

  constructor(private readonly io: CliIo, options: { json: boolean }) {
    this.mode = options.json ? 'quiet' : io.stderr.isTTY ? 'tty' : 'plain'
    if (this.mode === 'tty') {
      this.timer = setInterval(() => this.render(), 250)
      this.timer.unref()
    }
  }

  /** Router events: decisions worth a permanent line. */
  onEvent = (event: RouterEvent): void => {
    switch (event.type) {
      case 'skipped':
        this.line(`- ${event.target}: skipped, ${event.reason}`)
        break
      case 'attempt-started':
        this.currentTarget = event.target
        this.setStatus(`${event.target}: ${event.attempt > 1 ? `attempt ${event.attempt}` : 'starting'}`)
        if (this.mode === 'plain') this.line(`> ${event.target}: attempt ${event.attempt}`)
        break
      case 'attempt-failed':
        this.line(`x ${event.target}: ${event.errorKind}, ${event.message}`)
        break
      case 'retry-scheduled':
        this.line(`  retrying ${event.target} in ${(event.delayMs / 1000).toFixed(1)} s (${event.reason})`)
        break
      case 'breaker-opened':
        if (event.permanent) this.line(`  ${event.target} will not be called again (retired)`)
        break
      case 'job-queued':
        this.setStatus(`${event.target}: submitted (job ${event.handle.jobId})`)
        if (this.mode === 'plain') this.line(`  ${event.target}: job ${event.handle.jobId} submitted`)
        break
      default:
        break
    }
  }

  /** Progress from the serving target. */
  onProgress = (event: ProgressEvent): void => {
    const parts = [event.target || this.currentTarget, event.phase]
    if (event.queuePosition !== undefined) parts.push(`queue #${event.queuePosition}`)
    if (event.progress !== undefined) parts.push(`${Math.round(event.progress * 100)}%`)
    this.setStatus(parts.join(': '))
  }

  /** A permanent line (clears the live status first). */
  line(text: string): void {
    if (this.mode === 'quiet') return
    this.clear()
    this.io.stderr.write(`${text}\n`)
    this.render()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.clear()
  }

  private setStatus(text: string): void {
    this.status = text
    this.render()
  }

  private render(): void {
    if (this.mode !== 'tty' || !this.status) return
    const elapsed = ((Date.now() - this.startedAt) / 1000).toFixed(1)
    const width = (this.io.stderr.columns ?? 100) - 1
    this.io.stderr.write(`\r\x1b[2K${`${this.status}  ${elapsed} s`.slice(0, width)}`)
  }

  private clear(): void {
    if (this.mode === 'tty') this.io.stderr.write('\r\x1b[2K')
  }
}
