import { describe, expect, it } from 'vitest'
import { expectAnimatorError } from '../testing/index.js'
import { createHttpClient } from './http-client.js'

describe('a body shorter than its Content-Length', () => {
  it('is an unavailable error naming both counts, not a short success (an injected fetch that does not check)', async () => {
    // A fetch (a proxy, a test double) that hands over a cut body without complaint.
    const cutting: typeof fetch = async () => new Response(new Uint8Array(60), { status: 200, headers: { 'content-length': '100' } })
    const http = createHttpClient({ provider: 'fal', fetch: cutting })
    const chunks = await http.open('https://v3.fal.media/files/out/x.mp4')
    const error = await expectAnimatorError((async () => {
      for await (const chunk of chunks) void chunk
    })())
    expect(error).toMatchObject({ kind: 'unavailable', rule: 'content-length', limit: 100, actual: 60, retryable: true })
    expect(error.message).toContain('was cut short: 60 of 100 bytes arrived')
  })

  it('a compressed body is not held to the encoded length', async () => {
    const compressed: typeof fetch = async () => new Response(new Uint8Array(60), { status: 200, headers: { 'content-length': '20', 'content-encoding': 'gzip' } })
    const http = createHttpClient({ provider: 'fal', fetch: compressed })
    const response = await http.request('https://v3.fal.media/files/out/x.mp4')
    expect((await response.bytes()).byteLength).toBe(60)
  })
})
