import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { createFakeFal, happyFal } from './fal-fake.test-helpers.js'
import { createFal } from './fal-provider.js'

const ASTRONAUT = fileURLToPath(new URL('../../../examples/assets/astronaut.png', import.meta.url))
const HELLO_WAV = fileURLToPath(new URL('../../../examples/assets/hello.wav', import.meta.url))
const SUBMIT_URL = 'https://queue.fal.run/fal-ai/sadtalker'

function setup() {
  const fake = createFakeFal()
  happyFal(fake, { endpointId: 'fal-ai/sadtalker', result: { video: { url: 'https://v3.fal.media/files/out/talk.mp4', content_type: 'video/mp4' } } })
  const animator = createFal({ apiKey: 'fal-test-key-123456', fetch: fake.fetch, statusMode: 'polling' }).sadTalker()
  return { fake, animator }
}

describe('fal/sadtalker on the wire', () => {
  it('uploads a local portrait and audio file and submits exactly the model fields', async () => {
    const { fake, animator } = setup()
    const result = await animator.animate({
      image: ASTRONAUT,
      motion: { type: 'audio', audio: HELLO_WAV },
      providerOptions: { fal: { still_mode: true, preprocess: 'full', face_model_resolution: '512', expression_scale: 1.2 } },
    })
    const uploads = fake.find('PUT', /upload\.fal\.example/)
    expect(uploads.map((request) => request.headers.get('content-type'))).toEqual(['image/png', 'audio/wav'])
    expect(Buffer.from(uploads[0]?.body as Uint8Array).equals(await readFile(ASTRONAUT))).toBe(true)
    expect(Buffer.from(uploads[1]?.body as Uint8Array).equals(await readFile(HELLO_WAV))).toBe(true)
    expect(fake.body('POST', SUBMIT_URL)).toEqual({
      source_image_url: 'https://v3.fal.media/files/u1/astronaut.png',
      driven_audio_url: 'https://v3.fal.media/files/u2/hello.wav',
      still_mode: true,
      preprocess: 'full',
      face_model_resolution: '512',
      expression_scale: 1.2,
    })
    expect(result.output).toMatchObject({ kind: 'video', format: 'mp4', url: 'https://v3.fal.media/files/out/talk.mp4' })
    expect(result.warnings).toEqual([])
  })

  it('warns that it speaks the whole clip when asked to trim, and refuses in strict mode', async () => {
    const { fake, animator } = setup()
    const result = await animator.animate({ image: 'https://93.184.216.34/p.png', motion: { type: 'audio', audio: 'https://93.184.216.34/a.wav', startSeconds: 1, endSeconds: 3 } })
    expect(result.warnings).toEqual([expect.objectContaining({ type: 'unsupported', setting: 'motion.startSeconds' })])
    expect(fake.body('POST', SUBMIT_URL)).toEqual({ source_image_url: 'https://93.184.216.34/p.png', driven_audio_url: 'https://93.184.216.34/a.wav' })

    const before = fake.requests.length
    await expect(
      animator.animate({ image: 'https://93.184.216.34/p.png', motion: { type: 'audio', audio: 'https://93.184.216.34/a.wav', endSeconds: 3 }, strict: true }),
    ).rejects.toMatchObject({ kind: 'unsupported', field: 'motion.endSeconds' })
    await expect(
      animator.animate({ image: 'https://93.184.216.34/p.png', motion: { type: 'audio', audio: 'https://93.184.216.34/a.wav', startSeconds: 3, endSeconds: 2 } }),
    ).rejects.toMatchObject({ kind: 'invalid_input', field: 'motion.endSeconds' })
    expect(fake.requests.length).toBe(before)
  })

  it('rejects a portrait given as audio and unknown options before any call', async () => {
    const { fake, animator } = setup()
    await expect(animator.animate({ image: HELLO_WAV, motion: { type: 'audio', audio: HELLO_WAV } })).rejects.toMatchObject({ kind: 'invalid_input', field: 'image', rule: 'format' })
    await expect(animator.animate({ image: ASTRONAUT, motion: { type: 'audio', audio: ASTRONAUT } })).rejects.toMatchObject({ kind: 'invalid_input', field: 'motion.audio', rule: 'format' })
    await expect(
      animator.animate({ image: ASTRONAUT, motion: { type: 'audio', audio: HELLO_WAV }, providerOptions: { fal: { reference_pose_video_url: 'https://x' } } }),
    ).rejects.toMatchObject({ kind: 'invalid_input', field: 'providerOptions.fal.reference_pose_video_url' })
    expect(fake.requests).toEqual([])
  })
})
