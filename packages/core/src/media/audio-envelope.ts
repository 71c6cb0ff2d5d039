// mediabunny is imported on the first audio read, not with core: it adds about 11 MB to a process's
// memory, which every process importing core (router, adapters) would otherwise pay before its first job.

/** Loudness over time, 0..1 (1 the loudest window), `rate` values a second from the start asked for. */
export interface AudioEnvelope {
  readonly rate: number
  readonly values: Float32Array
}

/**
 * The RMS loudness of the first channel of `audio` from `startSeconds` to `endSeconds`, `rate`
 * windows a second, scaled so the loudest is 1. mediabunny decodes PCM (WAV, AIFF) in Node;
 * compressed audio (MP3, AAC, Opus) needs WebCodecs, which Node lacks.
 *
 * @throws Error saying why when the audio cannot be decoded here.
 * @example
 * ```ts
 * const envelope = await audioEnvelope(wav, { rate: 25 })
 * envelope.values[25] // loudness around 1 s, 0..1
 * ```
 */
export async function audioEnvelope(audio: Uint8Array, options: { readonly rate: number; readonly startSeconds?: number; readonly endSeconds?: number }): Promise<AudioEnvelope> {
  const { ALL_FORMATS, AudioSampleSink, BufferSource, Input } = await import('mediabunny')
  const input = new Input({ source: new BufferSource(audio), formats: ALL_FORMATS })
  const track = await input.getPrimaryAudioTrack()
  if (track === null) throw new Error('the input has no audio track')
  if (!(await track.canDecode())) throw new Error(`the input audio is ${track.codec ?? 'an unknown codec'}: only PCM (WAV) is decoded in Node`)
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
}

/** The audio's duration in seconds (its primary audio track), or `undefined` when unreadable. */
export async function audioDurationSeconds(audio: Uint8Array): Promise<number | undefined> {
  try {
    const { ALL_FORMATS, BufferSource, Input } = await import('mediabunny')
    const track = await new Input({ source: new BufferSource(audio), formats: ALL_FORMATS }).getPrimaryAudioTrack()
    return track ? await track.computeDuration() : undefined
  } catch {
    return undefined
  }
}
