import { format, inspect } from 'node:util'
import { PortraitAnimatorError } from '@portrait-animator/core'
import { startEmulator, type Emulator } from '@portrait-animator/emulator'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createMagicHour } from './magichour-provider.js'

/** A key pasted with a line break: the HTTP stack refuses it as a header value and quotes it. */
const KEY = 'mh-pasted-key-4711\nsecond-line-0815'
const PARTS = ['mh-pasted-key-4711', 'second-line-0815']
const PORTRAIT = new URL('../../../examples/assets/astronaut.png', import.meta.url).pathname
const SPEECH = new URL('../../../examples/assets/hello.wav', import.meta.url).pathname

let emulator: Emulator
beforeAll(async () => {
  emulator = await startEmulator({ seed: 7, jobDurationMs: 200 })
})
afterAll(async () => {
  await emulator.stop()
})

it('a key with a line break appears in no way of showing the error, its cause chain included', async () => {
  const magicHour = createMagicHour({ apiKey: KEY, baseUrl: emulator.baseUrl, pollIntervalMs: 25 })
  const error = await magicHour.talkingPhoto().animate({ image: PORTRAIT, motion: { type: 'audio', audio: SPEECH } }).then(
    () => undefined,
    (thrown: unknown) => thrown,
  )
  if (!PortraitAnimatorError.isInstance(error)) throw new Error(`expected a PortraitAnimatorError, got ${String(error)}`)
  const surfaces = [error.message, String(error), error.stack ?? '', JSON.stringify(error), inspect(error, { depth: 10 }), format('%s %o', error, error)]
  for (const surface of surfaces) {
    for (const part of PARTS) expect(surface).not.toContain(part)
  }
  expect(emulator.ledger.submissions({ provider: 'magichour' })).toHaveLength(0)
})
