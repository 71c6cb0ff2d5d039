import { readFile } from 'node:fs/promises'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import type { MediaFormat } from '../spec/index.js'
import { MEDIA_FORMATS, extensionOf, mimeTypeOf, roleOf } from './media-formats.js'
import { probeMedia } from './probe-media.js'
import type { MediaProbe } from './probe-media.js'
import { sniffFormat } from './sniff-format.js'
import {
  ASTRONAUT_PNG,
  HELLO_WAV,
  MP3_FRAME_SECONDS,
  adtsBytes,
  bmpBytes,
  bytesOf,
  flacBytes,
  gifBytes,
  id3v2Tag,
  jpegBytes,
  mp3CbrBytes,
  mp3VbrBytes,
  mp4Bytes,
  oggBytes,
  pngBytes,
  u32le,
  wavBytes,
  webmBytes,
  webpExtendedBytes,
  webpLosslessBytes,
  webpLossyBytes,
} from './test-fixtures.test-helpers.js'

/** Two stray bytes after APP0, which libjpeg skips with a warning. */
function jpegWithStrayBytes(): Uint8Array {
  const jpeg = jpegBytes(96, 54)
  const app0End = 2 + 2 + 16
  return bytesOf(jpeg.subarray(0, app0End), [0x00, 0x12], jpeg.subarray(app0End))
}

