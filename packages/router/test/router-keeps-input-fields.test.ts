import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createTestPortrait, createTestWav, startEmulator, type Emulator } from '@portrait-animator/emulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRouter, type Router } from '../src/index.js'
import { expectAnimatorError } from '@portrait-animator/core/testing'

/**
 * When every target refuses a request's values itself (an expression out of range in strict mode,
 * clip seconds that make no sense), the router's error keeps the adapter's field, rule, limit and
 * actual value: before, it built a fresh error and `--json` showed `"field": null`.
 */

let emulator: Emulator
let router: Router
let folder = ''
let portrait: Uint8Array

beforeAll(async () => {
  emulator = await startEmulator({ seed: 5, jobDurationMs: 50 })
  folder = await mkdtemp(join(tmpdir(), 'pa-input-fields-'))
  portrait = new Uint8Array(await createTestPortrait())
  const baseUrl = emulator.baseUrl
  router = await createRouter({
    providers: {
      fal: { adapter: 'fal', apiKey: 'fields-id:fields-secret', baseUrl },
      magichour: { adapter: 'magichour', apiKey: 'fields-magichour-key', baseUrl },
    },
    routes: {
      default: { strategy: 'fallback', targets: ['fal/live-portrait-image'] },
      speech: { strategy: 'fallback', targets: ['magichour/talking-photo'] },
    },
    stateDir: join(folder, 'state'),
  })
})

afterAll(async () => {
  await emulator?.stop()
  if (folder) await rm(folder, { recursive: true, force: true })
})

describe('the router keeps an adapter invalid_input field, rule, limit and actual', () => {
  it('for an expression value out of range in strict mode', async () => {
    const error = await expectAnimatorError(router.animate({ image: portrait, motion: { type: 'expression', yaw: 60 }, strict: true }))
    expect(error).toMatchObject({ kind: 'invalid_input', field: 'motion.yaw', rule: 'range' })
    expect(error.limit).toBeDefined()
    expect(error.actual).toBeDefined()
    expect(error.toJSON()).toMatchObject({ field: 'motion.yaw', rule: 'range' })
    expect(error.attempts?.map((attempt) => attempt.target)).toEqual(['fal/live-portrait-image'])
    expect(emulator.ledger.entries()).toEqual([])
  })

  it('for clip seconds that end before they start', async () => {
    const request = { image: portrait, motion: { type: 'audio', audio: createTestWav(3), startSeconds: 2, endSeconds: 1 } } as const
    const error = await expectAnimatorError(router.animate(request, { route: 'speech' }))
    expect(error).toMatchObject({ kind: 'invalid_input', field: 'motion.endSeconds', rule: 'after-start', actual: 1 })
    expect(error.limit).toBeDefined()
    expect(emulator.ledger.entries()).toEqual([])
  })
})
