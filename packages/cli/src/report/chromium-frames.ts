import { withDecoderPage } from './chromium-page.js'
import type { DecodeFramesOptions, DecodeSummary } from './h264-frames.js'
import type { VideoTrackFacts } from './media-container.js'

/** Frames fetched from the page per round trip. */
const BATCH = 8

/**
 * Decodes a video track with WebCodecs inside a headless Chromium (Debian's `chromium` decodes
 * H.264 High and Main profiles with B-frames, VP8/VP9 and AV1 through its FFmpeg), driven over the
 * DevTools protocol by playwright-core. Chromium is started for this clip and closed after; the
 * page is served from memory and loads nothing. Frames come out in display order, as I420.
 *
 * @param executablePath the browser (see `findChromium`).
 * @throws Error when Chromium cannot start, does not support the codec, or decodes nothing.
 * @example
 * ```ts
 * await decodeInChromium(video, '/usr/bin/chromium', { onFrame: (frame) => meter.add(frame) })
 * ```
 */
export async function decodeInChromium(video: VideoTrackFacts, executablePath: string, options: DecodeFramesOptions): Promise<DecodeSummary> {
  const config = video.decoderConfig
  if (config === null) throw new Error(`the ${video.codecString ?? 'video'} track has no decoder configuration`)
  const packets: { key: boolean; timestamp: number; duration: number; data: string }[] = []
  for await (const packet of video.packets()) packets.push({ key: packet.key, timestamp: Math.round(packet.timestamp * 1e6), duration: Math.round(packet.duration * 1e6), data: Buffer.from(packet.data).toString('base64') })
  const maxFrames = Number.isFinite(options.maxFrames ?? Infinity) ? options.maxFrames! : 1_000_000
  return withDecoderPage(executablePath, options.signal, async (page) => {
    const decoded = await page.evaluate(decodeInPage, { codec: config.codec, description: config.description ? Buffer.from(config.description).toString('base64') : null, packets, maxFrames })
    if (decoded.error !== null && decoded.frames === 0) throw new Error(`Chromium could not decode ${config.codec}: ${decoded.error}`)
    for (let start = 0; start < decoded.frames; start += BATCH) {
      options.signal?.throwIfAborted()
      const batch = await page.evaluate(([from, count]) => (globalThis as unknown as { takeFrames(from: number, count: number): PageFrame[] }).takeFrames(from, count), [start, BATCH] as const)
      for (const frame of batch) options.onFrame({ index: frame.index, timestamp: frame.timestamp / 1e6, width: frame.width, height: frame.height, codedWidth: frame.width, codedHeight: frame.height, planes: Buffer.from(frame.planes, 'base64') })
    }
    return { frames: decoded.frames, errors: Math.max(0, Math.min(packets.length, maxFrames) - decoded.frames) }
  })
}

/** A frame as the page hands it over: I420 at its visible size (even), planes in base64. */
interface PageFrame {
  readonly index: number
  readonly timestamp: number
  readonly width: number
  readonly height: number
  readonly planes: string
}

/**
 * Runs inside the page: decodes every packet, keeps the first `maxFrames` pictures as I420 at
 * their visible size, and installs `takeFrames(from, count)` to fetch them. Self-contained (it is
 * serialised into the page).
 */
