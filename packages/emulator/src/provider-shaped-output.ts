import { readFile } from 'node:fs/promises'
import {
  ALL_FORMATS,
  BufferSource,
  BufferTarget,
  EncodedAudioPacketSource,
  EncodedPacketSink,
  EncodedVideoPacketSource,
  Input,
  Mp4OutputFormat,
  Output,
  type EncodedPacket,
} from 'mediabunny'

/**
 * The clip behind provider-shaped outputs (see `fixtures/NOTICE.md`): the sample portrait talking,
 * 256x256, H.264 High profile with B-frames, 25 fps, one keyframe a second, AAC audio; 4 s.
 */
export const PROVIDER_SHAPED_FIXTURE = new URL('../fixtures/provider-shaped.mp4', import.meta.url)

let fixture: Promise<Uint8Array> | undefined

/**
 * An output shaped like fal's and Magic Hour's real ones, `seconds` long (rounded up to whole
 * seconds, at least 1): the fixture's own coded pictures, repeated a whole GOP at a time with new
 * timestamps, so nothing is encoded here (no High-profile encoder is available at test time).
 * `audio: true` keeps its AAC track (talking photos), otherwise it is left out.
 *
 * @example
 * ```ts
 * const mp4 = await providerShapedVideo({ seconds: 3, audio: true }) // High profile, B-frames, AAC
 * ```
 */
export async function providerShapedVideo(options: { readonly seconds: number; readonly audio: boolean }): Promise<Uint8Array> {
  fixture ??= readFile(PROVIDER_SHAPED_FIXTURE).then((bytes) => new Uint8Array(bytes))
  const input = new Input({ source: new BufferSource(await fixture), formats: ALL_FORMATS })
  const videoTrack = await input.getPrimaryVideoTrack()
  const audioTrack = options.audio ? await input.getPrimaryAudioTrack() : null
  if (videoTrack === null) throw new Error('the provider-shaped fixture has no video track')
  const clipSeconds = await input.computeDuration()
  const seconds = Math.min(600, Math.max(1, Math.ceil(options.seconds - 1e-6)))
  const output = new Output({ format: new Mp4OutputFormat({ fastStart: 'in-memory' }), target: new BufferTarget() })
  const video = new EncodedVideoPacketSource('avc')
  output.addVideoTrack(video, { frameRate: 25 })
  const audio = audioTrack ? new EncodedAudioPacketSource('aac') : undefined
  if (audio) output.addAudioTrack(audio)
  await output.start()
  const videoPackets = await packetsOf(new EncodedPacketSink(videoTrack))
  const videoConfig = (await videoTrack.getDecoderConfig()) ?? undefined
  let first = true
  let videoEnd = 0
  for (let offset = 0; offset < seconds; offset += clipSeconds) {
    let keep = false
    for (const packet of videoPackets) {
      // A whole GOP or none: a GOP is kept when its keyframe starts before the end.
      if (packet.type === 'key') keep = packet.timestamp + offset < seconds - 1e-6
      if (!keep) continue
      await video.add(packet.clone({ timestamp: packet.timestamp + offset }), first && videoConfig ? { decoderConfig: videoConfig } : undefined)
      first = false
      videoEnd = Math.max(videoEnd, packet.timestamp + offset + packet.duration)
    }
  }
  if (audio && audioTrack) {
    const audioPackets = await packetsOf(new EncodedPacketSink(audioTrack))
    const audioConfig = (await audioTrack.getDecoderConfig()) ?? undefined
    // Re-timed one after the other from 0 (the encoder's priming packet may start below 0).
    const first = audioPackets[0]?.timestamp ?? 0
    const last = audioPackets.at(-1)
    const span = last ? last.timestamp + last.duration - first : 0
    let firstAudio = true
    for (let offset = 0; span > 0 && offset < videoEnd; offset += span) {
      for (const packet of audioPackets) {
        const timestamp = packet.timestamp - first + offset
        if (timestamp + packet.duration > videoEnd + 1e-6) break
        await audio.add(packet.clone({ timestamp }), firstAudio && audioConfig ? { decoderConfig: audioConfig } : undefined)
        firstAudio = false
      }
    }
  }
  await output.finalize()
  return new Uint8Array(output.target.buffer!)
}

async function packetsOf(sink: EncodedPacketSink): Promise<EncodedPacket[]> {
  const packets: EncodedPacket[] = []
  for await (const packet of sink.packets()) packets.push(packet)
  return packets
}
