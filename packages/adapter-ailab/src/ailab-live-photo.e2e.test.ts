import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { probeMedia, type AnimationRequest, type PortraitAnimator } from '@portrait-animator/core'
import { createFeaturelessImage, createTestPortrait, startEmulator, type Emulator, type EmulatorOptions } from '@portrait-animator/emulator'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createAilab } from './ailab-provider.js'
import { makeBmp, makePng } from './ailab-test-media.test-helpers.js'
import { expectAnimatorError } from '@portrait-animator/core/testing'

/** End to end over loopback: the adapter against the emulator's AILab live-photo endpoint. */

const GOOD_KEY = 'ailab-e2e-good-key-31337'
const LIVE_PHOTO: AnimationRequest['motion'] = { type: 'preset', preset: 'live-photo' }

let workDir: string
let portrait: Buffer
const emulators: Emulator[] = []

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'ailab-e2e-'))
  portrait = await createTestPortrait({ format: 'jpeg', width: 640, height: 480 })
})
afterEach(async () => {
  await Promise.all(emulators.splice(0).map((emulator) => emulator.stop()))
})
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true })
})

async function emulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const started = await startEmulator({ seed: 7, jobDurationMs: 20, keys: { ailab: [GOOD_KEY] }, ...options })
  emulators.push(started)
  return started
}

/** An animator whose every HTTP request is counted on the client side. */
function countingAnimator(baseUrl: string, apiKey = GOOD_KEY): { animator: PortraitAnimator; requests: string[] } {
  const requests: string[] = []
  const countingFetch: typeof fetch = (input, init) => {
    requests.push(`${init?.method ?? 'GET'} ${new URL(String(input)).pathname}`)
    return fetch(input, init)
  }
  return { animator: createAilab({ apiKey, baseUrl, fetch: countingFetch }).livePhoto(), requests }
}

describe('live mode', () => {
  it('returns a playable MP4 that lands on disk, charged once at 22 credits', async () => {
    const server = await emulator()
    const { animator, requests } = countingAnimator(server.baseUrl)
    const result = await animator.animate({ image: portrait, motion: LIVE_PHOTO })

    const saved = await result.output.save(join(workDir, 'live', 'portrait.mp4'))
    const file = new Uint8Array(await readFile(saved.path))
    expect(saved.bytes).toBe(file.byteLength)
    const probe = probeMedia(file)
    // A whole MP4 with an H.264 video track of the emulator's size (640x480 fitted into 512 px).
    expect(probe).toMatchObject({ format: 'mp4', width: 512, height: 384 })
    expect(probe.truncated).toBeUndefined()
    expect(probe.durationSeconds).toBeGreaterThan(0)
    expect(Buffer.from(file).includes('avc1')).toBe(true)
    expect(result.output).toMatchObject({ kind: 'video', format: 'mp4', width: 512, height: 384 })

    expect(requests).toEqual(['POST /api/portrait/effects/live-photo'])
    const charges = server.ledger.charges({ provider: 'ailab' })
    expect(charges).toEqual([expect.objectContaining({ credits: 22, model: 'live-photo', account: server.ledger.accountOf(GOOD_KEY) })])
    expect(result.providerMetadata.ailab?.requestId).toBe(charges[0]!.requestId)
    expect(result.cost).toMatchObject({ credits: 22, usd: 0.0594 })
  })

  it('serves the full-body framing and a PNG from a path', async () => {
    const server = await emulator()
    const path = join(workDir, 'portrait.png')
    await writeFile(path, await createTestPortrait({ format: 'png', width: 300, height: 400 }))
    const result = await countingAnimator(server.baseUrl).animator.animate({ image: path, motion: { ...LIVE_PHOTO, framing: 'full-body' } })
    expect(probeMedia(await result.output.bytes())).toMatchObject({ format: 'mp4' })
    expect(server.ledger.charges({ provider: 'ailab' })).toHaveLength(1)
  })
})

