import { getEventListeners } from 'node:events'
import { startEmulator, type Emulator } from '@portrait-animator/emulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMagicHour } from './magichour-provider.js'

const PORTRAIT = new URL('../../../examples/assets/astronaut.png', import.meta.url).pathname
const SPEECH = new URL('../../../examples/assets/hello.wav', import.meta.url).pathname
const API_KEY = 'mh_emulator_key_listeners'

let emulator: Emulator
beforeAll(async () => {
  emulator = await startEmulator({ seed: 7, jobDurationMs: 60_000 })
})
afterAll(async () => {
  await emulator.stop()
})

describe("Magic Hour and the caller's signal", () => {
  it.each([
    ['without a deadline', {}],
    ['with a deadline', { timeoutMs: 60_000 }],
  ])('a start, 40 status() calls and a cancel %s leave no abort listener behind', async (_name, deadline) => {
    const animator = createMagicHour({ apiKey: API_KEY, baseUrl: emulator.baseUrl, pollIntervalMs: 25 }).talkingPhoto()
    const controller = new AbortController()
    const handle = await animator.start({ image: PORTRAIT, motion: { type: 'audio', audio: SPEECH } }, { signal: controller.signal, ...deadline })
    for (let call = 0; call < 40; call += 1) {
      const status = await animator.status(handle, { signal: controller.signal, ...deadline })
      expect(status.state).not.toBe('failed')
    }
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
    await animator.cancel(handle, { signal: controller.signal, ...deadline })
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
  })
})
