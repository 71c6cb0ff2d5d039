import { mkdir, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MediaInput, MediaRole } from '../spec/index.js'
import { DEFAULT_MAX_BYTES, loadMedia } from './load-media.js'
import type { LoadMediaOptions } from './loaded-media.js'
import {
  ASTRONAUT_PNG,
  HELLO_WAV,
  adtsBytes,
  bmpBytes,
  bytesOf,
  cutJpegScan,
  encodedImage,
  flacBytes,
  gifBytes,
  id3v2Tag,
  jpegBytes,
  mp3CbrBytes,
  mp3VbrBytes,
  mp4Bytes,
  oggBytes,
  pngBytes,
  wavBytes,
  webmBytes,
  webpLossyBytes,
} from './test-fixtures.test-helpers.js'
import { expectAnimatorError } from '../testing/index.js'

let directory = ''
const inTemp = (name: string) => join(directory, name)

/** A fetch that fails the test if anything tries the network. */
const forbiddenFetch = (() => {
  throw new Error('the network must not be touched for this input')
}) as unknown as typeof fetch

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'portrait-media-'))
  await writeFile(inTemp('empty.png'), new Uint8Array(0))
  await writeFile(inTemp('page.jpg'), '<!DOCTYPE html>\n<html><head><title>404</title></head><body>Not found</body></html>')
  await writeFile(inTemp('portrait.png'), await sharp({ create: { width: 48, height: 64, channels: 3, background: '#888' } }).jpeg().toBuffer())
  await writeFile(inTemp('Café portrait (final).webp'), pngBytes(10, 12))
  await writeFile(inTemp('no-extension'), await encodedImage('gif', 5, 6))
  await mkdir(inTemp('folder.jpg'))
  // Sparse: occupies no disk, but stat says it is over the 200 MB default cap.
  await writeFile(inTemp('huge.jpg'), jpegBytes(8, 8))
  await truncate(inTemp('huge.jpg'), DEFAULT_MAX_BYTES + 1)
})

afterAll(async () => {
  await rm(directory, { recursive: true, force: true })
})

const role = (field: string): MediaRole => (field === 'image' ? 'image' : field === 'motion.audio' ? 'audio' : 'video')

interface BadInput {
  readonly name: string
  readonly field: 'image' | 'motion.audio' | 'motion.video'
  readonly rule: string
  readonly input: () => MediaInput
  readonly options?: Partial<LoadMediaOptions>
}

const png = pngBytes(64, 64)
const wav = wavBytes({ seconds: 1 })
const webp5x5 = await encodedImage('webp', 5, 5)
const cutJpeg = cutJpegScan(await encodedImage('jpeg', 128, 128))
const corruptPng = bytesOf(png.subarray(0, 12), 'XXXX', png.subarray(16))

