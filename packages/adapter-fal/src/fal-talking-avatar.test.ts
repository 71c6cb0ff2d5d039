import { readFile } from 'node:fs/promises'
import { createTestWav } from '@portrait-animator/emulator'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { createFakeFal, happyFal, json } from './fal-fake.test-helpers.js'
import { createFal } from './fal-provider.js'

const ASTRONAUT = fileURLToPath(new URL('../../../examples/assets/astronaut.png', import.meta.url))
const HELLO_WAV = fileURLToPath(new URL('../../../examples/assets/hello.wav', import.meta.url))
const OUTPUT = { video: { url: 'https://v3.fal.media/files/out/avatar.mp4', content_type: 'video/mp4', file_name: 'avatar.mp4' }, duration: 2.5 }

const MODELS = [
  { method: 'klingAvatar', target: 'fal/kling-avatar-v2-standard', endpointId: 'fal-ai/kling-video/ai-avatar/v2/standard', appId: 'fal-ai/kling-video', usdPerSecond: 0.0562 },
  { method: 'omniHuman', target: 'fal/omnihuman-v1-5', endpointId: 'fal-ai/bytedance/omnihuman/v1.5', appId: 'fal-ai/bytedance', usdPerSecond: 0.16 },
] as const

function setup(model: (typeof MODELS)[number]) {
  const fake = createFakeFal()
  happyFal(fake, { endpointId: model.endpointId, result: OUTPUT })
  const animator = createFal({ apiKey: 'fal-test-key-123456', fetch: fake.fetch, statusMode: 'polling' })[model.method]()
  return { fake, animator }
}

describe.each(MODELS)('$target on the wire', (model) => {
  const submitUrl = `https://queue.fal.run/${model.endpointId}`

  it('uploads the portrait and the speech, submits exactly image_url and audio_url, and follows the job under the app id', async () => {
    const { fake, animator } = setup(model)
    const result = await animator.animate({ image: ASTRONAUT, motion: { type: 'audio', audio: HELLO_WAV } })
    const uploads = fake.find('PUT', /upload\.fal\.example/)
    expect(uploads.map((request) => request.headers.get('content-type'))).toEqual(['image/png', 'audio/wav'])
    expect(Buffer.from(uploads[1]?.body as Uint8Array).equals(await readFile(HELLO_WAV))).toBe(true)
    expect(fake.body('POST', submitUrl)).toEqual({ image_url: 'https://v3.fal.media/files/u1/astronaut.png', audio_url: 'https://v3.fal.media/files/u2/hello.wav' })
    // fal's path rule: status and result drop the endpoint's sub-path.
    expect(fake.find('GET', `https://queue.fal.run/${model.appId}/requests/req-123/status?logs=1`)).toHaveLength(1)
    expect(fake.find('GET', `https://queue.fal.run/${model.appId}/requests/req-123`)).toHaveLength(1)
    expect(result.servedBy.target).toBe(model.target)
    expect(result.output).toMatchObject({ kind: 'video', format: 'mp4', url: OUTPUT.video.url })
    expect(result.cost).toEqual({ usd: Math.round(2.5 * model.usdPerSecond * 10_000) / 10_000, basis: 'estimated', note: expect.stringContaining("from the output's duration") })
    expect(result.warnings).toEqual([])
  })

  it('estimates the cost from the speech in hand before any call', async () => {
    const { fake, animator } = setup(model)
    const wav = await readFile(HELLO_WAV)
    const estimate = animator.estimateCost?.({ image: ASTRONAUT, motion: { type: 'audio', audio: wav } })
    expect(estimate?.basis).toBe('estimated')
    expect(estimate?.usd).toBeGreaterThan(0)
    expect(estimate?.note).toContain(`$${model.usdPerSecond}/s`)
    expect(fake.requests).toEqual([])
  })

  it('refuses a trimmed clip in strict mode, other motions, and options the model does not have, before any call', async () => {
    const { fake, animator } = setup(model)
    const image = 'https://93.184.216.34/p.png'
    const audio = 'https://93.184.216.34/a.wav'
    await expect(animator.animate({ image, motion: { type: 'audio', audio, endSeconds: 3 }, strict: true })).rejects.toMatchObject({ kind: 'unsupported', field: 'motion.endSeconds' })
    await expect(animator.animate({ image, motion: { type: 'preset', preset: 'live-photo' } })).rejects.toMatchObject({ kind: 'unsupported', field: 'motion.type' })
    await expect(animator.animate({ image, motion: { type: 'audio', audio }, providerOptions: { fal: { num_frames: 81 } } })).rejects.toMatchObject({ kind: 'invalid_input', field: 'providerOptions.fal.num_frames' })
    await expect(animator.animate({ image, motion: { type: 'audio', audio }, providerOptions: { fal: { audio_url: audio } } })).rejects.toMatchObject({ kind: 'invalid_input', field: 'providerOptions.fal.audio_url' })
    await expect(animator.animate({ image: ASTRONAUT, motion: { type: 'audio', audio: ASTRONAUT } })).rejects.toMatchObject({ kind: 'invalid_input', field: 'motion.audio', rule: 'format' })
    expect(fake.requests).toEqual([])
  })

  it("maps fal's 422 on the speech to invalid_input on motion.audio", async () => {
    const { fake, animator } = setup(model)
    fake.on('POST', submitUrl, () => json(422, { detail: [{ loc: ['body', 'audio_url'], msg: 'Audio is too long', type: 'value_error' }] }))
    await expect(animator.animate({ image: 'https://93.184.216.34/p.png', motion: { type: 'audio', audio: 'https://93.184.216.34/a.wav' } })).rejects.toMatchObject({
      kind: 'invalid_input',
      field: 'motion.audio',
      accepted: false,
    })
  })
})

