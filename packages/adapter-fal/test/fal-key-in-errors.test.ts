import { fileURLToPath } from 'node:url'
import { format, inspect } from 'node:util'
import { PortraitAnimatorError } from '@portrait-animator/core'
import { startEmulator, type Emulator } from '@portrait-animator/emulator'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createFal } from '../src/index.js'

/** A key pasted with a line break: undici refuses it as a header value and quotes it in its error. */
const KEY = 'fal-pasted-id-4711\nsecond-line-0815:fal-pasted-secret-2342'
const PARTS = ['fal-pasted-id-4711', 'second-line-0815', 'fal-pasted-secret-2342']
const ASTRONAUT = fileURLToPath(new URL('../../../examples/assets/astronaut.png', import.meta.url))

let emulator: Emulator
beforeAll(async () => {
  emulator = await startEmulator({ seed: 11, jobDurationMs: 250 })
})
afterAll(async () => {
  await emulator.stop()
})

it('a key with a line break appears in no way of showing the error, its cause chain included', async () => {
  const fal = createFal({ apiKey: KEY, baseUrl: emulator.baseUrl })
  const error = await fal.livePortrait().animate({ image: ASTRONAUT, motion: { type: 'preset', preset: 'live-photo' } }).then(
    () => undefined,
    (thrown: unknown) => thrown,
  )
  if (!PortraitAnimatorError.isInstance(error)) throw new Error(`expected a PortraitAnimatorError, got ${String(error)}`)
  expect(error.cause).toBeDefined()
  const surfaces = [error.message, String(error), error.stack ?? '', JSON.stringify(error), inspect(error, { depth: 10 }), format('%s %o', error, error)]
  for (const surface of surfaces) {
    for (const part of PARTS) expect(surface).not.toContain(part)
  }
  expect(emulator.ledger.submissions({ provider: 'fal' })).toHaveLength(0)
})
