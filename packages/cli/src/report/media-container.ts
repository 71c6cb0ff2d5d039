import { ALL_FORMATS, BufferSource, EncodedPacketSink, Input, type InputAudioTrack, type InputVideoTrack } from 'mediabunny'

/** One coded video frame, in decoding order. */
export interface VideoPacket {
  readonly data: Uint8Array
  /** Presentation time in seconds (B-frames make it jump back and forth in decoding order). */
  readonly timestamp: number
  readonly duration: number
  readonly key: boolean
}

/** The video track of a clip, as its container describes it (nothing decoded). */
export interface VideoTrackFacts {
  /** mediabunny's codec name: `avc`, `hevc`, `vp9`, `av1`, ... or `null` when unknown. */
  readonly codec: string | null
  /** The full codec string, e.g. `avc1.64001f` (H.264 High, level 3.1). */
  readonly codecString: string | null
  readonly width: number
  readonly height: number
  readonly durationSeconds: number
  readonly frameCount: number
  /** Frames per second (packets over duration). */
  readonly fps: number
  /** What a WebCodecs `VideoDecoder` is configured with; `description` is the `avcC` record for H.264 in MP4. */
  readonly decoderConfig: { readonly codec: string; readonly description?: Uint8Array } | null
  /** The coded frames, in decoding order. */
  packets(): AsyncIterable<VideoPacket>
}

/** One coded audio packet. */
export interface AudioPacket {
  readonly data: Uint8Array
  /** Seconds (an encoder's priming packet may start below 0). */
  readonly timestamp: number
  readonly duration: number
}

/** The audio track of a clip. */
export interface AudioTrackFacts {
  readonly codec: string | null
  readonly durationSeconds: number
  readonly sampleRate: number
  readonly channels: number
  /** What a WebCodecs `AudioDecoder` is configured with (`description`: the AAC AudioSpecificConfig). */
  readonly decoderConfig: { readonly codec: string; readonly sampleRate: number; readonly numberOfChannels: number; readonly description?: Uint8Array } | null
  /** The coded packets, in order. */
  packets(): AsyncIterable<AudioPacket>
}

/** What a media file holds. */
export interface MediaContainer {
  /** mediabunny's format name: `MP4`, `QuickTime`, `WebM`, `Matroska`, `WAVE`, ... */
  readonly format: string
  readonly video: VideoTrackFacts | null
  readonly audio: AudioTrackFacts | null
}

/**
 * Reads a video or audio file's container with mediabunny (MP4, MOV, WebM, Matroska, WAV, MP3,
 * ...): its primary video and audio tracks, their codecs, sizes, durations and the coded packets.
 * Nothing is decoded.
 *
 * @throws Error when the bytes are no container mediabunny knows, or it is cut short.
 * @example
 * ```ts
 * const { video, audio } = await readMediaContainer(bytes)
 * video?.codecString // 'avc1.64001f'
 * audio?.durationSeconds // 4.8
 * ```
 */
export async function readMediaContainer(bytes: Uint8Array): Promise<MediaContainer> {
  const input = new Input({ source: new BufferSource(bytes), formats: ALL_FORMATS })
  const format = (await input.getFormat()).name
  const videoTrack = await input.getPrimaryVideoTrack()
  const audioTrack = await input.getPrimaryAudioTrack()
  return { format, video: videoTrack ? await videoFacts(videoTrack) : null, audio: audioTrack ? await audioFacts(audioTrack) : null }
}

async function videoFacts(track: InputVideoTrack): Promise<VideoTrackFacts> {
  const [durationSeconds, stats, codecString, config] = await Promise.all([track.computeDuration(), track.computePacketStats(), track.getCodecParameterString(), track.getDecoderConfig()])
  const description = config?.description
  return {
    codec: track.codec,
    codecString,
    width: track.displayWidth,
    height: track.displayHeight,
    durationSeconds,
    frameCount: stats.packetCount,
    fps: durationSeconds > 0 ? stats.packetCount / durationSeconds : 0,
    decoderConfig: config ? { codec: config.codec, ...(description ? { description: toBytes(description) } : {}) } : null,
    packets: async function* () {
      for await (const packet of new EncodedPacketSink(track).packets()) yield { data: packet.data, timestamp: packet.timestamp, duration: packet.duration, key: packet.type === 'key' }
    },
  }
}

async function audioFacts(track: InputAudioTrack): Promise<AudioTrackFacts> {
  const config = await track.getDecoderConfig()
  const description = config?.description
  return {
    codec: track.codec,
    durationSeconds: await track.computeDuration(),
    sampleRate: track.sampleRate,
    channels: track.numberOfChannels,
    decoderConfig: config ? { codec: config.codec, sampleRate: config.sampleRate, numberOfChannels: config.numberOfChannels, ...(description ? { description: toBytes(description) } : {}) } : null,
    packets: async function* () {
      for await (const packet of new EncodedPacketSink(track).packets()) yield { data: packet.data, timestamp: packet.timestamp, duration: packet.duration }
    },
  }
}

function toBytes(source: AllowSharedBufferSource): Uint8Array {
  return ArrayBuffer.isView(source) ? new Uint8Array(source.buffer, source.byteOffset, source.byteLength) : new Uint8Array(source)
}