describe('fal/omnihuman-v1-5 options', () => {
  it('sends prompt, resolution and turbo_mode as given, warns about a trim, and bounds the speech and the estimate by the resolution', async () => {
    const model = MODELS[1]
    const { fake, animator } = setup(model)
    const image = 'https://93.184.216.34/p.png'
    const audio = 'https://93.184.216.34/a.wav'
    const providerOptions = { fal: { prompt: 'She smiles as she speaks.', resolution: '720p', turbo_mode: true } }
    const result = await animator.animate({ image, motion: { type: 'audio', audio, startSeconds: 1 }, providerOptions })
    expect(fake.body('POST', `https://queue.fal.run/${model.endpointId}`)).toEqual({ image_url: image, audio_url: audio, prompt: 'She smiles as she speaks.', resolution: '720p', turbo_mode: true })
    expect(result.warnings).toEqual([expect.objectContaining({ type: 'unsupported', setting: 'motion.startSeconds' })])
    expect(animator.estimateCost?.({ image, motion: { type: 'audio', audio }, providerOptions })).toMatchObject({ usd: 9.6, note: expect.stringContaining('60 s') })
    expect(animator.estimateCost?.({ image, motion: { type: 'audio', audio } })).toMatchObject({ usd: 4.8, note: expect.stringContaining('30 s') })
    await expect(animator.animate({ image, motion: { type: 'audio', audio }, providerOptions: { fal: { resolution: '4k' } } })).rejects.toMatchObject({ field: 'providerOptions.fal.resolution' })
    const before = fake.requests.length
    // fal's limits: 30 s at 1080p (the default), 60 s at 720p; checked here before any upload.
    await expect(animator.animate({ image, motion: { type: 'audio', audio: new Uint8Array(createTestWav(31)) } })).rejects.toMatchObject({ kind: 'invalid_input', field: 'motion.audio', limit: 30 })
    await expect(animator.animate({ image, motion: { type: 'audio', audio: new Uint8Array(createTestWav(61)) }, providerOptions: { fal: { resolution: '720p' } } })).rejects.toMatchObject({ kind: 'invalid_input', field: 'motion.audio', limit: 60 })
    expect(fake.requests.length).toBe(before)
  })
})
