/**
 * Waits `milliseconds`, or less when `signal` aborts. Never rejects: callers check
 * `signal.aborted` afterwards. The timer is unref'd so a pending sleep never keeps a process alive.
 */
export function abortableSleep(milliseconds: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || milliseconds <= 0) {
      resolve()
      return
    }
    const done = (): void => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, milliseconds)
    timer.unref()
    signal?.addEventListener('abort', done, { once: true })
  })
}
