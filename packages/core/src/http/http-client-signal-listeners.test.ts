import { getEventListeners } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { waitUntil } from '../testing/index.js'
import { createHttpClient } from './http-client.js'

let server: Server
let base: string

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === '/stall') {
      response.writeHead(200).write('first bytes')
      return
    }
    response.writeHead(request.url === '/busy' ? 503 : 200, { 'content-type': 'application/json' }).end('{"ok":true}')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

describe("createHttpClient and the caller's signal", () => {
  it('40 requests on one signal, read, discarded or failed, leave no abort listener behind', async () => {
    const http = createHttpClient({ provider: 'test', timeoutMs: 20_000 })
    const controller = new AbortController()
    for (let index = 0; index < 40; index += 1) {
      const response = await http.request(`${base}/${index % 2 === 0 ? 'ok' : 'busy'}`, { signal: controller.signal })
      if (index % 4 < 2) await response.json()
      else await response.discard()
    }
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
  })

  it('a response left unread lets go of the signal once its idle timeout has passed', async () => {
    const http = createHttpClient({ provider: 'test', timeoutMs: 50 })
    const controller = new AbortController()
    await http.request(`${base}/stall`, { signal: controller.signal })
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1)
    await waitUntil(() => getEventListeners(controller.signal, 'abort').length === 0, { timeoutMs: 5_000, what: 'the listener to be removed' })
  })
})
