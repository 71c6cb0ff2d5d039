import { getEventListeners } from 'node:events'
import { fileURLToPath } from 'node:url'
import { startEmulator, type Emulator } from '@portrait-animator/emulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFal } from '../src/index.js'

const KEY = 'listeners-key-id:listeners-key-secret'
const ASTRONAUT = fileURLToPath(new URL('../../../examples/assets/astronaut.png', import.meta.url))

let emulator: Emulator
beforeAll(async () => {
  emulator = await startEmulator({ seed: 11, jobDurationMs: 60_000, keys: { fal: [KEY] } })
})
afterAll(async () => {
  await emulator.stop()
})

describe("fal and the caller's signal", () => {
  it.each([
    ['without a deadline', {}],
    ['with a deadline', { timeoutMs: 60_000 }],
  ])('a start, 40 status() calls and a cancel %s leave no abort listener behind', async (_name, deadline) => {
    const animator = createFal({ apiKey: KEY, baseUrl: emulator.baseUrl }).livePortraitImage()
    const controller = new AbortController()
    const handle = await animator.start!({ image: ASTRONAUT, motion: { type: 'expression', smile: 0.5 } }, { signal: controller.signal, ...deadline })
    for (let call = 0; call < 40; call += 1) {
      const status = await animator.status!(handle, { signal: controller.signal, ...deadline })
      expect(status.state).toBe('pending')
    }
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
    await animator.cancel!(handle, { signal: controller.signal, ...deadline })
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
  })
})
