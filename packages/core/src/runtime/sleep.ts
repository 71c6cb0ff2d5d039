/** The longest delay setTimeout honours. */
const MAX_TIMER_MS = 2_147_483_647

/**
 * Waits `ms` milliseconds. When `signal` aborts first (or has already), it stops waiting at once and
 * rejects with the signal's reason, and its listener is removed either way. This is the one sleep of
 * the repository: polling loops, retry backoff and rate limiting all use it. A caller that wants to
 * decide for itself after an abort writes `await sleep(ms, signal).catch(() => undefined)` and then
 * checks `signal.aborted`.
 *
 * The timer keeps the process alive, on purpose: a job being polled or a retry being waited for is
 * work in progress, and the process must not exit under it.
 *
 * @example
 * ```ts
 * for (;;) {
 *   const status = await getStatus(signal)
 *   if (status.done) return status
 *   await sleep(pollIntervalMs, signal) // rejects with signal.reason when the caller aborts
 * }
 * ```
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason)
  if (ms <= 0) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    // setTimeout fires at once for anything above 2^31-1 ms; a longer sleep waits that long instead.
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, Math.min(ms, MAX_TIMER_MS))
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
