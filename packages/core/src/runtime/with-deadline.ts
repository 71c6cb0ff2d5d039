/** A signal with a deadline, and the way to stop its timer. */
export interface Deadline {
  /** Aborts when the parent aborts (with its reason) or when the deadline passes (a `TimeoutError`). */
  readonly signal: AbortSignal
  /** True once the deadline itself fired (not the parent). */
  readonly timedOut: boolean
  /** Milliseconds left before the deadline (0 once passed; `Infinity` without a deadline). */
  remainingMs(): number
  /** Stops the timer and lets go of the parent; call it when the work ends. */
  clear(): void
}

/**
 * `parent` combined with a deadline of `timeoutMs`: the one deadline helper of the repository (the
 * router's request and attempt deadlines and every adapter's call deadline). Use it instead of
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
  let timedOut = false
  const endsAt = timeoutMs === undefined ? Infinity : Date.now() + Math.max(0, timeoutMs)
  if (parent?.aborted) controller.abort(parent.reason)
  else parent?.addEventListener('abort', onParentAbort, { once: true })
  if (timeoutMs !== undefined && !controller.signal.aborted) {
    timer = setTimeout(() => {
      timedOut = true
      controller.abort(new DOMException(message, 'TimeoutError'))
    }, Math.max(0, timeoutMs))
    timer.unref?.()
  }
  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut
    },
    remainingMs: () => Math.max(0, endsAt - Date.now()),
    clear() {
      if (timer) clearTimeout(timer)
      parent?.removeEventListener('abort', onParentAbort)
    },
  }
}
