/** A signal with a deadline, and the way to stop its timer. */
export interface Deadline {
  /** Aborts when the parent aborts (with its reason) or when the deadline passes (a `TimeoutError`). */
  readonly signal: AbortSignal
  /** Stops the timer and lets go of the parent; call it when the work ends. */
  clear(): void
}

/**
 * `parent` combined with a deadline of `timeoutMs`. Use it instead of
 * `AbortSignal.any([parent, AbortSignal.timeout(ms)])`: on Node 20 a timeout signal referenced only
 * by `AbortSignal.any()` can be garbage-collected before it fires, and the work then silently has
 * no deadline. Here the timer holds the controller until it fires or `clear()` is called. The timer
 * never keeps the process alive on its own.
 *
 * @example
 * ```ts
 * const deadline = withDeadline(options.signal, options.timeoutMs)
 * try {
 *   await work(deadline.signal)
 * } finally {
 *   deadline.clear()
 * }
 * ```
 */
export function withDeadline(parent: AbortSignal | undefined, timeoutMs: number | undefined, message = `The operation passed its ${timeoutMs} ms deadline.`): Deadline {
  const controller = new AbortController()
  const onParentAbort = () => controller.abort(parent?.reason)
  let timer: ReturnType<typeof setTimeout> | undefined
  if (parent?.aborted) controller.abort(parent.reason)
  else parent?.addEventListener('abort', onParentAbort, { once: true })
  if (timeoutMs !== undefined && !controller.signal.aborted) {
    timer = setTimeout(() => controller.abort(new DOMException(message, 'TimeoutError')), Math.max(0, timeoutMs))
    timer.unref?.()
  }
  return {
    signal: controller.signal,
    clear() {
      if (timer) clearTimeout(timer)
      parent?.removeEventListener('abort', onParentAbort)
    },
  }
}
