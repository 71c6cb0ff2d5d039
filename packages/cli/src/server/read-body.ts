import type { Readable } from 'node:stream'

/** Limits on reading one request body. */
export interface ReadBodyOptions {
  /** Largest body accepted, in bytes. */
  readonly maxBytes: number
  /**
   * The whole body must arrive within this many milliseconds of the start of reading, however
   * steadily it trickles in.
   * @default 30000
   */
  readonly timeoutMs?: number
  /**
   * Once `rateGraceMs` has passed, the average rate since reading started must stay at or above
   * this many bytes per second, so a stalled client is let go well before `timeoutMs`. 0 turns the
   * check off.
   * @default 1024
   */
  readonly minBytesPerSecond?: number
  /**
   * How long a body may arrive slower than `minBytesPerSecond` at first (a slow start, a pause
   * while the client builds its form).
   * @default 5000
   */
  readonly rateGraceMs?: number
}

/** Why a body could not be read: larger than allowed, not in time, too slow, or the client left. */
export type BodyFailure = 'too-large' | 'timeout' | 'too-slow' | 'aborted'

/** The body, or why there is none. */
export type BodyOutcome = { readonly ok: true; readonly body: Buffer } | { readonly ok: false; readonly failure: BodyFailure; readonly receivedBytes: number }

/** Defaults of `ReadBodyOptions`, in one place for the server, the CLI and the docs. */
export const BODY_DEFAULTS = { timeoutMs: 30_000, minBytesPerSecond: 1024, rateGraceMs: 5_000 } as const

/**
 * Reads a request body with a size cap, a deadline and a minimum rate. It never rejects: the
 * outcome says what went wrong, so the caller can answer (413, 408) before closing the connection.
 * On failure the stream is left flowing with no listener, so whatever the client still sends is
 * drained and dropped rather than buffered.
 *
 * @example
 * ```ts
 * const outcome = await readBody(request, { maxBytes: 6 * 1024 * 1024, timeoutMs: 30_000 })
 * if (!outcome.ok) return answer(outcome.failure === 'too-large' ? 413 : 408)
 * ```
 */
export function readBody(stream: Readable, options: ReadBodyOptions): Promise<BodyOutcome> {
  const timeoutMs = options.timeoutMs ?? BODY_DEFAULTS.timeoutMs
  const minRate = options.minBytesPerSecond ?? BODY_DEFAULTS.minBytesPerSecond
  const graceMs = options.rateGraceMs ?? BODY_DEFAULTS.rateGraceMs
  const started = Date.now()
  const chunks: Buffer[] = []
  let received = 0

  return new Promise<BodyOutcome>((resolve) => {
    const deadline = setTimeout(() => finish({ ok: false, failure: 'timeout', receivedBytes: received }), timeoutMs)
    // Checked at the end of the grace period, then about once a second (more often for short graces).
    let rateTimer: NodeJS.Timeout | undefined
    const checkRate = () => {
      const elapsedSeconds = (Date.now() - started) / 1000
      if (received < minRate * elapsedSeconds) return finish({ ok: false, failure: 'too-slow', receivedBytes: received })
      rateTimer = setTimeout(checkRate, Math.min(1000, Math.max(50, graceMs)))
    }
    if (minRate > 0) rateTimer = setTimeout(checkRate, graceMs)

    const onData = (chunk: Buffer) => {
      received += chunk.byteLength
      if (received > options.maxBytes) return finish({ ok: false, failure: 'too-large', receivedBytes: received })
      chunks.push(chunk)
    }
    const onEnd = () => finish({ ok: true, body: Buffer.concat(chunks) })
    const onGone = () => finish({ ok: false, failure: 'aborted', receivedBytes: received })

    function finish(outcome: BodyOutcome): void {
      clearTimeout(deadline)
      clearTimeout(rateTimer)
      stream.off('data', onData).off('end', onEnd).off('error', onGone).off('close', onGone)
      if (!outcome.ok) {
        chunks.length = 0
        stream.on('error', () => {}).resume()
      }
      resolve(outcome)
    }

    stream.on('data', onData).once('end', onEnd).once('error', onGone).once('close', onGone)
  })
}
