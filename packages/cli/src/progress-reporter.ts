import type { ProgressEvent } from '@portrait-animator/core'
import type { RouterEvent } from '@portrait-animator/router'
import type { CliIo } from './cli-io.js'

type Mode = 'tty' | 'plain' | 'quiet'

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`

/**
 * Shows what the router is doing. On a terminal: one live status line (target, phase, queue
 * position, elapsed) plus a permanent line for every skip, failure and retry. When piped: plain
 * lines. With --json or --quiet: no progress at all. With --verbose: every event is a line.
 * When a target fails and the next one is tried, both are shown as they happen, with the time spent
 * so far, so a slow fallback is never a silent wait.
 */
export class ProgressReporter {
  private readonly mode: Mode
  private readonly startedAt = Date.now()
  private status = ''
  private timer: NodeJS.Timeout | undefined
  private currentTarget = ''
  private readonly verbose: boolean
  private lastPhase = ''

  constructor(private readonly io: CliIo, options: { json: boolean }) {
    this.mode = options.json || io.verbosity === 'quiet' ? 'quiet' : io.stderr.isTTY ? 'tty' : 'plain'
    this.verbose = io.verbosity === 'verbose'
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
        if (this.mode === 'plain' || this.verbose) this.line(`> ${event.target}: attempt ${event.attempt}${event.elapsedMs >= 100 ? ` (at ${seconds(event.elapsedMs)})` : ''}`)
        break
      case 'attempt-failed':
        this.line(`x ${event.target}: ${event.errorKind} after ${seconds(event.elapsedMs)}, ${event.message}`)
        break
      case 'fallback':
        this.line(event.to ? `  falling back to ${event.to} (${seconds(event.elapsedMs)} spent so far)` : `  no target left after ${event.from} (${seconds(event.elapsedMs)} spent)`)
        break
      case 'job-progress':
        if (this.verbose && event.phase !== this.lastPhase) this.line(`  ${event.target}: ${event.phase}${event.queuePosition !== undefined ? ` (queue #${event.queuePosition})` : ''}`)
        this.lastPhase = event.phase
        break
      case 'job-completed':
        if (this.verbose) this.line(`  ${event.target}: job ${event.jobId} completed`)
        break
      case 'result':
        if (this.verbose) this.line(`  ${event.target}: served in ${seconds(event.durationMs)}`)
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
