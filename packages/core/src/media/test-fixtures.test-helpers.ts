/**
 * Test fixtures for the media module: the path of the shared sample files, and builders for tiny,
 * valid files of every supported format, assembled byte by byte so each test states exactly what
 * the header claims.
 */
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { constants as zlibConstants, crc32, deflateRawSync } from 'node:zlib'

/** The one place that knows where the sample media live: the repository's examples/assets. */
export const SAMPLES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../examples/assets')
/** 512x512 RGB PNG portrait. */
export const ASTRONAUT_PNG = resolve(SAMPLES_DIR, 'astronaut.png')
/** 4.8 s of speech, 22.05 kHz mono 16-bit PCM WAV. */
export const HELLO_WAV = resolve(SAMPLES_DIR, 'hello.wav')

/** Concatenates byte arrays and numbers (single bytes) and strings (Latin-1). */
export function bytesOf(...parts: ReadonlyArray<Uint8Array | readonly number[] | string>): Uint8Array<ArrayBuffer> {
  const arrays = parts.map((part) => (typeof part === 'string' ? Uint8Array.from(part, (char) => char.charCodeAt(0)) : Uint8Array.from(part)))
  const out = new Uint8Array(arrays.reduce((sum, array) => sum + array.length, 0))
  let offset = 0
  for (const array of arrays) {
    out.set(array, offset)
    offset += array.length
  }
  return out
}

