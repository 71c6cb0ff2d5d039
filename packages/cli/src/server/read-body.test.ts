import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { readBody } from './read-body.js'

/** Writes `chunk` every `everyMs` until the stream ends or `times` writes are done; returns a stop function. */
function trickle(stream: PassThrough, chunk: Buffer, everyMs: number, times: number): () => void {
  let sent = 0
  const timer = setInterval(() => {
    if (stream.writableEnded || stream.destroyed || sent >= times) return clearInterval(timer)
    sent++
    stream.write(chunk)
  }, everyMs)
  return () => clearInterval(timer)
}

describe('readBody', () => {
  it('returns the whole body once it ends', async () => {
    const stream = new PassThrough()
    const outcome = readBody(stream, { maxBytes: 100 })
    stream.write('hello ')
    stream.end('world')
    expect(await outcome).toEqual({ ok: true, body: Buffer.from('hello world') })
  })

  it('stops at maxBytes', async () => {
    const stream = new PassThrough()
    const outcome = readBody(stream, { maxBytes: 10 })
    stream.write(Buffer.alloc(11))
    expect(await outcome).toMatchObject({ ok: false, failure: 'too-large' })
  })

  it('gives up at the deadline even when bytes keep coming', async () => {
    const stream = new PassThrough()
    const stop = trickle(stream, Buffer.from('x'), 20, 500)
    const outcome = await readBody(stream, { maxBytes: 1_000_000, timeoutMs: 300, minBytesPerSecond: 0 })
    stop()
    expect(outcome).toMatchObject({ ok: false, failure: 'timeout' })
    expect(outcome.ok === false && outcome.receivedBytes).toBeGreaterThan(0)
  })

  it('lets a stalled client go after the grace period, before the deadline', async () => {
    const stream = new PassThrough()
    const stop = trickle(stream, Buffer.from('x'), 50, 500)
    const outcome = await readBody(stream, { maxBytes: 1_000_000, timeoutMs: 60_000, minBytesPerSecond: 1000, rateGraceMs: 200 })
    stop()
    expect(outcome).toMatchObject({ ok: false, failure: 'too-slow' })
  })

  it('accepts a body that arrives in pieces above the minimum rate', async () => {
    const stream = new PassThrough()
    const stop = trickle(stream, Buffer.alloc(4096), 20, 30)
    setTimeout(() => {
      stop()
      stream.end()
    }, 400)
    const outcome = await readBody(stream, { maxBytes: 1_000_000, timeoutMs: 60_000, minBytesPerSecond: 1000, rateGraceMs: 100 })
    expect(outcome.ok).toBe(true)
  })

  it('reports a client that went away', async () => {
    const stream = new PassThrough()
    const outcome = readBody(stream, { maxBytes: 100 })
    stream.write('half')
    stream.destroy()
    expect(await outcome).toMatchObject({ ok: false, failure: 'aborted', receivedBytes: 4 })
  })
})