const badInputs: readonly BadInput[] = [
  // empty
  { name: 'an empty Uint8Array', field: 'image', rule: 'empty', input: () => new Uint8Array(0) },
  { name: 'an empty ArrayBuffer', field: 'motion.audio', rule: 'empty', input: () => new ArrayBuffer(0) },
  { name: 'an empty Blob', field: 'motion.video', rule: 'empty', input: () => new Blob([]) },
  { name: 'an empty file', field: 'image', rule: 'empty', input: () => inTemp('empty.png') },
  { name: 'a data URI with no data', field: 'image', rule: 'empty', input: () => 'data:image/png;base64,' },
  // not media
  { name: 'an HTML page named .jpg', field: 'image', rule: 'not-media', input: () => inTemp('page.jpg') },
  { name: 'HTML bytes', field: 'motion.video', rule: 'not-media', input: () => bytesOf('<html><body>Access denied</body></html>') },
  { name: 'a JSON error body', field: 'motion.audio', rule: 'not-media', input: () => bytesOf('{"error":"unauthorized"}') },
  { name: 'plain text', field: 'image', rule: 'not-media', input: () => bytesOf('just some text, not a picture\n') },
  { name: 'XML with a BOM', field: 'image', rule: 'not-media', input: () => bytesOf([0xef, 0xbb, 0xbf], '<?xml version="1.0"?><error/>') },
  { name: 'a text data URI', field: 'image', rule: 'not-media', input: () => 'data:text/plain,hello%20world' },
  // wrong or unsupported format
  { name: 'audio given as the image', field: 'image', rule: 'format', input: () => wav },
  { name: 'an image given as audio', field: 'motion.audio', rule: 'format', input: () => png },
  { name: 'a video given as audio', field: 'motion.audio', rule: 'format', input: () => mp4Bytes({ seconds: 1 }) },
  { name: 'MP3 given as the driving video', field: 'motion.video', rule: 'format', input: () => mp3CbrBytes(4) },
  { name: 'a PNG given as the driving video', field: 'motion.video', rule: 'format', input: () => png },
  { name: 'a TIFF image', field: 'image', rule: 'format', input: () => bytesOf('II*\0\x08\0\0\0', new Uint8Array(64)) },
  { name: 'an SVG image', field: 'image', rule: 'format', input: () => bytesOf('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>') },
  { name: 'a HEIC image', field: 'image', rule: 'format', input: () => bytesOf('\0\0\0\x18ftypheic\0\0\0\0mif1heic', new Uint8Array(32)) },
  { name: 'a Matroska video', field: 'motion.video', rule: 'format', input: () => webmBytes({ seconds: 1, width: 8, height: 8, docType: 'matroska' }) },
  { name: 'random binary data', field: 'image', rule: 'format', input: () => Uint8Array.from({ length: 256 }, (_, index) => (index * 7919) % 251) },
  { name: 'a PNG whose IHDR is corrupt', field: 'image', rule: 'format', input: () => corruptPng },
  // cut short
  { name: 'a PNG cut inside its header', field: 'image', rule: 'truncated', input: () => png.subarray(0, 20) },
  { name: 'a PNG without its end chunk', field: 'image', rule: 'truncated', input: () => png.subarray(0, png.length - 12) },
  { name: 'a JPEG without its end marker', field: 'image', rule: 'truncated', input: () => jpegBytes(64, 64, { omitEnd: true }) },
  { name: 'a JPEG cut before its frame header', field: 'image', rule: 'truncated', input: () => jpegBytes(64, 64).subarray(0, 30) },
  { name: 'a GIF cut inside its header', field: 'image', rule: 'truncated', input: () => gifBytes(64, 64).subarray(0, 8) },
  { name: 'a BMP cut inside its pixels', field: 'image', rule: 'truncated', input: () => bmpBytes(64, 64).subarray(0, 120) },
  { name: 'a WebP shorter than its RIFF size', field: 'image', rule: 'truncated', input: () => webpLossyBytes(64, 64).subarray(0, 34) },
  { name: 'a WAV shorter than its data chunk', field: 'motion.audio', rule: 'truncated', input: () => wav.subarray(0, wav.length - 500) },
  { name: 'an MP4 shorter than its mdat box', field: 'motion.video', rule: 'truncated', input: () => mp4Bytes({ seconds: 2, mdatBytes: 16, declaredMdatBytes: 100_000 }) },
  { name: 'a WebM shorter than its segment', field: 'motion.video', rule: 'truncated', input: () => webmBytes({ seconds: 2, width: 64, height: 64, dropTail: 20 }) },
  // headers intact, pixel data damaged: only a decode finds out
  { name: 'a PNG whose pixel data stops at row 100 of 512 (chunks and IEND intact)', field: 'image', rule: 'corrupt', input: () => pngBytes(512, 512, { rows: 100 }) },
  { name: 'a PNG whose zlib stream is cut mid-way (chunks and IEND intact)', field: 'image', rule: 'corrupt', input: () => pngBytes(512, 512, { rows: 100, endStream: false }) },
  { name: 'a JPEG whose scan is cut short, with an EOI marker appended', field: 'image', rule: 'corrupt', input: () => cutJpeg },
  { name: 'a GIF with a screen descriptor but no image', field: 'image', rule: 'corrupt', input: () => gifBytes(64, 64) },
  // audio whose header cannot be played, or that holds nothing
  { name: 'a WAV declaring a sample rate of 0 Hz', field: 'motion.audio', rule: 'corrupt', input: () => wavBytes({ seconds: 1, declaredSampleRate: 0 }) },
  { name: 'a WAV declaring a byte rate of 0', field: 'motion.audio', rule: 'corrupt', input: () => wavBytes({ seconds: 1, declaredByteRate: 0 }) },
  { name: 'a header-only WAV (0 seconds)', field: 'motion.audio', rule: 'min-duration', input: () => wavBytes({ seconds: 0 }) },
  { name: 'a FLAC declaring a sample rate of 0 Hz', field: 'motion.audio', rule: 'corrupt', input: () => flacBytes(0, 44_100) },
  { name: 'an Ogg Opus stream of 0 samples', field: 'motion.audio', rule: 'min-duration', input: () => oggBytes('opus', 0) },
  { name: 'an Ogg Vorbis header declaring 0 Hz', field: 'motion.audio', rule: 'corrupt', input: () => oggBytes('vorbis', 1, 0) },
  { name: 'an MP3 that is an ID3 tag and nothing else', field: 'motion.audio', rule: 'truncated', input: () => id3v2Tag(64) },
  // sizes
  { name: 'a 60000x60000 PNG header', field: 'image', rule: 'max-pixels', input: () => pngBytes(60_000, 60_000, { rows: 0 }) },
  { name: 'a 60000x60000 BMP header', field: 'image', rule: 'max-pixels', input: () => bmpBytes(60_000, 60_000) },
  { name: 'an image over a custom pixel cap', field: 'image', rule: 'max-pixels', input: () => gifBytes(1000, 1000), options: { maxPixels: 999_999 } },
  { name: 'a JPEG declaring zero width', field: 'image', rule: 'min-width', input: () => jpegBytes(0, 64) },
  { name: 'a GIF declaring zero height', field: 'image', rule: 'min-height', input: () => gifBytes(64, 0) },
  { name: 'bytes over maxBytes', field: 'image', rule: 'max-bytes', input: () => png, options: { maxBytes: png.length - 1 } },
  { name: 'a Blob over maxBytes', field: 'motion.audio', rule: 'max-bytes', input: () => new Blob([wav]), options: { maxBytes: 1000 } },
  { name: 'a data URI over maxBytes', field: 'image', rule: 'max-bytes', input: () => `data:image/png;base64,${Buffer.from(png).toString('base64')}`, options: { maxBytes: 50 } },
  { name: 'a file over the default 200 MB cap (rejected by stat, unread)', field: 'image', rule: 'max-bytes', input: () => inTemp('huge.jpg') },
  // URLs that must never be fetched
  { name: 'a file: URL string', field: 'image', rule: 'url-scheme', input: () => 'file:///etc/passwd' },
  { name: 'a file: URL object', field: 'image', rule: 'url-scheme', input: () => new URL('file:///etc/hosts') },
  { name: 'an ftp: URL', field: 'motion.audio', rule: 'url-scheme', input: () => 'ftp://example.com/voice.mp3' },
  { name: 'a javascript: URL', field: 'image', rule: 'url-scheme', input: () => 'javascript:alert(document.cookie)' },
  { name: 'a blob: URL', field: 'image', rule: 'url-scheme', input: () => 'blob:https://example.com/0a1b2c' },
  { name: 'a loopback URL', field: 'image', rule: 'private-address', input: () => 'http://127.0.0.1:8080/portrait.jpg' },
  { name: 'an IPv6 loopback URL', field: 'image', rule: 'private-address', input: () => 'http://[::1]/portrait.jpg' },
  { name: 'a private network URL', field: 'motion.audio', rule: 'private-address', input: () => 'https://10.0.0.1/voice.wav' },
  { name: 'the cloud metadata URL', field: 'image', rule: 'private-address', input: () => 'http://169.254.169.254/latest/meta-data/iam' },
  { name: 'an IPv4-mapped IPv6 loopback URL', field: 'motion.video', rule: 'private-address', input: () => new URL('http://[::ffff:127.0.0.1]/clip.mp4') },
  { name: 'a 0.0.0.0 URL', field: 'image', rule: 'private-address', input: () => 'http://0.0.0.0:3000/portrait.jpg' },
  { name: 'a carrier-grade NAT URL', field: 'image', rule: 'private-address', input: () => 'http://100.64.0.7/portrait.jpg' },
  { name: 'a unique-local IPv6 URL', field: 'image', rule: 'private-address', input: () => 'http://[fd00::1]/portrait.jpg' },
  { name: 'a localhost URL (resolves to loopback)', field: 'image', rule: 'private-address', input: () => 'http://localhost:1/portrait.jpg' },
  // paths
  { name: 'a path that does not exist', field: 'image', rule: 'not-found', input: () => inTemp('missing.jpg') },
  { name: 'a directory', field: 'image', rule: 'not-found', input: () => inTemp('folder.jpg') },
  // data URIs
  { name: 'a data URI without a comma', field: 'image', rule: 'data-uri', input: () => 'data:image/png;base64' },
  { name: 'a data URI with invalid base64', field: 'image', rule: 'data-uri', input: () => 'data:image/png;base64,@@notbase64@@' },
  { name: 'a data URI with a broken percent escape', field: 'image', rule: 'data-uri', input: () => 'data:image/png,%zz%' },
  // not a MediaInput at all
  { name: 'null', field: 'image', rule: 'input-type', input: () => null as unknown as MediaInput },
  { name: 'undefined', field: 'image', rule: 'input-type', input: () => undefined as unknown as MediaInput },
  { name: 'a number', field: 'motion.audio', rule: 'input-type', input: () => 42 as unknown as MediaInput },
  { name: 'a plain object', field: 'image', rule: 'input-type', input: () => ({ path: './a.jpg' }) as unknown as MediaInput },
  { name: 'an array of bytes', field: 'image', rule: 'input-type', input: () => [0xff, 0xd8, 0xff] as unknown as MediaInput },
  { name: 'an Int16Array', field: 'motion.audio', rule: 'input-type', input: () => new Int16Array(16) as unknown as MediaInput },
  { name: 'an empty string', field: 'image', rule: 'input-type', input: () => '   ' },
]