export function u16le(value: number): number[] {
  return [value & 0xff, (value >> 8) & 0xff]
}
export function u16be(value: number): number[] {
  return [(value >> 8) & 0xff, value & 0xff]
}
export function u24le(value: number): number[] {
  return [value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff]
}
export function u32le(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff]
}
export function u32be(value: number): number[] {
  return [(value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff]
}
export function u64le(value: number): number[] {
  return [...u32le(value % 0x100000000), ...u32le(Math.floor(value / 0x100000000))]
}
export function u64be(value: number): number[] {
  return [...u32be(Math.floor(value / 0x100000000)), ...u32be(value % 0x100000000)]
}

// ---------------------------------------------------------------- images

function pngChunk(type: string, data: Uint8Array): Uint8Array<ArrayBuffer> {
  const typeAndData = bytesOf(type, data)
  return bytesOf(u32be(data.length), typeAndData, u32be(crc32(typeAndData)))
}

/** Options of `pngBytes`. */
export interface PngOptions {
  /**
   * How many rows of pixel data the IDAT holds. Fewer than `height` is a PNG whose compressed data
   * stops early while its chunks, CRCs and IEND stay intact; `0` is an empty zlib stream (headers
   * only, for tests that never decode).
   * @default height
   */
  readonly rows?: number
  /**
   * Whether the zlib stream is properly ended (final block and Adler-32). `false` cuts the
   * compressed data mid-stream.
   * @default true
   */
  readonly endStream?: boolean
}

/**
 * A black 8-bit RGB PNG: IHDR, one IDAT and IEND, that decodes completely. The IDAT repeats one
 * compressed row (a full-flush deflate block stands alone), so even 16000x16000 is a few hundred KB.
 */
export function pngBytes(width: number, height: number, options: PngOptions = {}): Uint8Array<ArrayBuffer> {
  const ihdr = bytesOf(u32be(width), u32be(height), [8, 2, 0, 0, 0])
  const rows = Math.min(options.rows ?? height, height)
  const rowBytes = 1 + width * 3 // filter byte + RGB
  const row = rows === 0 ? new Uint8Array(0) : deflateRawSync(new Uint8Array(rowBytes), { finishFlush: zlibConstants.Z_FULL_FLUSH })
  const blocks = new Uint8Array(row.length * rows)
  for (let index = 0; index < rows; index++) blocks.set(row, index * row.length)
  // The Adler-32 of n zero bytes is a = 1, b = n mod 65521.
  const end = options.endStream === false ? [] : [0x03, 0x00, ...u32be((((rows * rowBytes) % 65_521) * 0x10000 + 1) >>> 0)]
  const idat = bytesOf([0x78, 0x01], blocks, end)
  return bytesOf([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], pngChunk('IHDR', ihdr), pngChunk('IDAT', idat), pngChunk('IEND', new Uint8Array(0)))
}

/** A real image of `format` encoded by sharp (a flat colour), for tests that need a decodable file. */
export async function encodedImage(format: 'jpeg' | 'png' | 'webp' | 'gif', width: number, height: number): Promise<Uint8Array<ArrayBuffer>> {
  const { default: sharp } = await import('sharp')
  const buffer = await sharp({ create: { width, height, channels: 3, background: '#7a5c48' } }).toFormat(format).toBuffer()
  return new Uint8Array(buffer)
}

/**
 * A JPEG whose entropy-coded scan is cut after `keepFraction` of its bytes and followed by an EOI
 * marker: every marker a header parser looks for is present, but the picture stops early.
 */
export function cutJpegScan(jpeg: Uint8Array, keepFraction = 0.3): Uint8Array<ArrayBuffer> {
  let start = -1
  for (let index = 2; index + 1 < jpeg.length; index++) {
    if (jpeg[index] === 0xff && jpeg[index + 1] === 0xda) {
      start = index
      break
    }
  }
  if (start < 0) throw new Error('not a JPEG with a scan')
  const keep = start + Math.floor((jpeg.length - start) * keepFraction)
  return bytesOf(jpeg.subarray(0, keep), [0xff, 0xd9])
}

/** A GIF89a with the given logical screen size and a trailer. */
export function gifBytes(width: number, height: number): Uint8Array<ArrayBuffer> {
  return bytesOf('GIF89a', u16le(width), u16le(height), [0, 0, 0], [0x3b])
}

/** A 24-bit BMP (BITMAPINFOHEADER, or the 12-byte core header) with a correct file size field. */
export function bmpBytes(width: number, height: number, options: { readonly core?: boolean; readonly pixelBytes?: number } = {}): Uint8Array<ArrayBuffer> {
  const pixels = new Uint8Array(options.pixelBytes ?? Math.min(4096, ((width * 3 + 3) & ~3) * Math.abs(height)))
  const info = options.core === true ? bytesOf(u32le(12), u16le(width), u16le(height), u16le(1), u16le(24)) : bytesOf(u32le(40), u32le(width), u32le(height >>> 0), u16le(1), u16le(24), new Array<number>(24).fill(0))
  const offset = 14 + info.length
  return bytesOf('BM', u32le(offset + pixels.length), [0, 0, 0, 0], u32le(offset), info, pixels)
}

/** A JPEG assembled from segments: APP0, optional EXIF thumbnail, DQT, SOF0 or SOF2, DHT, SOS, scan data, EOI. */
export function jpegBytes(width: number, height: number, options: { readonly progressive?: boolean; readonly thumbnail?: boolean; readonly omitEnd?: boolean } = {}): Uint8Array<ArrayBuffer> {
  const segment = (marker: number, data: Uint8Array) => bytesOf([0xff, marker], u16be(data.length + 2), data)
  const app0 = segment(0xe0, bytesOf('JFIF\0', [1, 1, 0], u16be(1), u16be(1), [0, 0]))
  // An embedded thumbnail holds its own SOI/SOF/EOI; a parser must not take its size or end marker.
  const thumbnail = options.thumbnail === true ? segment(0xe1, bytesOf('Exif\0\0', [0xff, 0xd8, 0xff, 0xc0, 0, 11, 8], u16be(16), u16be(16), [1, 1, 0x11, 0], [0xff, 0xd9])) : new Uint8Array(0)
  const dqt = segment(0xdb, bytesOf([0], new Array<number>(64).fill(1)))
  const sof = segment(options.progressive === true ? 0xc2 : 0xc0, bytesOf([8], u16be(height), u16be(width), [3, 1, 0x22, 0, 2, 0x11, 0, 3, 0x11, 0]))
  const dht = segment(0xc4, bytesOf([0], new Array<number>(16).fill(0).map((_, index) => (index === 0 ? 1 : 0)), [0]))
  const sos = segment(0xda, bytesOf([3, 1, 0, 2, 0, 3, 0, 0, 63, 0]))
  const scan = bytesOf([0x12, 0x34, 0xff, 0x00, 0x56, 0xff, 0xd0, 0x78]) // stuffed FF 00 and a restart marker
  const secondScan = options.progressive === true ? bytesOf(segment(0xda, bytesOf([1, 1, 0, 1, 5, 0])), [0x9a, 0xbc]) : new Uint8Array(0)
  return bytesOf([0xff, 0xd8], app0, thumbnail, dqt, sof, dht, sos, scan, secondScan, options.omitEnd === true ? [] : [0xff, 0xd9])
}

function riff(kind: string, chunks: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytesOf('RIFF', u32le(4 + chunks.length), kind, chunks)
}

/** Lossy WebP: a `VP8 ` chunk with a key-frame header giving the size. */
export function webpLossyBytes(width: number, height: number): Uint8Array<ArrayBuffer> {
  const frame = bytesOf([0x50, 0x01, 0x00], [0x9d, 0x01, 0x2a], u16le(width & 0x3fff), u16le(height & 0x3fff), new Array<number>(8).fill(0))
  return riff('WEBP', bytesOf('VP8 ', u32le(frame.length), frame))
}

/** Lossless WebP: a `VP8L` chunk with 14-bit sizes (minus one). */
export function webpLosslessBytes(width: number, height: number): Uint8Array<ArrayBuffer> {
  const bits = ((width - 1) & 0x3fff) | (((height - 1) & 0x3fff) << 14)
  const data = bytesOf([0x2f], u32le(bits), [0, 0, 0])
  return riff('WEBP', bytesOf('VP8L', u32le(data.length), data))
}

/** Extended WebP: a `VP8X` chunk with 24-bit canvas sizes (minus one), then a small lossy frame. */
export function webpExtendedBytes(width: number, height: number): Uint8Array<ArrayBuffer> {
  const vp8x = bytesOf([0x10, 0, 0, 0], u24le(width - 1), u24le(height - 1))
  const frame = webpLossyBytes(16, 16).subarray(12)
  return riff('WEBP', bytesOf('VP8X', u32le(vp8x.length), vp8x, frame))
}

// ---------------------------------------------------------------- audio

/**
 * A PCM WAV. `declaredDataBytes` lets a test claim more data than is present; `declaredSampleRate`
 * and `declaredByteRate` write other values in the `fmt ` chunk than the data was sized with.
 */
export function wavBytes(options: {
  readonly sampleRate?: number
  readonly channels?: number
  readonly bitsPerSample?: number
  readonly seconds: number
  readonly declaredDataBytes?: number
  readonly declaredSampleRate?: number
  readonly declaredByteRate?: number
  readonly listChunk?: boolean
}): Uint8Array<ArrayBuffer> {
  const sampleRate = options.sampleRate ?? 8000
  const channels = options.channels ?? 1
  const bits = options.bitsPerSample ?? 16
  const blockAlign = (channels * bits) / 8
  const dataBytes = Math.round(options.seconds * sampleRate) * blockAlign
  const fmt = bytesOf(u16le(1), u16le(channels), u32le(options.declaredSampleRate ?? sampleRate), u32le(options.declaredByteRate ?? sampleRate * blockAlign), u16le(blockAlign), u16le(bits))
  const list = options.listChunk === true ? bytesOf('LIST', u32le(5), 'INFOx', [0]) : new Uint8Array(0) // odd size: padded
  const data = bytesOf('data', u32le(options.declaredDataBytes ?? dataBytes), new Uint8Array(dataBytes))
  const body = bytesOf('WAVE', 'fmt ', u32le(fmt.length), fmt, list, data)
  const riffSize = options.declaredDataBytes === undefined ? body.length : body.length + options.declaredDataBytes - dataBytes
  return bytesOf('RIFF', u32le(riffSize), body)
}

/** MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, stereo: 417-byte frames of 1152 samples. */
export const MP3_FRAME_HEADER = [0xff, 0xfb, 0x90, 0x00] as const
export const MP3_FRAME_BYTES = 417
export const MP3_FRAME_SECONDS = 1152 / 44_100

function mp3Frame(body: Uint8Array = new Uint8Array(0)): Uint8Array<ArrayBuffer> {
  const frame = new Uint8Array(MP3_FRAME_BYTES)
  frame.set(MP3_FRAME_HEADER, 0)
  frame.set(body, 4)
  return frame
}

/** An ID3v2.3 tag with one text frame, `padding` zero bytes inside the tag. */
export function id3v2Tag(padding = 0): Uint8Array<ArrayBuffer> {
  const frame = bytesOf('TIT2', u32be(6), [0, 0], [0], 'hello')
  const size = frame.length + padding
  const synchsafe = [(size >> 21) & 0x7f, (size >> 14) & 0x7f, (size >> 7) & 0x7f, size & 0x7f]
  return bytesOf('ID3', [3, 0, 0], synchsafe, frame, new Uint8Array(padding))
}

/** A constant-bitrate MP3 of `frames` frames, optionally with ID3v2 and ID3v1 tags. */
export function mp3CbrBytes(frames: number, options: { readonly id3v2?: boolean; readonly id3v1?: boolean } = {}): Uint8Array<ArrayBuffer> {
  const body = bytesOf(...Array.from({ length: frames }, () => mp3Frame()))
  const v1 = options.id3v1 === true ? bytesOf('TAG', new Uint8Array(125)) : new Uint8Array(0)
  return bytesOf(options.id3v2 === true ? id3v2Tag(32) : new Uint8Array(0), body, v1)
}

/**
 * A VBR MP3 whose first frame carries a Xing (or VBRI) header claiming `claimedFrames` frames;
 * only `actualFrames` audio frames follow, so a duration read from the header differs from a
 * byte-count estimate.
 */
export function mp3VbrBytes(claimedFrames: number, options: { readonly kind?: 'Xing' | 'Info' | 'VBRI'; readonly actualFrames?: number; readonly claimedBytes?: number } = {}): Uint8Array<ArrayBuffer> {
  const kind = options.kind ?? 'Xing'
  const actualFrames = options.actualFrames ?? 3
  const streamBytes = options.claimedBytes ?? (actualFrames + 1) * MP3_FRAME_BYTES
  // Stereo MPEG-1: Xing sits after 32 bytes of side information; VBRI always 32 bytes in.
  const header =
    kind === 'VBRI'
      ? bytesOf(new Uint8Array(32), 'VBRI', u16be(1), u16be(0), u16be(75), u32be(streamBytes), u32be(claimedFrames))
      : bytesOf(new Uint8Array(32), kind, u32be(0x03), u32be(claimedFrames), u32be(streamBytes))
  return bytesOf(mp3Frame(header), ...Array.from({ length: actualFrames }, () => mp3Frame()))
}

/** AAC-LC in ADTS frames at 44.1 kHz stereo, each frame 1024 samples. */
export function adtsBytes(frames: number, frameBytes = 200, options: { readonly id3v2?: boolean } = {}): Uint8Array<ArrayBuffer> {
  const header = [0xff, 0xf1, (1 << 6) | (4 << 2) | 0, (2 << 6) | ((frameBytes >> 11) & 0x03), (frameBytes >> 3) & 0xff, ((frameBytes & 0x07) << 5) | 0x1f, 0xfc]
  const frame = bytesOf(header, new Uint8Array(frameBytes - 7))
  return bytesOf(options.id3v2 === true ? id3v2Tag() : new Uint8Array(0), ...Array.from({ length: frames }, () => frame))
}

/** FLAC with a STREAMINFO block giving `totalSamples` at `sampleRate`, then one fake frame. */
export function flacBytes(sampleRate: number, totalSamples: number): Uint8Array<ArrayBuffer> {
  const packed = new Uint8Array(8)
  const channelsMinusOne = 1
  const bitsMinusOne = 15
  packed[0] = (sampleRate >> 12) & 0xff
  packed[1] = (sampleRate >> 4) & 0xff
  packed[2] = ((sampleRate & 0x0f) << 4) | (channelsMinusOne << 1) | (bitsMinusOne >> 4)
  packed[3] = ((bitsMinusOne & 0x0f) << 4) | (Math.floor(totalSamples / 0x100000000) & 0x0f)
  packed.set(u32be(totalSamples % 0x100000000), 4)
  const streamInfo = bytesOf(u16be(4096), u16be(4096), [0, 0, 0], [0, 0, 0], packed, new Uint8Array(16))
  return bytesOf('fLaC', [0x80], [0, 0, streamInfo.length], streamInfo, [0xff, 0xf8, 0x69, 0x08])
}

function oggPage(headerType: number, granule: number, serial: number, sequence: number, packet: Uint8Array): Uint8Array<ArrayBuffer> {
  const segments: number[] = []
  let remaining = packet.length
  while (remaining >= 255) {
    segments.push(255)
    remaining -= 255
  }
  segments.push(remaining)
  return bytesOf('OggS', [0, headerType], u64le(granule), u32le(serial), u32le(sequence), u32le(0), [segments.length], segments, packet)
}

/** Ogg Vorbis or Opus: an identification header page, a data page and a last page whose granule sets the length. */
export function oggBytes(codec: 'vorbis' | 'opus', seconds: number, sampleRate = 44_100): Uint8Array<ArrayBuffer> {
  const serial = 0x1234
  const preSkip = 312
  const id =
    codec === 'vorbis'
      ? bytesOf([1], 'vorbis', u32le(0), [2], u32le(sampleRate), u32le(0), u32le(128_000), u32le(0), [0xb8, 1])
      : bytesOf('OpusHead', [1, 2], u16le(preSkip), u32le(sampleRate), u16le(0), [0])
  const rate = codec === 'opus' ? 48_000 : sampleRate
  const lastGranule = Math.round(seconds * rate) + (codec === 'opus' ? preSkip : 0)
  return bytesOf(oggPage(0x02, 0, serial, 0, id), oggPage(0, Math.round(lastGranule / 2), serial, 1, new Uint8Array(300)), oggPage(0x04, lastGranule, serial, 2, new Uint8Array(100)))
}

// ---------------------------------------------------------------- MP4 family

/** An ISO BMFF box. */
export function box(type: string, ...content: ReadonlyArray<Uint8Array | readonly number[] | string>): Uint8Array<ArrayBuffer> {
  const body = bytesOf(...content)
  return bytesOf(u32be(body.length + 8), type, body)
}

function mvhd(timescale: number, duration: number, version: 0 | 1): Uint8Array<ArrayBuffer> {
  const times = version === 1 ? bytesOf(u64be(0), u64be(0), u32be(timescale), u64be(duration)) : bytesOf(u32be(0), u32be(0), u32be(timescale), u32be(duration))
  return box('mvhd', [version, 0, 0, 0], times, u32be(0x00010000), u16be(0x0100), new Uint8Array(10), new Uint8Array(36), new Uint8Array(24), u32be(3))
}

function track(handler: 'vide' | 'soun', width: number, height: number): Uint8Array<ArrayBuffer> {
  const tkhd = box('tkhd', [0, 0, 0, 3], u32be(0), u32be(0), u32be(1), u32be(0), u32be(0), new Uint8Array(8), u16be(0), u16be(0), u16be(0), u16be(0), new Uint8Array(36), u32be(width * 0x10000), u32be(height * 0x10000))
  const hdlr = box('hdlr', [0, 0, 0, 0], u32be(0), handler, new Uint8Array(12), [0])
  return box('trak', tkhd, box('mdia', hdlr))
}

/** An MP4/MOV/M4A: `ftyp`, `moov` (mvhd + tracks) and `mdat`, with `moov` first or last. */
export function mp4Bytes(options: {
  readonly brand?: string
  readonly seconds: number
  readonly timescale?: number
  readonly width?: number
  readonly height?: number
  readonly audioOnly?: boolean
  readonly moovLast?: boolean
  readonly mvhdVersion?: 0 | 1
  readonly mdatBytes?: number
  readonly declaredMdatBytes?: number
}): Uint8Array<ArrayBuffer> {
  const timescale = options.timescale ?? 1000
  const brand = options.brand ?? 'isom'
  const ftyp = box('ftyp', brand, u32be(512), brand, 'iso2', 'mp41')
  const tracks = options.audioOnly === true ? [track('soun', 0, 0)] : [track('soun', 0, 0), track('vide', options.width ?? 640, options.height ?? 480)]
  const moov = box('moov', mvhd(timescale, Math.round(options.seconds * timescale), options.mvhdVersion ?? 0), ...tracks)
  const mdatBody = new Uint8Array(options.mdatBytes ?? 64)
  const mdat = bytesOf(u32be((options.declaredMdatBytes ?? mdatBody.length) + 8), 'mdat', mdatBody)
  return options.moovLast === true ? bytesOf(ftyp, mdat, moov) : bytesOf(ftyp, moov, mdat)
}

// ---------------------------------------------------------------- WebM

function ebmlSize(size: number): number[] {
  // Always the 8-byte form: simple and valid.
  return [0x01, ...u64be(size).slice(1)]
}

function element(id: readonly number[], ...content: ReadonlyArray<Uint8Array | readonly number[] | string>): Uint8Array<ArrayBuffer> {
  const body = bytesOf(...content)
  return bytesOf(id, ebmlSize(body.length), body)
}

function float64(value: number): number[] {
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, value)
  return Array.from(new Uint8Array(view.buffer))
}