describe('probeMedia on files built byte by byte', () => {
  const cases: ReadonlyArray<readonly [string, Uint8Array, MediaProbe]> = [
    ['PNG', pngBytes(640, 480), { format: 'png', width: 640, height: 480 }],
    ['GIF', gifBytes(300, 200), { format: 'gif', width: 300, height: 200 }],
    ['BMP (BITMAPINFOHEADER)', bmpBytes(31, 17), { format: 'bmp', width: 31, height: 17 }],
    ['BMP (core header)', bmpBytes(31, 17, { core: true }), { format: 'bmp', width: 31, height: 17 }],
    ['BMP (top-down, negative height)', bmpBytes(31, -17), { format: 'bmp', width: 31, height: 17 }],
    ['baseline JPEG', jpegBytes(1024, 768), { format: 'jpeg', width: 1024, height: 768 }],
    ['progressive JPEG (SOF2)', jpegBytes(800, 1200, { progressive: true }), { format: 'jpeg', width: 800, height: 1200 }],
    ['JPEG with a 16x16 EXIF thumbnail', jpegBytes(2000, 1500, { thumbnail: true }), { format: 'jpeg', width: 2000, height: 1500 }],
    ['lossy WebP (VP8)', webpLossyBytes(1280, 720), { format: 'webp', width: 1280, height: 720 }],
    ['lossless WebP (VP8L)', webpLosslessBytes(16383, 2), { format: 'webp', width: 16383, height: 2 }],
    ['extended WebP (VP8X)', webpExtendedBytes(20000, 3), { format: 'webp', width: 20000, height: 3 }],
    ['WAV 8 kHz mono 16-bit', wavBytes({ seconds: 1.5 }), { format: 'wav', durationSeconds: 1.5 }],
    ['WAV 48 kHz stereo 24-bit with an odd-sized LIST chunk', wavBytes({ seconds: 0.25, sampleRate: 48_000, channels: 2, bitsPerSample: 24, listChunk: true }), { format: 'wav', durationSeconds: 0.25 }],
    ['MP3 with a Xing header', mp3VbrBytes(1000), { format: 'mp3', durationSeconds: 1000 * MP3_FRAME_SECONDS }],
    ['MP3 with an Info (CBR) header', mp3VbrBytes(250, { kind: 'Info' }), { format: 'mp3', durationSeconds: 250 * MP3_FRAME_SECONDS }],
    ['MP3 with a VBRI header', mp3VbrBytes(77, { kind: 'VBRI' }), { format: 'mp3', durationSeconds: 77 * MP3_FRAME_SECONDS }],
    ['AAC (ADTS)', adtsBytes(430), { format: 'aac', durationSeconds: (430 * 1024) / 44_100 }],
    ['AAC (ADTS) after an ID3 tag', adtsBytes(43, 180, { id3v2: true }), { format: 'aac', durationSeconds: (43 * 1024) / 44_100 }],
    ['FLAC', flacBytes(48_000, 48_000 * 12), { format: 'flac', durationSeconds: 12 }],
    ['FLAC after an ID3 tag', bytesOf(id3v2Tag(8), flacBytes(44_100, 44_100 * 3)), { format: 'flac', durationSeconds: 3 }],
    ['JPEG with stray bytes between segments', jpegWithStrayBytes(), { format: 'jpeg', width: 96, height: 54 }],
    ['Ogg Vorbis', oggBytes('vorbis', 3.25), { format: 'ogg', durationSeconds: 3.25 }],
    ['Ogg Opus (pre-skip removed)', oggBytes('opus', 7), { format: 'ogg', durationSeconds: 7 }],
    ['M4A (brand M4A)', mp4Bytes({ brand: 'M4A ', seconds: 61.5, audioOnly: true }), { format: 'm4a', durationSeconds: 61.5 }],
    ['MP4 holding only sound (brand isom)', mp4Bytes({ seconds: 2, audioOnly: true }), { format: 'm4a', durationSeconds: 2 }],
    ['MP4 (moov first)', mp4Bytes({ seconds: 4.5, width: 512, height: 768 }), { format: 'mp4', width: 512, height: 768, durationSeconds: 4.5 }],
    ['MP4 (moov after mdat, 64-bit mvhd)', mp4Bytes({ seconds: 9, timescale: 90_000, width: 1920, height: 1080, moovLast: true, mvhdVersion: 1 }), { format: 'mp4', width: 1920, height: 1080, durationSeconds: 9 }],
    ['MOV (brand qt)', mp4Bytes({ brand: 'qt  ', seconds: 1.25, width: 720, height: 1280 }), { format: 'mov', width: 720, height: 1280, durationSeconds: 1.25 }],
    ['WebM', webmBytes({ seconds: 5.5, width: 640, height: 360 }), { format: 'webm', width: 640, height: 360, durationSeconds: 5.5 }],
    ['WebM with a live (unknown-size) segment', webmBytes({ seconds: 2, width: 320, height: 240, unknownSegmentSize: true }), { format: 'webm', width: 320, height: 240, durationSeconds: 2 }],
  ]

  it.each(cases)('%s', (_name, bytes, expected) => {
    const probe = probeMedia(bytes)
    expect(probe).toEqual({ ...expected, ...(expected.durationSeconds === undefined ? {} : { durationSeconds: expect.closeTo(expected.durationSeconds, 6) }) })
    expect(sniffFormat(bytes)).toBe(expected.format)
  })

  it('estimates a constant-bitrate MP3 from its byte count, skipping ID3v2 and ID3v1 tags', () => {
    const probe = probeMedia(mp3CbrBytes(100, { id3v2: true, id3v1: true }))
    expect(probe.format).toBe('mp3')
    // 100 frames of 417 bytes at 128 kbit/s; each frame really lasts 1152/44100 s (417.96 bytes).
    expect(probe.durationSeconds).toBeCloseTo((100 * 417 * 8) / 128_000, 6)
    expect(probe.durationSeconds).toBeCloseTo(100 * MP3_FRAME_SECONDS, 1)
  })

  it('reads the frame count of a Xing header instead of estimating from the bytes present', () => {
    // Only 3 frames follow, but the header says 5000: the header wins (the file is VBR).
    const probe = probeMedia(mp3VbrBytes(5000, { actualFrames: 3, claimedBytes: 4 * 417 }))
    expect(probe.durationSeconds).toBeCloseTo(5000 * MP3_FRAME_SECONDS, 6)
  })

  it('reads a WAV written while streaming (data size 0xFFFFFFFF) from the bytes present', () => {
    const wav = wavBytes({ seconds: 2, sampleRate: 16_000 })
    const streaming = bytesOf(wav)
    streaming.set(u32le(0xffffffff), 4)
    streaming.set(u32le(0xffffffff), 40)
    expect(probeMedia(streaming)).toEqual({ format: 'wav', durationSeconds: 2 })
  })

  it('reads a 60000x60000 header without allocating anything near its pixel count', () => {
    const bytes = pngBytes(60_000, 60_000, { rows: 0 })
    const before = process.memoryUsage().arrayBuffers
    const probe = probeMedia(bytes)
    expect(probe).toEqual({ format: 'png', width: 60_000, height: 60_000 })
    // A decoded RGBA buffer would be 14.4 GB; the probe keeps nothing beyond small temporaries.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(1024 * 1024)
  })
})

describe('probeMedia on real files', () => {
  it('reads the sample portrait: a 512x512 PNG', async () => {
    expect(probeMedia(await readFile(ASTRONAUT_PNG))).toEqual({ format: 'png', width: 512, height: 512 })
  })

  it('reads the sample speech: 4.8 s of 22.05 kHz mono WAV', async () => {
    const probe = probeMedia(await readFile(HELLO_WAV))
    expect(probe.format).toBe('wav')
    expect(probe.durationSeconds).toBeCloseTo(212_160 / 44_100, 6)
    expect(probe.truncated).toBeUndefined()
  })

  const image = () => sharp({ create: { width: 37, height: 23, channels: 4, background: { r: 200, g: 30, b: 60, alpha: 0.5 } } })
  const encoders: ReadonlyArray<readonly [string, () => Promise<Buffer>, MediaFormat]> = [
    ['baseline JPEG', () => image().jpeg().toBuffer(), 'jpeg'],
    ['progressive JPEG', () => image().jpeg({ progressive: true }).toBuffer(), 'jpeg'],
    ['PNG', () => image().png().toBuffer(), 'png'],
    ['lossy WebP', () => image().removeAlpha().webp().toBuffer(), 'webp'],
    ['lossy WebP with alpha (VP8X)', () => image().webp().toBuffer(), 'webp'],
    ['lossless WebP', () => image().webp({ lossless: true }).toBuffer(), 'webp'],
    ['GIF', () => image().gif().toBuffer(), 'gif'],
  ]

  it.each(encoders)('reads a %s made by sharp', async (_name, encode, format) => {
    expect(probeMedia(await encode())).toEqual({ format, width: 37, height: 23 })
  })
})