describe('loadMedia rejects bad input before any network call', () => {
  it('has at least 40 cases', () => {
    expect(badInputs.length).toBeGreaterThanOrEqual(40)
  })

  it.each(badInputs)('$field: $name -> $rule', async ({ field, rule, input, options }) => {
    const error = await expectAnimatorError(loadMedia(input(), { field, expect: role(field), fetch: forbiddenFetch, ...options }))
    expect(error.kind).toBe('invalid_input')
    expect(error.field).toBe(field)
    expect(error.rule).toBe(rule)
    expect(error.retryable).toBe(false)
    // The message names all four in words.
    expect(error.message).toContain(`Invalid ${field}:`)
    expect(error.message).toContain(`Rule: ${rule};`)
    expect(error.message).toMatch(/limit: .+; actual: .+\.$/)
    expect(error.limit).toBeDefined()
    expect(error.actual).toBeDefined()
  })
})

describe('loadMedia messages', () => {
  it('says what was expected and what came, in words', async () => {
    const error = await expectAnimatorError(loadMedia(wav, { field: 'image', expect: 'image' }))
    expect(error.message).toBe('Invalid image: expected an image but got audio (WAV). Rule: format; limit: an image; actual: audio (wav).')
  })

  it('calls an HTML page an HTML page', async () => {
    const error = await expectAnimatorError(loadMedia(inTemp('page.jpg'), { field: 'image', expect: 'image' }))
    expect(error.message).toContain('the content is an HTML page, not an image')
    expect(error.actual).toBe('html')
  })

  it('gives the size and the cap of an oversized file', async () => {
    const error = await expectAnimatorError(loadMedia(inTemp('huge.jpg'), { field: 'image', expect: 'image' }))
    expect(error).toMatchObject({ limit: DEFAULT_MAX_BYTES, actual: DEFAULT_MAX_BYTES + 1 })
    expect(error.message).toContain('over the limit of 200 MB')
  })

  it('is cancelled, not invalid, when the signal fires first', async () => {
    const controller = new AbortController()
    controller.abort()
    const error = await expectAnimatorError(loadMedia(ASTRONAUT_PNG, { field: 'image', expect: 'image', signal: controller.signal }))
    expect(error.kind).toBe('cancelled')
  })
})