/** A WebM (or Matroska) file: EBML header, Segment with Info (duration) and one video track, one cluster. */
export function webmBytes(options: { readonly seconds: number; readonly width: number; readonly height: number; readonly docType?: string; readonly unknownSegmentSize?: boolean; readonly dropTail?: number }): Uint8Array<ArrayBuffer> {
  const header = element([0x1a, 0x45, 0xdf, 0xa3], element([0x42, 0x86], [1]), element([0x42, 0x82], options.docType ?? 'webm'))
  const info = element([0x15, 0x49, 0xa9, 0x66], element([0x2a, 0xd7, 0xb1], u32be(1_000_000)), element([0x44, 0x89], float64(options.seconds * 1000)))
  const video = element([0xe0], element([0xb0], u16be(options.width)), element([0xba], u16be(options.height)))
  const tracks = element([0x16, 0x54, 0xae, 0x6b], element([0xae], element([0xd7], [1]), element([0x83], [1]), element([0x86], 'V_VP8'), video))
  const cluster = element([0x1f, 0x43, 0xb6, 0x75], element([0xe7], [0]), new Uint8Array(32))
  const segmentBody = bytesOf(info, tracks, cluster)
  const segment = options.unknownSegmentSize === true ? bytesOf([0x18, 0x53, 0x80, 0x67], [0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], segmentBody) : element([0x18, 0x53, 0x80, 0x67], segmentBody)
  const file = bytesOf(header, segment)
  return options.dropTail === undefined ? file : file.subarray(0, file.length - options.dropTail)
}
