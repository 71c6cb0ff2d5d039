import type { IncomingMessage } from 'node:http'

/** Thrown when a request body is larger than the route accepts. */
export class BodyTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`Request body is larger than ${limitBytes} bytes`)
    this.name = 'BodyTooLargeError'
  }
}

/**
 * Reads a request body into memory, up to `limitBytes`. Past the limit it stops keeping data and
 * rejects with `BodyTooLargeError` (the rest of the body is discarded).
 */
export function readBody(request: IncomingMessage, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let total = 0
    let failed = false
    request.on('data', (chunk: Buffer) => {
      if (failed) return
      total += chunk.length
      if (total > limitBytes) {
        failed = true
        chunks.length = 0
        reject(new BodyTooLargeError(limitBytes))
        return
      }
      chunks.push(chunk)
    })
    request.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks))
    })
    request.on('error', (error) => {
      if (!failed) reject(error)
      failed = true
    })
  })
}