describe('loadMedia accepts every way of giving media', () => {
  it('reads the sample portrait from a path', async () => {
    const media = await loadMedia(ASTRONAUT_PNG, { field: 'image', expect: 'image' })
    expect(media).toMatchObject({ format: 'png', mimeType: 'image/png', role: 'image', width: 512, height: 512, source: 'path', fileName: 'astronaut.png' })
    expect(media.bytes.byteLength).toBe(791_555)
    expect(media.url).toBeUndefined()
  })

  it('reads the sample speech from a path', async () => {
    const media = await loadMedia(HELLO_WAV, { field: 'motion.audio', expect: 'audio' })
    expect(media).toMatchObject({ format: 'wav', mimeType: 'audio/wav', role: 'audio', source: 'path', fileName: 'hello.wav' })
    expect(media.durationSeconds).toBeCloseTo(4.81, 2)
  })

  it('trusts the bytes, not the name, and corrects the extension', async () => {
    const media = await loadMedia(inTemp('portrait.png'), { field: 'image', expect: 'image' })
    expect(media).toMatchObject({ format: 'jpeg', mimeType: 'image/jpeg', width: 48, height: 64, fileName: 'portrait.jpg' })
  })

  it('makes a safe file name from an awkward one', async () => {
    expect((await loadMedia(inTemp('Café portrait (final).webp'), { field: 'image', expect: 'image' })).fileName).toBe('Cafe-portrait-final.png')
    expect((await loadMedia(inTemp('no-extension'), { field: 'image', expect: 'image' })).fileName).toBe('no-extension.gif')
  })

  it('reads a Buffer, a Uint8Array view and an ArrayBuffer', async () => {
    const jpeg = await sharp({ create: { width: 20, height: 10, channels: 3, background: '#123456' } }).jpeg().toBuffer()
    const fromBuffer = await loadMedia(jpeg, { field: 'image', expect: 'image' })
    expect(fromBuffer).toMatchObject({ format: 'jpeg', width: 20, height: 10, source: 'bytes', fileName: 'image.jpg' })
    const padded = bytesOf(new Uint8Array(7), jpeg)
    expect(await loadMedia(padded.subarray(7), { field: 'image', expect: 'image' })).toMatchObject({ format: 'jpeg', width: 20 })
    const arrayBuffer = jpeg.buffer.slice(jpeg.byteOffset, jpeg.byteOffset + jpeg.byteLength)
    expect(await loadMedia(arrayBuffer as ArrayBuffer, { field: 'image', expect: 'image' })).toMatchObject({ format: 'jpeg', height: 10, source: 'bytes' })
  })

  it('reads a Blob, and a File keeps its name with the right extension', async () => {
    expect(await loadMedia(new Blob([await encodedImage('gif', 3, 2)]), { field: 'image', expect: 'image' })).toMatchObject({ format: 'gif', source: 'blob', fileName: 'image.gif' })
    const file = new File([pngBytes(9, 9)], 'selfie.heic', { type: 'image/heic' })
    expect(await loadMedia(file, { field: 'image', expect: 'image' })).toMatchObject({ format: 'png', source: 'blob', fileName: 'selfie.png' })
  })

  it('reads base64 and percent-encoded data URIs, ignoring the declared type', async () => {
    const base64 = `data:image/jpeg;base64,${Buffer.from(pngBytes(7, 5)).toString('base64')}`
    expect(await loadMedia(base64, { field: 'image', expect: 'image' })).toMatchObject({ format: 'png', width: 7, height: 5, source: 'data-uri', fileName: 'image.png' })
    const percent = `data:,${Array.from(await encodedImage('gif', 4, 3), (byte) => `%${byte.toString(16).padStart(2, '0')}`).join('')}`
    expect(await loadMedia(percent, { field: 'image', expect: 'image' })).toMatchObject({ format: 'gif', width: 4, height: 3 })
    expect(await loadMedia(new URL(base64), { field: 'image', expect: 'image' })).toMatchObject({ format: 'png', source: 'data-uri' })
  })

  const formats: ReadonlyArray<readonly [string, Uint8Array, MediaRole, string, string]> = [
    ['BMP', bmpBytes(5, 5), 'image', 'image/bmp', 'image.bmp'],
    ['WebP', webp5x5, 'image', 'image/webp', 'image.webp'],
    ['MP3 (Xing)', mp3VbrBytes(40), 'audio', 'audio/mpeg', 'audio.mp3'],
    ['MP3 (CBR, ID3)', mp3CbrBytes(8, { id3v2: true }), 'audio', 'audio/mpeg', 'audio.mp3'],
    ['AAC', adtsBytes(20), 'audio', 'audio/aac', 'audio.aac'],
    ['M4A', mp4Bytes({ brand: 'M4A ', seconds: 3, audioOnly: true }), 'audio', 'audio/mp4', 'audio.m4a'],
    ['FLAC', flacBytes(44_100, 44_100), 'audio', 'audio/flac', 'audio.flac'],
    ['Ogg', oggBytes('opus', 1), 'audio', 'audio/ogg', 'audio.ogg'],
    ['MP4', mp4Bytes({ seconds: 3 }), 'video', 'video/mp4', 'video.mp4'],
    ['MOV', mp4Bytes({ brand: 'qt  ', seconds: 3 }), 'video', 'video/quicktime', 'video.mov'],
    ['WebM', webmBytes({ seconds: 3, width: 64, height: 48 }), 'video', 'video/webm', 'video.webm'],
  ]

  it.each(formats)('loads %s bytes', async (_name, bytes, expectedRole, mimeType, fileName) => {
    const media = await loadMedia(bytes, { field: 'input', expect: expectedRole })
    expect(media).toMatchObject({ role: expectedRole, mimeType, fileName })
    if (expectedRole !== 'image') expect(media.durationSeconds).toBeGreaterThan(0)
  })
})
