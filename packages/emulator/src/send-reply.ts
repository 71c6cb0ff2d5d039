import type { ServerResponse } from 'node:http'
import type { Reply } from './reply.js'

/** How a reply is damaged on the way out. */
export interface SendDamage {
  /** Fraction of the body to send, with a matching Content-Length. */
  readonly truncate?: number
  /** Reset the connection halfway through the body (after the first event of a stream). */
  readonly reset?: boolean
}

function resetConnection(response: ServerResponse): void {
  const socket = response.socket
  if (socket && typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy()
  else response.destroy()
}

/**
 * Writes `reply` to `response`. A streamed reply stops when `signal` aborts (client gone or
 * emulator stopping).
 */
export async function sendReply(
  response: ServerResponse,
  reply: Reply,
  signal: AbortSignal,
  damage: SendDamage = {},
): Promise<void> {
  if (response.destroyed) return
  const headers: Record<string, string> = { ...reply.headers }
  if (reply.stream) {
    response.writeHead(reply.status, headers)
    response.flushHeaders()
    for await (const chunk of reply.stream) {
      if (signal.aborted || response.destroyed) return
      response.write(chunk)
      if (damage.reset) {
        await new Promise<void>((resolve) => response.write('', () => resolve()))
        resetConnection(response)
        return
      }
    }
    response.end()
    return
  }
  const full = reply.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(reply.body) ? reply.body : Buffer.from(reply.body)
  const body = damage.truncate === undefined ? full : full.subarray(0, Math.floor(full.length * damage.truncate))
  if (damage.reset) {
    headers['content-length'] = String(full.length)
    response.writeHead(reply.status, headers)
    const half = full.subarray(0, Math.floor(full.length / 2))
    await new Promise<void>((resolve) => response.write(half, () => resolve()))
    resetConnection(response)
    return
  }
  headers['content-length'] = String(body.length)
  response.writeHead(reply.status, headers)
  response.end(body)
}
