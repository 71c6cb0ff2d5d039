import { PortraitAnimatorError } from '@portrait-animator/core'
import { TINY_PNG as TINY_PNG_OUTPUT } from '@portrait-animator/core/testing'
import { describe, expect, it } from 'vitest'
import { createFakeFal, happyFal, TINY_PNG } from './fal-fake.test-helpers.js'
import { createFal } from './fal-provider.js'

const IMAGE_RESULT = { image: { url: 'https://v3.fal.media/files/out/face.png', content_type: 'image/png', width: 512, height: 512 } }

function setup() {
  const fake = createFakeFal()
  happyFal(fake, { endpointId: 'fal-ai/live-portrait/image', result: IMAGE_RESULT })
  const fal = createFal({ apiKey: 'fal-test-key-123456', fetch: fake.fetch, statusMode: 'polling' })
  return { fake, animator: fal.livePortraitImage() }
}

describe('fal/live-portrait-image on the wire', () => {
  it('uploads the portrait and submits the mapped expression to the endpoint with its sub-path', async () => {
    const { fake, animator } = setup()
    const result = await animator.animate({
      image: TINY_PNG,
      motion: { type: 'expression', smile: 0.5, blink: -0.2, wink: 1, eyebrow: 0.1, pupilX: -1, pupilY: 0.5, aaa: 0.25, eee: -1, woo: 0.3, pitch: 10, yaw: -12.5, roll: 3 },
      output: { format: 'png' },
    })

    expect(fake.body('POST', 'https://rest.fal.ai/storage/upload/initiate?storage_type=fal-cdn-v3')).toEqual({ content_type: 'image/png', file_name: 'image.png' })
    expect(fake.body('POST', 'https://queue.fal.run/fal-ai/live-portrait/image')).toEqual({
      image_url: 'https://v3.fal.media/files/u1/image.png',
      smile: 1,
      blink: -6,
      wink: 25,
      eyebrow: 3,
      pupil_x: -45,
      pupil_y: 22.5,
      aaa: 50,
      eee: -40,
      woo: 30,
      rotate_pitch: 10,
      rotate_yaw: -12.5,
      rotate_roll: 3,
      output_format: 'png',
    })
    expect(result.output).toMatchObject({ kind: 'image', format: 'png', mimeType: 'image/png', url: 'https://v3.fal.media/files/out/face.png', width: 512, height: 512 })
    expect(result.warnings).toEqual([])
    expect(result.servedBy).toEqual({ provider: 'fal', modelId: 'live-portrait-image', target: 'fal/live-portrait-image' })
    expect(result.providerMetadata.fal).toMatchObject({ requestId: 'req-123', endpointId: 'fal-ai/live-portrait/image', inferenceSeconds: 1.5 })
  })

  it('follows status and fetches the result WITHOUT the endpoint sub-path (fal path rule)', async () => {
    const { fake, animator } = setup()
    await animator.animate({ image: TINY_PNG, motion: { type: 'expression', smile: 0.2 } })
    const queueUrls = fake.requests.filter((request) => request.url.startsWith('https://queue.fal.run/')).map((request) => `${request.method} ${request.url}`)
    expect(queueUrls).toEqual([
      'POST https://queue.fal.run/fal-ai/live-portrait/image',
      'GET https://queue.fal.run/fal-ai/live-portrait/requests/req-123/status?logs=1',
      'GET https://queue.fal.run/fal-ai/live-portrait/requests/req-123',
    ])
  })

  it('cancels at the path without the sub-path', async () => {
    const { fake, animator } = setup()
    const handle = await animator.start!({ image: 'https://93.184.216.34/me.png', motion: { type: 'expression', smile: 0.2 } })
    await animator.cancel!(handle)
    expect(fake.find('PUT', /cancel$/).map((request) => request.url)).toEqual(['https://queue.fal.run/fal-ai/live-portrait/requests/req-123/cancel'])
  })

  it('sends jpeg unless png is asked for, and warns about formats it cannot make', async () => {
    const { fake, animator } = setup()
    const result = await animator.animate({ image: TINY_PNG, motion: { type: 'expression', smile: 0.2 }, output: { format: 'webp' } })
    expect(fake.body('POST', 'https://queue.fal.run/fal-ai/live-portrait/image')).toMatchObject({ output_format: 'jpeg' })
    expect(result.warnings).toEqual([expect.objectContaining({ type: 'unsupported', setting: 'output.format' })])
  })

  it('clamps out-of-range values with a warning on the result', async () => {
    const { fake, animator } = setup()
    const result = await animator.animate({ image: TINY_PNG, motion: { type: 'expression', smile: 1.8, wink: -0.5 } })
    expect(fake.body('POST', 'https://queue.fal.run/fal-ai/live-portrait/image')).toMatchObject({ smile: 2, wink: 0 })
    expect(result.warnings.map((warning) => [warning.type, warning.setting])).toEqual([
      ['clamped', 'motion.smile'],
      ['clamped', 'motion.wink'],
    ])
  })

  it('rejects out-of-range values in strict mode before any call', async () => {
    const { fake, animator } = setup()
    const error = await animator.animate({ image: TINY_PNG, motion: { type: 'expression', yaw: 60 }, strict: true }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(PortraitAnimatorError)
    expect(error).toMatchObject({ kind: 'invalid_input', field: 'motion.yaw', rule: 'range' })
    expect(fake.requests).toEqual([])
  })

  it('passes providerOptions.fal fields through, validated', async () => {
    const { fake, animator } = setup()
    await animator.animate({
      image: TINY_PNG,
      motion: { type: 'expression', smile: 0.5 },
      providerOptions: { fal: { dsize: 768, flag_pasteback: false, enable_safety_checker: true, smile: -1.5 } },
    })
    expect(fake.body('POST', 'https://queue.fal.run/fal-ai/live-portrait/image')).toMatchObject({ dsize: 768, flag_pasteback: false, enable_safety_checker: true, smile: -1.5 })

    const unknown = await animator.animate({ image: TINY_PNG, motion: { type: 'expression' }, providerOptions: { fal: { batch_size: 4 } } }).catch((caught: unknown) => caught)
    expect(unknown).toMatchObject({ kind: 'invalid_input', field: 'providerOptions.fal.batch_size' })
    const outOfRange = await animator.animate({ image: TINY_PNG, motion: { type: 'expression' }, providerOptions: { fal: { smile: 5 } } }).catch((caught: unknown) => caught)
    expect(outOfRange).toMatchObject({ kind: 'invalid_input', field: 'providerOptions.fal.smile' })
    const derived = await animator.animate({ image: TINY_PNG, motion: { type: 'expression' }, providerOptions: { fal: { image_url: 'https://x.example/a.png' } } }).catch((caught: unknown) => caught)
    expect(derived).toMatchObject({ kind: 'invalid_input', field: 'providerOptions.fal.image_url' })
    expect((derived as Error).message).toContain('request.image')
  })

  it('downloads the output only when asked', async () => {
    const { fake, animator } = setup()
    const result = await animator.animate({ image: TINY_PNG, motion: { type: 'expression', smile: 0.2 } })
    expect(fake.find('GET', /v3\.fal\.media/)).toHaveLength(0)
    const bytes = await result.output.bytes()
    expect(Buffer.from(bytes)).toEqual(Buffer.from(TINY_PNG_OUTPUT))
    const download = fake.find('GET', /v3\.fal\.media/)
    expect(download).toHaveLength(1)
    expect(download[0]?.headers.get('authorization')).toBeNull()
  })
})