describe('failures', () => {
  it('retired mode gives a retired error after exactly one request, and charges nothing', async () => {
    const server = await emulator({ ailab: { mode: 'retired' } })
    const { animator, requests } = countingAnimator(server.baseUrl)
    const error = await expectAnimatorError(animator.animate({ image: portrait, motion: LIVE_PHOTO }))
    expect(error).toMatchObject({ kind: 'retired', providerCode: 'ERROR_AI_NOT_EXISTS', statusCode: 404, retryable: false, accepted: false })
    expect(error.requestId).toEqual(expect.any(String))
    expect(requests).toHaveLength(1)
    expect(server.ledger.entries()).toEqual([])
  })

  it('a bad key gives auth, and the key never shows in the error', async () => {
    const server = await emulator()
    const badKey = 'ailab-e2e-wrong-key-00000'
    const error = await expectAnimatorError(countingAnimator(server.baseUrl, badKey).animator.animate({ image: portrait, motion: LIVE_PHOTO }))
    expect(error).toMatchObject({ kind: 'auth', providerCode: 'ERROR_USER_NOT_EXISTS', statusCode: 401, accepted: false })
    expect(JSON.stringify(error)).not.toContain(badKey)
    expect(server.ledger.entries()).toEqual([])
  })

  it.each([
    ['over 5 MB', () => makeBmp(1400, 1300), 'max-bytes'],
    ['4096 px wide', () => makePng(4096, 16), 'max-width'],
    ['not an image', () => new TextEncoder().encode('<html>not a portrait</html>'), 'not-media'],
    ['a JPEG cut short', () => portrait.subarray(0, 200), 'truncated'],
  ])('an image %s is rejected before any request reaches the emulator', async (_name, image, rule) => {
    const server = await emulator()
    const { animator, requests } = countingAnimator(server.baseUrl)
    const error = await expectAnimatorError(animator.animate({ image: image(), motion: LIVE_PHOTO }))
    expect(error).toMatchObject({ kind: 'invalid_input', field: 'image', rule, accepted: false })
    expect(requests).toEqual([])
    expect(server.ledger.entries()).toEqual([])
  })

  it('a featureless image gives no_face and no charge', async () => {
    const server = await emulator()
    const error = await expectAnimatorError(countingAnimator(server.baseUrl).animator.animate({ image: await createFeaturelessImage(), motion: LIVE_PHOTO }))
    expect(error).toMatchObject({ kind: 'no_face', providerCode: 'ERROR_NO_FACE_IN_FILE', accepted: false })
    expect(server.ledger.charges()).toEqual([])
  })

  it('too few credits gives insufficient_credits', async () => {
    const server = await emulator({ credits: { ailab: 21 } })
    const error = await expectAnimatorError(countingAnimator(server.baseUrl).animator.animate({ image: portrait, motion: LIVE_PHOTO }))
    expect(error).toMatchObject({ kind: 'insufficient_credits', providerCode: 'ERROR_NOT_ENOUGH_CREDITS', retryable: false })
    expect(server.ledger.charges()).toEqual([])
  })

  it('the flow restriction gives rate_limited with Retry-After', async () => {
    const server = await emulator({ faults: [{ route: 'ailab.live-photo', status: 503, retryAfter: 3 }] })
    const error = await expectAnimatorError(countingAnimator(server.baseUrl).animator.animate({ image: portrait, motion: LIVE_PHOTO }))
    expect(error).toMatchObject({ kind: 'rate_limited', providerCode: 'AI_SERVICE_FLOW_RESTRICTION', retryAfterMs: 3000, retryable: true, accepted: false })
  })

  it('a reset after AILab rendered (and billed) the video says accepted: unknown', async () => {
    const server = await emulator({ faults: [{ route: 'ailab.live-photo', reset: true }] })
    const error = await expectAnimatorError(countingAnimator(server.baseUrl).animator.animate({ image: portrait, motion: LIVE_PHOTO }))
    expect(error).toMatchObject({ kind: 'unavailable', accepted: 'unknown' })
    // The case `accepted: 'unknown'` exists for: the emulator did charge.
    expect(server.ledger.charges({ provider: 'ailab' })).toHaveLength(1)
  })

  it('a hanging call ends with timeout at the call deadline', async () => {
    const server = await emulator({ faults: [{ route: 'ailab.live-photo', hang: true }] })
    const error = await expectAnimatorError(countingAnimator(server.baseUrl).animator.animate({ image: portrait, motion: LIVE_PHOTO }, { timeoutMs: 300 }))
    expect(error).toMatchObject({ kind: 'timeout', accepted: 'unknown' })
  })
})
