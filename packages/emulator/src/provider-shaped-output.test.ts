import { ALL_FORMATS, BufferSource, EncodedPacketSink, Input } from 'mediabunny'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { VideoRenderer, videoSpecFor, type OutputShape } from './mp4-output.js'
import { providerShapedVideo } from './provider-shaped-output.js'
import { startEmulator, type Emulator } from './start-emulator.js'

async function describeClip(bytes: Uint8Array) {
  const input = new Input({ source: new BufferSource(bytes), formats: ALL_FORMATS })
  const video = (await input.getPrimaryVideoTrack())!
  const audio = await input.getPrimaryAudioTrack()
  const timestamps: number[] = []
  for await (const packet of new EncodedPacketSink(video).packets()) timestamps.push(packet.timestamp)
  const stats = await video.computePacketStats()
  return {
    codec: await video.getCodecParameterString(),
    size: [video.displayWidth, video.displayHeight],
    frames: timestamps.length,
    fps: stats.averagePacketRate,
    // Decode order differs from display order exactly when there are B-frames.
    reordered: timestamps.some((timestamp, index) => index > 0 && timestamp < timestamps[index - 1]!),
    audio: audio ? { codec: audio.codec, seconds: await audio.computeDuration() } : null,
  }
}

describe('provider-shaped outputs', () => {
  it('are High profile H.264 with B-frames at 25 fps, with AAC audio of the asked length for talking photos', async () => {
    const clip = await describeClip(await providerShapedVideo({ seconds: 6, audio: true }))
    expect(clip).toMatchObject({ size: [256, 256], frames: 150, fps: 25, reordered: true, audio: { codec: 'aac' } })
    // avc1.64xxxx: profile_idc 0x64 = 100, High.
    expect(clip.codec).toMatch(/^avc1\.64/)
    expect(clip.audio!.seconds).toBeCloseTo(6, 1)
  })

  it('round a fraction of a second up to whole GOPs, and leave audio out when not talking', async () => {
    const clip = await describeClip(await providerShapedVideo({ seconds: 2.2, audio: false }))
    expect(clip).toMatchObject({ frames: 75, audio: null, reordered: true })
  })

  it('are chosen per renderer by the shape it is given', async () => {
    let shape: OutputShape = 'simple'
    const renderer = new VideoRenderer({ shape: () => shape })
    expect((await describeClip(await renderer.render(videoSpecFor(1, 64, 64)))).codec).toMatch(/^avc1\.42/)
    shape = 'provider'
    expect((await describeClip(await renderer.render(videoSpecFor(1, 64, 64)))).codec).toMatch(/^avc1\.64/)
  })
})

describe('POST /__emulator/output-shape', () => {
  let emulator: Emulator
  beforeAll(async () => {
    emulator = await startEmulator({ outputShape: 'provider' })
  })
  afterAll(async () => {
    await emulator?.stop()
  })

  it('reports and switches the shape of later outputs, refusing unknown shapes', async () => {
    const url = `${emulator.baseUrl}/__emulator/output-shape`
    expect(await (await fetch(url)).json()).toEqual({ shape: 'provider' })
    const switched = await fetch(url, { method: 'POST', body: JSON.stringify({ shape: 'simple' }) })
    expect([switched.status, await switched.json()]).toEqual([200, { shape: 'simple' }])
    const refused = await fetch(url, { method: 'POST', body: JSON.stringify({ shape: 'cinema' }) })
    expect(refused.status).toBe(400)
    expect(await (await fetch(url)).json()).toEqual({ shape: 'simple' })
  })
})
