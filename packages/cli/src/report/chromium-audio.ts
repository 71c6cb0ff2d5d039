import type { AudioEnvelope } from '@portrait-animator/core'
import { withDecoderPage } from './chromium-page.js'
import type { AudioTrackFacts } from './media-container.js'

/**
 * The loudness envelope of a clip's own audio track (AAC, Opus, MP3, ...), decoded with WebCodecs'
 * `AudioDecoder` in a headless Chromium: the RMS of the first channel in windows of `1 / rate`
 * seconds from 0, scaled so the loudest is 1. Node has no AAC decoder; this is how `measure` gets
 * lip sync for a clip without its input speech.
 *
 * @throws Error when Chromium cannot start or does not decode the codec.
 * @example
 * ```ts
 * const envelope = await audioEnvelopeInChromium(audio, '/usr/bin/chromium', { rate: 25 })
 * ```
 */
export async function audioEnvelopeInChromium(audio: AudioTrackFacts, executablePath: string, options: { readonly rate: number; readonly signal?: AbortSignal }): Promise<AudioEnvelope> {
  const config = audio.decoderConfig
  if (config === null) throw new Error(`the ${audio.codec ?? 'audio'} track has no decoder configuration`)
  const packets: { timestamp: number; duration: number; data: string }[] = []
  for await (const packet of audio.packets()) packets.push({ timestamp: Math.round(packet.timestamp * 1e6), duration: Math.round(packet.duration * 1e6), data: Buffer.from(packet.data).toString('base64') })
  const bins = Math.max(1, Math.round(audio.durationSeconds * options.rate))
  const result = await withDecoderPage(executablePath, options.signal, (page) =>
    page.evaluate(envelopeInPage, { config: { codec: config.codec, sampleRate: config.sampleRate, numberOfChannels: config.numberOfChannels, description: config.description ? Buffer.from(config.description).toString('base64') : null }, packets, rate: options.rate, bins }),
  )
  if (result.error !== null) throw new Error(`Chromium could not decode the ${config.codec} audio: ${result.error}`)
  return { rate: options.rate, values: Float32Array.from(result.values) }
}

/** Runs inside the page (serialised into it): decodes every packet and sums squares per window. */
async function envelopeInPage(input: { config: { codec: string; sampleRate: number; numberOfChannels: number; description: string | null }; packets: { timestamp: number; duration: number; data: string }[]; rate: number; bins: number }): Promise<{ values: number[]; error: string | null }> {
  const fromBase64 = (text: string) => Uint8Array.from(atob(text), (character) => character.charCodeAt(0))
  const sums = new Float64Array(input.bins)
  const counts = new Float64Array(input.bins)
  let error: string | null = null
  const config: AudioDecoderConfig = { codec: input.config.codec, sampleRate: input.config.sampleRate, numberOfChannels: input.config.numberOfChannels, ...(input.config.description ? { description: fromBase64(input.config.description) } : {}) }
  const support = await AudioDecoder.isConfigSupported(config)
  if (!support.supported) return { values: [], error: `this Chromium does not decode ${input.config.codec}` }
  const decoder = new AudioDecoder({
    output: (data) => {
      const channel = new Float32Array(data.numberOfFrames)
      data.copyTo(channel, { planeIndex: 0, format: 'f32-planar' })
      for (let frame = 0; frame < channel.length; frame++) {
        const bin = Math.floor((data.timestamp / 1e6 + frame / data.sampleRate) * input.rate)
        if (bin < 0 || bin >= input.bins) continue
        sums[bin]! += channel[frame]! * channel[frame]!
        counts[bin]!++
      }
      data.close()
    },
    error: (reason) => {
      error = String(reason)
    },
  })
  decoder.configure(config)
  for (const packet of input.packets) {
    if (decoder.state === 'closed') break
    decoder.decode(new EncodedAudioChunk({ type: 'key', timestamp: packet.timestamp, duration: packet.duration, data: fromBase64(packet.data) }))
  }
  if (decoder.state !== 'closed') await decoder.flush().catch((reason: unknown) => (error ??= String(reason)))
  const values = Array.from(sums, (sum, bin) => (counts[bin]! > 0 ? Math.sqrt(sum / counts[bin]!) : 0))
  const loudest = Math.max(...values, 0)
  return { values: loudest > 0 ? values.map((value) => value / loudest) : values, error }
}
