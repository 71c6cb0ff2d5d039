import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { BUNDLED_DRIVING_CLIP } from './fal-driving-clip.js'
import { createFakeFal, happyFal, TINY_PNG } from './fal-fake.test-helpers.js'
import { createFal, type FalSettings } from './index.js'

const VIDEO_RESULT = { video: { url: 'https://v3.fal.media/files/out/live.mp4', content_type: 'video/mp4', file_size: 123456 } }
const SUBMIT_URL = 'https://queue.fal.run/fal-ai/live-portrait'

function setup(settings: FalSettings = {}) {
  const fake = createFakeFal()
  happyFal(fake, { endpointId: 'fal-ai/live-portrait', result: VIDEO_RESULT })
  const fal = createFal({ apiKey: 'fal-test-key-123456', fetch: fake.fetch, statusMode: 'polling', ...settings })
  return { fake, fal, animator: fal.livePortrait() }
}

describe('fal/live-portrait on the wire', () => {
  it('passes URL inputs through and submits exactly the model fields', async () => {
    const { fake, animator } = setup()
    const result = await animator.animate({
      image: 'https://93.184.216.34/portrait.jpg',
      motion: { type: 'driving-video', video: 'https://93.184.216.34/drive.mp4' },
      providerOptions: { fal: { flag_relative: false, dsize: 512, batch_size: 16 } },
    })
    expect(fake.find('POST', /storage\/upload/)).toHaveLength(0)
    expect(fake.body('POST', SUBMIT_URL)).toEqual({
      image_url: 'https://93.184.216.34/portrait.jpg',
      video_url: 'https://93.184.216.34/drive.mp4',
      flag_relative: false,
      dsize: 512,
      batch_size: 16,
    })
    const submit = fake.find('POST', SUBMIT_URL)[0]
    expect(submit?.headers.get('authorization')).toBe('Key fal-test-key-123456')
    expect(submit?.headers.get('x-fal-queue-priority')).toBe('normal')
    expect(submit?.headers.get('x-fal-object-lifecycle-preference')).toBeNull()
    expect(result.output).toMatchObject({ kind: 'video', format: 'mp4', url: 'https://v3.fal.media/files/out/live.mp4' })
    expect(result.output.expiresAt).toBeUndefined()
    expect(result.providerMetadata.fal).toMatchObject({ outputLifetime: 'account default', outputBytes: 123456 })
  })

  it('uploads local driving videos through fal storage without sending the key to the upload host', async () => {
    const { fake, animator } = setup()
    const clip = await readFile(fileURLToPath(BUNDLED_DRIVING_CLIP))
    await animator.animate({ image: new Blob([TINY_PNG], { type: 'image/png' }), motion: { type: 'driving-video', video: new Uint8Array(clip) } })
    const initiations = fake.find('POST', /storage\/upload\/initiate/)
    expect(initiations.map((request) => JSON.parse(String(request.body)))).toEqual([
      { content_type: 'image/png', file_name: 'image.png' },
      { content_type: 'video/mp4', file_name: 'video.mp4' },
    ])
    expect(initiations[0]?.headers.get('x-fal-object-lifecycle')).toBe('{"expiration_duration_seconds":86400}')
    const puts = fake.find('PUT', /upload\.fal\.example/)
    expect(puts.map((request) => request.headers.get('authorization'))).toEqual([null, null])
    expect(Buffer.from(puts[1]?.body as Uint8Array).equals(clip)).toBe(true)
    expect(fake.body('POST', SUBMIT_URL)).toEqual({
      image_url: 'https://v3.fal.media/files/u1/image.png',
      video_url: 'https://v3.fal.media/files/u2/video.mp4',
    })
  })

  it('serves the live-photo preset with the bundled clip, uploaded once per process, and says so', async () => {
    const { fake, animator } = setup()
    const clip = new Uint8Array(await readFile(fileURLToPath(BUNDLED_DRIVING_CLIP)))
    const first = await animator.animate({ image: TINY_PNG, motion: { type: 'preset', preset: 'live-photo' } })
    const second = await animator.animate({ image: TINY_PNG, motion: { type: 'preset', preset: 'live-photo', framing: 'full-body' } })

    const clipUploads = fake.find('PUT', /upload\.fal\.example/).filter((request) => (request.body as Uint8Array).byteLength === clip.byteLength)
    expect(clipUploads).toHaveLength(1)
    expect(Buffer.from(clipUploads[0]?.body as Uint8Array).equals(clip)).toBe(true)
    const bodies = fake.find('POST', SUBMIT_URL).map((request) => JSON.parse(String(request.body)) as Record<string, unknown>)
    expect(bodies[0]).toEqual({ image_url: 'https://v3.fal.media/files/u1/image.png', video_url: 'https://v3.fal.media/files/u2/live-photo-driving.mp4', flag_pasteback: false })
    // The same portrait is not uploaded twice either.
    expect(fake.find('PUT', /upload\.fal\.example/)).toHaveLength(2)
    expect(bodies[1]).toEqual({ image_url: 'https://v3.fal.media/files/u1/image.png', video_url: 'https://v3.fal.media/files/u2/live-photo-driving.mp4', flag_pasteback: true })
    for (const result of [first, second]) {
      expect(result.warnings).toEqual([expect.objectContaining({ type: 'translated', setting: 'motion.preset', provider: 'fal' })])
      expect(result.warnings[0]?.message).toMatch(/bundled clip/)
    }
  })

  it('uses drivingVideoUrl instead of uploading the bundled clip', async () => {
    const { fake, animator } = setup({ drivingVideoUrl: 'https://93.184.216.34/my-drive.mp4' })
    await animator.animate({ image: 'https://93.184.216.34/p.jpg', motion: { type: 'preset', preset: 'live-photo' } })
    expect(fake.find('POST', /storage\/upload/)).toHaveLength(0)
    expect(fake.body('POST', SUBMIT_URL)).toMatchObject({ video_url: 'https://93.184.216.34/my-drive.mp4' })
  })

  it('refuses the preset in strict mode, and presets it cannot play, before any call', async () => {
    const { fake, animator } = setup()
    await expect(animator.animate({ image: TINY_PNG, motion: { type: 'preset', preset: 'live-photo' }, strict: true })).rejects.toMatchObject({
      kind: 'unsupported',
      field: 'motion.preset',
    })
    await expect(animator.animate({ image: TINY_PNG, motion: { type: 'preset', preset: 'nod' } })).rejects.toMatchObject({ kind: 'unsupported', field: 'motion.preset' })
    await expect(animator.animate({ image: TINY_PNG, motion: { type: 'expression', smile: 1 } })).rejects.toMatchObject({ kind: 'unsupported', field: 'motion.type' })
    expect(fake.requests).toEqual([])
  })

  it('sends the output lifecycle preference and reports the expiry', async () => {
    const { fake, animator } = setup({ outputLifetimeSeconds: 3600 })
    const before = Date.now()
    const result = await animator.animate({ image: 'https://93.184.216.34/p.jpg', motion: { type: 'driving-video', video: 'https://93.184.216.34/d.mp4' } })
    expect(fake.find('POST', SUBMIT_URL)[0]?.headers.get('x-fal-object-lifecycle-preference')).toBe('{"expiration_duration_seconds":3600}')
    const expiresAt = Date.parse(result.output.expiresAt ?? '')
    expect(expiresAt).toBeGreaterThanOrEqual(before + 3_600_000)
    expect(result.providerMetadata.fal).toMatchObject({ outputLifetime: '3600 s' })

    const forever = setup({ outputLifetimeSeconds: 'never' })
    await forever.animator.animate({ image: 'https://93.184.216.34/p.jpg', motion: { type: 'driving-video', video: 'https://93.184.216.34/d.mp4' } })
    expect(forever.fake.find('POST', SUBMIT_URL)[0]?.headers.get('x-fal-object-lifecycle-preference')).toBe('{"expiration_duration_seconds":null}')
  })

  it('rejects bad inputs before any network call', async () => {
    const { fake, animator } = setup()
    await expect(animator.animate({ image: new Uint8Array([1, 2, 3, 4]), motion: { type: 'driving-video', video: 'https://93.184.216.34/d.mp4' } })).rejects.toMatchObject({
      kind: 'invalid_input',
      field: 'image',
    })
    await expect(animator.animate({ image: TINY_PNG, motion: { type: 'driving-video', video: TINY_PNG } })).rejects.toMatchObject({
      kind: 'invalid_input',
      field: 'motion.video',
      rule: 'format',
    })
    await expect(animator.animate({ image: 'http://127.0.0.1/p.jpg', motion: { type: 'driving-video', video: 'https://93.184.216.34/d.mp4' } })).rejects.toMatchObject({
      kind: 'invalid_input',
      field: 'image',
      rule: 'private-address',
    })
    expect(fake.requests).toEqual([])
  })

  it('refuses to download an output from a host fal does not serve files from', async () => {
    const fake = createFakeFal()
    happyFal(fake, { endpointId: 'fal-ai/live-portrait', result: { video: { url: 'https://evil.example/x.mp4' } } })
    const animator = createFal({ apiKey: 'fal-test-key-123456', fetch: fake.fetch, statusMode: 'polling' }).livePortrait()
    await expect(animator.animate({ image: 'https://93.184.216.34/p.jpg', motion: { type: 'driving-video', video: 'https://93.184.216.34/d.mp4' } })).rejects.toMatchObject({
      kind: 'provider_error',
      requestId: 'req-123',
      accepted: true,
    })
    expect(fake.find('GET', /evil\.example/)).toHaveLength(0)
  })
})
