import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One request a `WebhookReceiver` got. */
export interface ReceivedWebhook {
  readonly headers: IncomingHttpHeaders
  /** The body's bytes, as sent (signatures are computed over them). */
  readonly bytes: Buffer
  /** The body as UTF-8 text. */
  readonly body: string
}

/** A loopback HTTP server that records every request and answers 200. */
export interface WebhookReceiver {
  /** `http://127.0.0.1:<port><path>`. */
  readonly url: string
  /** Every request so far, in arrival order. */
  readonly calls: ReceivedWebhook[]
  close(): Promise<void>
}

/**
 * Starts a webhook receiver on a free loopback port, for tests of webhook delivery (the emulator's
 * and the adapters'). Close it when the test ends.
 *
 * @example
 * ```ts
 * const receiver = await startWebhookReceiver('/hooks/fal')
 * onTestFinished(() => receiver.close())
 * ```
 */
export async function startWebhookReceiver(path = '/hook'): Promise<WebhookReceiver> {
  const calls: ReceivedWebhook[] = []
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const bytes = Buffer.concat(chunks)
      calls.push({ headers: request.headers, bytes, body: bytes.toString('utf8') })
      response.writeHead(200).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    calls,
    close: () => {
      // A sender's kept-alive connection would hold close() open.
      server.closeAllConnections()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
