import { PortraitAnimatorError } from '@portrait-animator/core'

/** How long an adapter may take to wind down after an abort before the router stops waiting. */
export const ABORT_GRACE_MS = 5_000

/**
 * Resolves or rejects with `work`, but when `signal` aborts and `work` has still not settled
 * `graceMs` later, rejects on its own with an error marked `accepted: 'unknown'` (the abandoned call
 * may still have reached the provider). An adapter that ignores aborts can then never hold a
 * request, a deadline or Ctrl-C hostage.
 */
export function settleAfterAbort<T>(work: Promise<T>, signal: AbortSignal, graceMs: number, context: { provider: string; modelId: string }): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const onAbort = () => {
      timer = setTimeout(() => {
        const deadline = (signal.reason as { name?: unknown } | undefined)?.name === 'TimeoutError'
        reject(
          new PortraitAnimatorError({
            kind: deadline ? 'timeout' : 'cancelled',
            message: `${context.provider}/${context.modelId} did not stop within ${graceMs} ms of being ${deadline ? 'timed out' : 'cancelled'}; no longer waiting for it.`,
            ...context,
            accepted: 'unknown',
          }),
        )
      }, graceMs)
      timer.unref?.()
    }
    if (signal.aborted) onAbort()
    else signal.addEventListener('abort', onAbort, { once: true })
    const finish = () => {
      if (timer) clearTimeout(timer)
      signal.removeEventListener('abort', onAbort)
    }
    work.then(
      (value) => {
        finish()
        resolve(value)
      },
      (error: unknown) => {
        finish()
        reject(error)
      },
    )
  })
}
