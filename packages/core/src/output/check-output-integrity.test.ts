import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { TINY_JPEG, TINY_MP4, TINY_PNG } from '../testing/index.js'
import { checkOutputIntegrity } from './check-output-integrity.js'
import { encodeImage, encodeMp4, moovFirstOpenEndedMp4 } from './output-fixtures.test-helpers.js'

describe('checkOutputIntegrity', () => {
  it('passes whole MP4s, JPEGs, PNGs and WebPs, from bytes and from a file', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'pa-check-'))
    const mp4 = await encodeMp4()
    expect(await checkOutputIntegrity(mp4, { format: 'mp4', expectedBytes: mp4.length })).toBeUndefined()
    expect(await checkOutputIntegrity(moovFirstOpenEndedMp4(mp4), { format: 'mp4' })).toBeUndefined()
    await writeFile(join(folder, 'a.mp4'), mp4)
    expect(await checkOutputIntegrity(join(folder, 'a.mp4'), { format: 'mp4' })).toBeUndefined()
    for (const format of ['jpeg', 'png', 'webp'] as const) {
      const image = await encodeImage(format)
      expect(await checkOutputIntegrity(image, { format })).toBeUndefined()
      await writeFile(join(folder, `a.${format}`), image)
      expect(await checkOutputIntegrity(join(folder, `a.${format}`), { format })).toBeUndefined()
    }
  })

  it('passes the tiny outputs @portrait-animator/core/testing gives fakes to serve', async () => {
    expect(await checkOutputIntegrity(TINY_MP4, { format: 'mp4' })).toBeUndefined()
    expect(await checkOutputIntegrity(TINY_JPEG, { format: 'jpeg' })).toBeUndefined()
    expect(await checkOutputIntegrity(TINY_PNG, { format: 'png' })).toBeUndefined()
  })

  it.each([0.1, 0.5, 0.8, 0.95, 0.999])('catches an MP4 cut at %s of its length', async (fraction) => {
    const mp4 = await encodeMp4()
    expect(await checkOutputIntegrity(mp4.subarray(0, Math.floor(mp4.length * fraction)), { format: 'mp4' })).toMatch(/cut short|no moov/)
  })

  it('catches a cut mdat whose box says "to the end of the file", from the sample tables', async () => {
    const whole = moovFirstOpenEndedMp4(await encodeMp4())
    const cut = whole.subarray(0, whole.length - 200)
    expect(await checkOutputIntegrity(cut, { format: 'mp4' })).toMatch(/cut short: frame data up to byte \d+ is missing/)
  })

  it('catches an MP4 without moov or without frames, and bytes that are not an MP4', async () => {
    const mp4 = await encodeMp4()
    const moovAt = mp4.indexOf('moov') - 4
    expect(await checkOutputIntegrity(mp4.subarray(0, moovAt), { format: 'mp4' })).toBe('it has no moov box (the index of its frames)')
    expect(await checkOutputIntegrity(await encodeImage('jpeg'), { format: 'mp4' })).toMatch(/not an MP4/)
    expect(await checkOutputIntegrity(new Uint8Array(0), { format: 'mp4' })).toBe('it is empty')
  })

  it('catches a size different from the one the provider reported', async () => {
    const mp4 = await encodeMp4()
    expect(await checkOutputIntegrity(mp4, { format: 'mp4', expectedBytes: mp4.length + 1 })).toBe(`it has ${mp4.length} bytes where the provider reported ${mp4.length + 1}`)
  })

  it.each(['jpeg', 'png', 'webp'] as const)('catches a %s cut short anywhere, or of another format', async (format) => {
    const image = await encodeImage(format)
    for (const fraction of [0.3, 0.7, 0.99]) {
      expect(await checkOutputIntegrity(image.subarray(0, Math.floor(image.length * fraction)), { format })).toMatch(/cut short|does not decode/)
    }
    const other = format === 'png' ? 'jpeg' : 'png'
    expect(await checkOutputIntegrity(await encodeImage(other), { format })).toBeDefined()
  })

  it('catches a JPEG whose scan is cut short with an end marker appended', async () => {
    const image = await encodeImage('jpeg', 256, 256)
    const cut = Buffer.concat([image.subarray(0, Math.floor(image.length / 2)), Buffer.from([0xff, 0xd9])])
    expect(await checkOutputIntegrity(cut, { format: 'jpeg' })).toMatch(/does not decode/)
  })
})