describe('probeMedia on files cut short', () => {
  const png = pngBytes(64, 64)
  const wav = wavBytes({ seconds: 1 })
  const cases: ReadonlyArray<readonly [string, Uint8Array]> = [
    ['PNG cut inside IHDR', png.subarray(0, 20)],
    ['PNG without its IEND chunk', png.subarray(0, png.length - 12)],
    ['JPEG without its end marker', jpegBytes(64, 64, { omitEnd: true })],
    ['JPEG cut before its frame header', jpegBytes(64, 64).subarray(0, 30)],
    ['GIF cut inside its screen descriptor', gifBytes(64, 64).subarray(0, 8)],
    ['BMP cut inside its pixels', bmpBytes(64, 64).subarray(0, 100)],
    ['WebP cut inside its VP8 frame', webpLossyBytes(64, 64).subarray(0, 28)],
    ['WebP shorter than its RIFF size', webpLossyBytes(64, 64).subarray(0, 32)],
    ['WAV shorter than its data chunk', wav.subarray(0, wav.length - 100)],
    ['WAV cut inside its fmt chunk', wav.subarray(0, 30)],
    ['FLAC cut inside STREAMINFO', flacBytes(44_100, 44_100).subarray(0, 20)],
    ['MP4 shorter than its mdat box', mp4Bytes({ seconds: 1, mdatBytes: 10, declaredMdatBytes: 5000 })],
    ['WebM shorter than its segment', webmBytes({ seconds: 1, width: 64, height: 64, dropTail: 10 })],
    ['MP3 shorter than its Xing byte count', mp3VbrBytes(100, { actualFrames: 2, claimedBytes: 100 * 417 })],
  ]

  it.each(cases)('%s', (_name, bytes) => {
    expect(probeMedia(bytes).truncated).toBe(true)
  })
})

describe('sniffFormat', () => {
  it.each([
    ['HTML', '<!doctype html><html><body>Not found</body></html>'],
    ['JSON', '{"error":"not found"}'],
    ['text', 'hello world'],
    ['TIFF', 'II*\0\x08\0\0\0'],
    ['HEIC', '\0\0\0\x18ftypheic\0\0\0\0mif1heic'],
    ['AIFF', 'FORM\0\0\0\x04AIFF'],
    ['RIFF AVI', 'RIFF\x04\0\0\0AVI '],
    ['Matroska', '\x1a\x45\xdf\xa3\x88\x42\x82\x88matroska'],
    ['BMP-looking text', 'BMW 320i, 2004'],
  ])('recognises nothing in %s', (_name, text) => {
    expect(sniffFormat(bytesOf(text))).toBeUndefined()
  })

  it('ignores a misleading name: it only ever sees bytes', () => {
    expect(sniffFormat(jpegBytes(4, 4))).toBe('jpeg')
    expect(sniffFormat(new Uint8Array(0))).toBeUndefined()
  })
})

describe('format facts', () => {
  it.each([
    ['jpeg', 'image/jpeg', 'jpg', 'image'],
    ['png', 'image/png', 'png', 'image'],
    ['bmp', 'image/bmp', 'bmp', 'image'],
    ['webp', 'image/webp', 'webp', 'image'],
    ['gif', 'image/gif', 'gif', 'image'],
    ['wav', 'audio/wav', 'wav', 'audio'],
    ['mp3', 'audio/mpeg', 'mp3', 'audio'],
    ['aac', 'audio/aac', 'aac', 'audio'],
    ['m4a', 'audio/mp4', 'm4a', 'audio'],
    ['flac', 'audio/flac', 'flac', 'audio'],
    ['ogg', 'audio/ogg', 'ogg', 'audio'],
    ['mp4', 'video/mp4', 'mp4', 'video'],
    ['mov', 'video/quicktime', 'mov', 'video'],
    ['webm', 'video/webm', 'webm', 'video'],
  ] as const)('%s is %s, .%s, %s', (format, mimeType, extension, role) => {
    expect(mimeTypeOf(format)).toBe(mimeType)
    expect(extensionOf(format)).toBe(extension)
    expect(roleOf(format)).toBe(role)
  })

  it('covers every format of the spec', () => {
    expect([...MEDIA_FORMATS].sort()).toEqual(['aac', 'bmp', 'flac', 'gif', 'jpeg', 'm4a', 'mov', 'mp3', 'mp4', 'ogg', 'png', 'wav', 'webm', 'webp'])
  })
})