async function decodeInPage(input: { codec: string; description: string | null; packets: { key: boolean; timestamp: number; duration: number; data: string }[]; maxFrames: number }): Promise<{ frames: number; error: string | null }> {
  const fromBase64 = (text: string) => Uint8Array.from(atob(text), (character) => character.charCodeAt(0))
  const toBase64 = (bytes: Uint8Array) => {
    let text = ''
    for (let offset = 0; offset < bytes.length; offset += 0x8000) text += String.fromCharCode(...bytes.subarray(offset, offset + 0x8000))
    return btoa(text)
  }
  const kept: { timestamp: number; width: number; height: number; planes: Uint8Array }[] = []
  const pending: Promise<void>[] = []
  let accepted = 0
  let error: string | null = null
  const toI420 = async (frame: VideoFrame) => {
    const width = frame.visibleRect!.width & ~1
    const height = frame.visibleRect!.height & ~1
    const planes = new Uint8Array((width * height * 3) / 2)
    const format = frame.format
    if (format === 'I420' || format === 'I420A' || format === 'NV12') {
      const rect = { x: frame.visibleRect!.x, y: frame.visibleRect!.y, width, height }
      const buffer = new Uint8Array(frame.allocationSize({ rect }))
      const layout = await frame.copyTo(buffer, { rect })
      const y = layout[0]!
      for (let row = 0; row < height; row++) planes.set(buffer.subarray(y.offset + row * y.stride, y.offset + row * y.stride + width), row * width)
      const chromaWidth = width / 2
      const uStart = width * height
      const vStart = uStart + (chromaWidth * height) / 2
      for (let row = 0; row < height / 2; row++) {
        for (let column = 0; column < chromaWidth; column++) {
          if (format === 'NV12') {
            const uv = layout[1]!
            planes[uStart + row * chromaWidth + column] = buffer[uv.offset + row * uv.stride + column * 2]!
            planes[vStart + row * chromaWidth + column] = buffer[uv.offset + row * uv.stride + column * 2 + 1]!
          } else {
            planes[uStart + row * chromaWidth + column] = buffer[layout[1]!.offset + row * layout[1]!.stride + column]!
            planes[vStart + row * chromaWidth + column] = buffer[layout[2]!.offset + row * layout[2]!.stride + column]!
          }
        }
      }
    } else {
      // Any other layout (RGB, or a GPU frame): draw it and convert to BT.601 limited range.
      const canvas = new OffscreenCanvas(width, height)
      const context = canvas.getContext('2d')!
      context.drawImage(frame, 0, 0, width, height)
      const rgba = context.getImageData(0, 0, width, height).data
      for (let row = 0; row < height; row++) {
        for (let column = 0; column < width; column++) {
          const at = (row * width + column) * 4
          const [red, green, blue] = [rgba[at]!, rgba[at + 1]!, rgba[at + 2]!]
          planes[row * width + column] = Math.round(16 + 0.257 * red + 0.504 * green + 0.098 * blue)
          if (row % 2 === 0 && column % 2 === 0) {
            const chroma = (row / 2) * (width / 2) + column / 2
            planes[width * height + chroma] = Math.round(128 - 0.148 * red - 0.291 * green + 0.439 * blue)
            planes[width * height + (width * height) / 4 + chroma] = Math.round(128 + 0.439 * red - 0.368 * green - 0.071 * blue)
          }
        }
      }
    }
    return { timestamp: frame.timestamp, width, height, planes }
  }
  const decoder = new VideoDecoder({
    output: (frame) => {
      if (accepted >= input.maxFrames) {
        frame.close()
        return
      }
      accepted++
      pending.push(
        toI420(frame)
          .then((picture) => void kept.push(picture))
          .finally(() => frame.close()),
      )
    },
    error: (reason) => {
      error = String(reason)
    },
  })
  const config: VideoDecoderConfig = { codec: input.codec, ...(input.description ? { description: fromBase64(input.description) } : {}) }
  const support = await VideoDecoder.isConfigSupported(config)
  if (!support.supported) return { frames: 0, error: `this Chromium does not decode ${input.codec}` }
  decoder.configure(config)
  for (const packet of input.packets) {
    if (decoder.state === 'closed') break
    decoder.decode(new EncodedVideoChunk({ type: packet.key ? 'key' : 'delta', timestamp: packet.timestamp, duration: packet.duration, data: fromBase64(packet.data) }))
  }
  if (decoder.state !== 'closed') await decoder.flush().catch((reason: unknown) => (error ??= String(reason)))
  await Promise.all(pending)
  kept.sort((first, second) => first.timestamp - second.timestamp)
  ;(globalThis as unknown as { takeFrames(from: number, count: number): unknown }).takeFrames = (from: number, count: number) =>
    kept.slice(from, from + count).map((picture, offset) => ({ index: from + offset, timestamp: picture.timestamp, width: picture.width, height: picture.height, planes: toBase64(picture.planes) }))
  return { frames: kept.length, error }
}
