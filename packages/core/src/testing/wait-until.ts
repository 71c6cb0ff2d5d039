/** Options for `waitUntil`. */
export interface WaitUntilOptions {
  /**
   * How long to wait before failing. Generous on purpose: the condition is an event the test
   * caused (a webhook, a ledger entry, a request), which a busy machine delivers late but delivers.
   * @default 20_000
   */
  readonly timeoutMs?: number
  /**
   * How often to check.
   * @default 10
   */
  readonly intervalMs?: number
  /** What is awaited, for the failure message (`the webhook delivery`). */
  readonly what?: string
}

/**
 * Resolves with the first truthy value `condition` returns, checking every `intervalMs` until
 * `timeoutMs` has passed; then rejects, saying what was awaited. A condition that throws counts as
 * not yet (so an `expect(...)` inside works too); its last error is the failure's `cause`.
 * For tests: wait on state a test can observe (the emulator's ledger, a received webhook, a
 * request a fake server saw), never for a fixed time.
 *
 * @example
 * ```ts
 * await waitUntil(() => emulator.ledger.charges({ provider: 'fal' }).length === 1, { what: 'the charge' })
 * const delivery = await waitUntil(() => received.find((hook) => hook.body.includes(id)))
 * ```
 */
export async function waitUntil<T>(condition: () => T | Promise<T>, options: WaitUntilOptions = {}): Promise<NonNullable<T>> {
  const timeoutMs = options.timeoutMs ?? 20_000
  const intervalMs = options.intervalMs ?? 10
  const deadline = Date.now() + timeoutMs
  let lastError: unknown
  for (;;) {
    try {
      const value = await condition()
      if (value) return value as NonNullable<T>
      lastError = undefined
    } catch (error) {
      lastError = error
    }
    if (Date.now() >= deadline) {
      const detail = lastError instanceof Error ? `: ${lastError.message}` : ''
      throw new Error(`Gave up waiting for ${options.what ?? 'the condition'} after ${timeoutMs} ms${detail}`, lastError === undefined ? undefined : { cause: lastError })
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}
