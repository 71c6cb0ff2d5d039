import type { AnimationRequest } from '@portrait-animator/core'
import { expectAnimatorError } from '@portrait-animator/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { olderSuccess } from './ailab-fixtures.test-helpers.js'
import { createAilab } from './ailab-provider.js'
import { makeMp4Header, makePng } from './ailab-test-media.test-helpers.js'
import { startTestServer, type TestServer } from './ailab-test-server.test-helpers.js'

const LIVE_PHOTO: AnimationRequest['motion'] = { type: 'preset', preset: 'live-photo' }

let server: TestServer
beforeAll(async () => {
  server = await startTestServer()
})
afterAll(async () => {
  await server.close()
})

/** The test MP4 with its mdat declared as "to the end of the file" (size 0), then its frame cut off. */
function videoWithFramesCutOff(): Buffer {
  const whole = Buffer.from(makeMp4Header({ width: 512, height: 512, durationSeconds: 3 }))
  const mdat = whole.indexOf('mdat') - 4
  whole.writeUInt32BE(0, mdat)
  return whole.subarray(0, whole.length - 4)
}

describe('the video AILab returns is checked before it is a success', () => {
  it('a video whose frames are cut off (every box header intact) is a provider_error, not a served output', async () => {
    server.reply({ status: 200, body: olderSuccess(videoWithFramesCutOff().toString('base64')) })
    const animator = createAilab({ apiKey: 'ailab-integrity-key', baseUrl: server.baseUrl }).livePhoto()
    const error = await expectAnimatorError(animator.animate({ image: makePng(64, 64), motion: LIVE_PHOTO }))
    expect(error).toMatchObject({ kind: 'provider_error', rule: 'output-integrity', provider: 'ailab', accepted: true, requestId: 'req-older-1' })
    expect(error.message).toMatch(/^The output from ailab is broken: the file is cut short: frame data up to byte \d+ is missing/)
  })
})
