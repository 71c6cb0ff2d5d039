import { request } from 'node:http'
import { POOL_MAX_IDLE_MS } from '@portrait-animator/core'
import { afterEach, expect, it } from 'vitest'
import { startEmulator, type Emulator } from './start-emulator.js'

let emulator: Emulator | undefined
afterEach(async () => {
  await emulator?.stop()
  emulator = undefined
})

/** The `Keep-Alive` header of one answer, read with `node:http` (which shows it as sent). */
function keepAliveHeader(baseUrl: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const outgoing = request(`${baseUrl}/__emulator/ledger`, (response) => {
      response.resume()
      const value = response.headers['keep-alive']
      response.on('end', () => resolve(Array.isArray(value) ? value.join(', ') : value))
    })
    outgoing.on('error', reject)
    outgoing.end()
  })
}

it('keeps idle connections open far longer than core pool keeps them, so a reused connection is never closed under a request', async () => {
  emulator = await startEmulator({ seed: 1 })
  const header = await keepAliveHeader(emulator.baseUrl)
  const seconds = Number(/timeout=(\d+)/.exec(header ?? '')?.[1])
  // The client closes first, with tens of seconds to spare for an event loop that is late.
  expect(seconds * 1000).toBeGreaterThanOrEqual(POOL_MAX_IDLE_MS + 30_000)
})
