import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { checkOutputIntegrity, PortraitAnimatorError, readMp4Summary } from '@portrait-animator/core'
import { createRouter, type Router } from '@portrait-animator/router'
import { startEmulator, type Emulator, type FaultRule } from '@portrait-animator/emulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SAMPLE } from './run-cli.test-helpers.js'

/**
 * Many outputs through the router while the emulator cuts downloads short (with a Content-Length
 * that matches the cut body, so HTTP alone cannot tell). `PA_TRUNCATE_RUN_OUTPUTS=450` reproduces
 * the issue's run; the default is small enough for the suite.
 */
const OUTPUTS = Number(process.env.PA_TRUNCATE_RUN_OUTPUTS ?? 24)
const CHANCE = Number(process.env.PA_TRUNCATE_RUN_CHANCE ?? 0.1)

let emulator: Emulator
let router: Router

beforeAll(async () => {
  const faults: FaultRule[] = ['fal.download', 'magichour.download'].flatMap((route) =>
    [0.4, 0.9, 0.995].map((truncate) => ({ route, truncate, probability: CHANCE })),
  )
  emulator = await startEmulator({ seed: 450, jobDurationMs: 50, faults })
  router = await createRouter(
    {
      providers: {
        fal: { adapter: 'fal', apiKey: 'env:FAL_KEY', baseUrl: emulator.baseUrl, settings: { allowPrivateNetwork: true } },
        magichour: { adapter: 'magichour', apiKey: 'env:MAGIC_HOUR_API_KEY', baseUrl: emulator.baseUrl, settings: { allowPrivateNetwork: true, pollIntervalMs: 25 } },
      },
      routes: {
        default: { strategy: 'fallback', targets: ['fal/live-portrait'] },
        fal: { strategy: 'fallback', targets: ['fal/live-portrait'] },
        magichour: { strategy: 'fallback', targets: ['magichour/image-to-video'] },
      },
      stateDir: await mkdtemp(join(tmpdir(), 'pa-truncate-run-')),
    },
    { env: { FAL_KEY: 'fal-truncate-key', MAGIC_HOUR_API_KEY: 'mh-truncate-key' }, allowPrivateNetwork: true },
  )
})
afterAll(async () => {
  await emulator.stop()
})

interface Tally {
  served: number
  playable: number
  unplayable: number
  typedErrors: Record<string, number>
  otherErrors: number
}

describe(`${OUTPUTS} outputs under truncate faults on the fal and Magic Hour downloads`, () => {
  it('every output handed over as served plays; a broken one is a typed error', async () => {
    const tally: Tally = { served: 0, playable: 0, unplayable: 0, typedErrors: {}, otherErrors: 0 }
    let next = 0
    async function worker() {
      while (next < OUTPUTS) {
        const index = next++
        try {
          const result = await router.animate({ image: SAMPLE, motion: { type: 'preset', preset: 'live-photo' } }, { route: index % 2 === 0 ? 'fal' : 'magichour' })
          const bytes = await result.output.bytes()
          tally.served += 1
          const problem = await checkOutputIntegrity(bytes, { format: 'mp4' })
          const frames = problem === undefined ? readMp4Summary(bytes).frameCount : 0
          if (problem === undefined && frames > 0) tally.playable += 1
          else tally.unplayable += 1
        } catch (error) {
          if (PortraitAnimatorError.isInstance(error)) {
            const key = `${error.kind}${error.rule ? `/${error.rule}` : ''}`
            tally.typedErrors[key] = (tally.typedErrors[key] ?? 0) + 1
          } else tally.otherErrors += 1
        }
      }
    }
    await Promise.all(Array.from({ length: 4 }, worker))
    console.log(`truncate-fault run: ${JSON.stringify({ outputs: OUTPUTS, chancePerRule: CHANCE, ...tally })}`)
    expect(tally.unplayable).toBe(0)
    expect(tally.otherErrors).toBe(0)
    expect(Object.keys(tally.typedErrors).every((key) => key === 'provider_error/output-integrity')).toBe(true)
    expect(tally.served + Object.values(tally.typedErrors).reduce((sum, count) => sum + count, 0)).toBe(OUTPUTS)
  }, 600_000)
})
