import { withDeadline } from '@portrait-animator/core'
import type { EmulatorRuntime } from './emulator-runtime.js'
import type { WebhookDelivery } from './ledger.js'
import { abortableSleep } from './abortable-sleep.js'
import { parseLoopbackUrl } from './loopback-url.js'

const ATTEMPT_TIMEOUT_MS = 5_000
const FIRST_RETRY_DELAY_MS = 100

/**
 * POSTs a webhook to a loopback URL, retrying non-2xx answers and connection errors a bounded
 * number of times with doubling delays (100 ms, 200 ms, ...). Every attempt is reported.
 *
 * @returns whether some attempt got a 2xx answer.
 */
export async function deliverWebhook(input: {
  readonly url: string
  readonly body: string
  readonly headers: (attempt: number) => Record<string, string>
  readonly attempts: number
  readonly signal: AbortSignal
  readonly onAttempt: (delivery: WebhookDelivery) => void
}): Promise<boolean> {
  const url = parseLoopbackUrl(input.url)
  if (!url) {
    input.onAttempt({ url: input.url, attempt: 1, at: Date.now(), error: 'refused: the emulator only delivers to loopback URLs' })
    return false
  }
  const attempts = Math.max(1, input.attempts)
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (input.signal.aborted) return false
    const at = Date.now()
    const deadline = withDeadline(input.signal, ATTEMPT_TIMEOUT_MS)
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...input.headers(attempt) },
        body: input.body,
        signal: deadline.signal,
      })
      await response.arrayBuffer().catch(() => undefined)
      input.onAttempt({ url: input.url, attempt, at, status: response.status })
      if (response.ok) return true
    } catch (error) {
      input.onAttempt({ url: input.url, attempt, at, error: error instanceof Error ? error.message : String(error) })
    } finally {
      deadline.clear()
    }
    if (attempt < attempts) await abortableSleep(FIRST_RETRY_DELAY_MS * 2 ** (attempt - 1), input.signal)
  }
  return false
}

/**
 * Delivers one provider's webhook about job `jobId` as the emulator's options say: the configured
 * number of attempts, given up when the emulator stops, each attempt recorded in the ledger under
 * the job. `headers` signs the body for one attempt at `timestamp` (Unix seconds, as text).
 *
 * @returns whether some attempt got a 2xx answer (false, never a throw, when the URL is refused).
 */
export function deliverJobWebhook(runtime: EmulatorRuntime, input: { readonly jobId: string; readonly url: string; readonly body: string; readonly headers: (timestamp: string) => Record<string, string> }): Promise<boolean> {
  return deliverWebhook({
    url: input.url,
    body: input.body,
    attempts: runtime.options.webhookAttempts ?? 3,
    signal: runtime.stopSignal,
    headers: () => input.headers(String(Math.floor(Date.now() / 1000))),
    onAttempt: (delivery) => runtime.ledger.recordWebhookDelivery(input.jobId, delivery),
  })
}
