import { fileURLToPath } from 'node:url'
import { readMp4Summary } from '@portrait-animator/core'
import { waitUntil } from '@portrait-animator/core/testing'
import { startEmulator, type Emulator } from '@portrait-animator/emulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFal } from './fal-provider.js'

const ASTRONAUT = fileURLToPath(new URL('../../../examples/assets/astronaut.png', import.meta.url))
const HELLO_WAV = fileURLToPath(new URL('../../../examples/assets/hello.wav', import.meta.url))
const KEY = 'fal-avatar-id:fal-avatar-secret'
const TALK = { image: ASTRONAUT, motion: { type: 'audio', audio: HELLO_WAV } } as const

/** The talking-avatar targets end to end: this adapter, the real `@fal-ai/client`, the emulator. */
describe('fal talking avatars against the emulator', () => {
  let emulator: Emulator

  beforeAll(async () => {
    emulator = await startEmulator({ seed: 21, jobDurationMs: 100 })
  })
  afterAll(() => emulator?.stop())

  const fal = () => createFal({ apiKey: KEY, baseUrl: emulator.baseUrl })

  it.each([
    ['klingAvatar', 'fal/kling-avatar-v2-standard', 'fal-ai/kling-video/ai-avatar/v2/standard', 0.0562],
    ['omniHuman', 'fal/omnihuman-v1-5', 'fal-ai/bytedance/omnihuman/v1.5', 0.16],
  ] as const)('%s: the sample portrait speaks the sample clip; one paid job, priced from the duration fal reported', async (method, target, endpointId, usdPerSecond) => {
    const result = await fal()[method]().animate(TALK)
    expect(result.servedBy.target).toBe(target)
    const summary = readMp4Summary(await result.output.bytes())
    expect(summary.frameCount).toBeGreaterThan(0)
    const requestId = String((result.providerMetadata?.fal as { requestId: string }).requestId)
    expect(emulator.ledger.charges({ requestId })).toMatchObject([{ provider: 'fal', model: endpointId }])
    expect(result.cost?.basis).toBe('estimated')
    expect(result.cost?.usd).toBeCloseTo(summary.durationSeconds! * usdPerSecond, 2)
  })

  it('start in one process, status in another from the parsed handle, then cancel a second job uncharged', async () => {
    const handle = await fal().omniHuman().start!(TALK)
    const parsed = JSON.parse(JSON.stringify(handle)) as typeof handle
    const other = fal().omniHuman()
    let status = await other.status!(parsed)
    await waitUntil(async () => {
      status = await other.status!(parsed)
      return status.state !== 'pending'
    }, { timeoutMs: 30_000, what: 'the job to complete' })
    expect(status).toMatchObject({ state: 'completed', result: { servedBy: { target: 'fal/omnihuman-v1-5' }, cost: { basis: 'estimated' } } })

    const slow = await startEmulator({ seed: 22, jobDurationMs: 5_000 })
    try {
      const animator = createFal({ apiKey: KEY, baseUrl: slow.baseUrl }).klingAvatar()
      const job = await animator.start!(TALK)
      await animator.cancel!(job)
      await waitUntil(() => slow.ledger.jobs().every((entry) => entry.outcome !== 'pending'), { timeoutMs: 30_000, what: 'the cancelled job to end' })
      expect(slow.ledger.cancels({ provider: 'fal' })).toHaveLength(1)
      expect(slow.ledger.charges({ provider: 'fal' })).toEqual([])
    } finally {
      await slow.stop()
    }
  })
})
