import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { PortraitAnimatorError } from '@portrait-animator/core'
import { waitUntil } from '@portrait-animator/core/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { FalCall, FalCallRegistry } from './fal-call.js'
import { TINY_PNG } from './fal-fake.test-helpers.js'
import { createFalFetch } from './fal-fetch.js'
import { createFal } from './fal-provider.js'
import { FalUnretriedFailure } from './fal-unretried-failure.js'

type Handler = (request: IncomingMessage, response: ServerResponse) => void

const servers: Server[] = []
afterEach(async () => {
  for (const server of servers) server.closeAllConnections()
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))))
})

/** A loopback server that counts the requests it holds at once. */
async function listen(handler: Handler): Promise<{ origin: string; busiest: () => number }> {
  let open = 0
  let busiest = 0
  const server = createServer((request, response) => {
    open += 1
    busiest = Math.max(busiest, open)
    response.on('close', () => (open -= 1))
    request.resume()
    request.on('end', () => handler(request, response))
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, busiest: () => busiest }
}

function answerJson(response: ServerResponse, body: unknown): void {
  response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body))
}

describe('the fal fetch hook on a pool', () => {
  it('queues calls beyond the pool for a connection without timing them out while they wait', async () => {
    // Each answer takes 150 ms; 30 submits through 2 connections wait about 2.25 s in all, far more
    // than their 1 s timeout, which runs only from when each is sent.
    const server = await listen((_request, response) => setTimeout(() => answerJson(response, { request_id: 'r' }), 150))
    const calls = new FalCallRegistry()
    const falFetch = createFalFetch({ calls, requestTimeoutMs: 1000, connectionsPerOrigin: 2 })
    const answers = await Promise.all(
      Array.from({ length: 30 }, async () => {
        const call = new FalCall(calls, { retry: false })
        const response = await falFetch(`${server.origin}/fal-ai/live-portrait`, { method: 'POST', body: '{}', signal: call.signal })
        return (await response.json()) as unknown
      }),
    )
    expect(answers).toEqual(Array.from({ length: 30 }, () => ({ request_id: 'r' })))
    expect(server.busiest()).toBeLessThanOrEqual(2)
  })

  it('does not make submits wait behind open status streams, whose quiet body is not timed out', async () => {
    const streams: ServerResponse[] = []
    const server = await listen((request, response) => {
      if (request.headers.accept === 'text/event-stream') {
        response.writeHead(200, { 'content-type': 'text/event-stream' }).write('data: {"status":"IN_QUEUE"}\n\n')
        streams.push(response)
        return
      }
      if (request.url === '/hang') return // a status call fal never answers
      answerJson(response, { request_id: 'r' })
    })
    const calls = new FalCallRegistry()
    // One connection for short calls, and a timeout shorter than the streams stay quiet.
    const falFetch = createFalFetch({ calls, requestTimeoutMs: 300, connectionsPerOrigin: 1 })
    const opened = await Promise.all(
      [1, 2, 3].map((job) => falFetch(`${server.origin}/fal-ai/live-portrait/requests/r${job}/status/stream`, { headers: { accept: 'text/event-stream' } })),
    )
    const submit = new FalCall(calls, { retry: false })
    const answer = await falFetch(`${server.origin}/fal-ai/live-portrait`, { method: 'POST', body: '{}', signal: submit.signal })
    expect(await answer.json()).toEqual({ request_id: 'r' })
    await waitUntil(() => streams.length === 3)
    // A call sent after the streams opened times out: the streams have been quiet for longer than
    // the timeout by then, and still deliver.
    const status = new FalCall(calls, { retry: true })
    const timedOut = await falFetch(`${server.origin}/hang`, { signal: status.signal }).catch((error: unknown) => error)
    expect((timedOut as { code?: unknown }).code).toBe('ETIMEDOUT')
    for (const stream of streams) stream.end('data: {"status":"COMPLETED"}\n\n')
    const texts = await Promise.all(opened.map((response) => response.text()))
    expect(texts.every((text) => text.includes('COMPLETED'))).toBe(true)
  })

  it('still times out a request whose answer really is too slow, as a timeout the client does not retry for a submit', async () => {
    const server = await listen(() => undefined) // never answers
    const calls = new FalCallRegistry()
    const falFetch = createFalFetch({ calls, requestTimeoutMs: 200 })
    const submit = new FalCall(calls, { retry: false })
    const failure = await falFetch(`${server.origin}/fal-ai/live-portrait`, { method: 'POST', body: '{}', signal: submit.signal }).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(FalUnretriedFailure)
    expect((failure as FalUnretriedFailure).timedOut).toBe(true)

    const status = new FalCall(calls, { retry: true })
    const retried = await falFetch(`${server.origin}/fal-ai/live-portrait/requests/r/status`, { signal: status.signal }).catch((error: unknown) => error)
    expect((retried as { code?: unknown }).code).toBe('ETIMEDOUT')
  })

  it('reports a submit fal never answers as not answered in time, and never the caller cancelling', async () => {
    const server = await listen((request, response) => {
      const path = request.url ?? ''
      if (path.startsWith('/storage/upload/initiate')) return answerJson(response, { upload_url: `${server.origin}/put/1`, file_url: `${server.origin}/cdn/in.png` })
      if (path === '/put/1') return void response.writeHead(200).end()
      // The submit: no answer.
    })
    const fal = createFal({ apiKey: 'fal-pool-key-123456', baseUrl: server.origin, requestTimeoutMs: 300 })
    const failure = await fal
      .livePortraitImage()
      .animate({ image: TINY_PNG, motion: { type: 'expression', smile: 0.25 } })
      .catch((error: unknown) => error)
    expect(PortraitAnimatorError.isInstance(failure)).toBe(true)
    expect(failure).toMatchObject({ kind: 'unavailable', message: expect.stringMatching(/did not answer the submit request in time/) })
  })
})
