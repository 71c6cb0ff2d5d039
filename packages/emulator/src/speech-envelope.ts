import { ALL_FORMATS, AudioSampleSink, BufferSource, Input } from 'mediabunny'

/** Loudness of speech over time, 0..1 (1 the loudest window), sampled every `1 / rate` seconds. */
export interface SpeechEnvelope {
  readonly rate: number
  readonly values: Float32Array
}

/**
 * The RMS loudness of `audio` between `startSeconds` and `endSeconds`, `rate` values a second,
 * scaled so the loudest is 1. PCM (WAV) is decoded in Node by mediabunny; compressed audio (MP3,
 * AAC) would need a decoder Node does not have, so it gives `undefined`.
 *
 * @example
 * ```ts
 * const envelope = await speechEnvelope(wav, { rate: 24 })
 * envelope?.values[12] // loudness around 0.5 s
 * ```
 */
export async function speechEnvelope(audio: Uint8Array, options: { readonly rate: number; readonly startSeconds?: number; readonly endSeconds?: number }): Promise<SpeechEnvelope | undefined> {
  try {
    const input = new Input({ source: new BufferSource(audio), formats: ALL_FORMATS })
    const track = await input.getPrimaryAudioTrack()
    if (track === null || !(await track.canDecode())) return undefined
    const start = options.startSeconds ?? 0
    const end = options.endSeconds ?? (await track.computeDuration())
    const count = Math.max(1, Math.round((end - start) * options.rate))
    const sums = new Float64Array(count)
    const counts = new Float64Array(count)
    for await (const sample of new AudioSampleSink(track).samples(start, end)) {
      const channel = new Float32Array(sample.numberOfFrames)
      sample.copyTo(channel, { planeIndex: 0, format: 'f32-planar' })
      for (let frame = 0; frame < channel.length; frame++) {
        const bin = Math.floor((sample.timestamp + frame / sample.sampleRate - start) * options.rate)
        if (bin < 0 || bin >= count) continue
        sums[bin]! += channel[frame]! * channel[frame]!
        counts[bin]!++
      }
      sample.close()
    }
    const values = new Float32Array(count)
    let loudest = 0
    for (let bin = 0; bin < count; bin++) {
      values[bin] = counts[bin]! > 0 ? Math.sqrt(sums[bin]! / counts[bin]!) : 0
      loudest = Math.max(loudest, values[bin]!)
    }
    if (loudest > 0) for (let bin = 0; bin < count; bin++) values[bin] = values[bin]! / loudest
    return { rate: options.rate, values }
  } catch {
    return undefined
  }
}
