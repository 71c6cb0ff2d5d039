import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { expectAnimatorError } from '../testing/index.js'
import { assertImageDecodes } from './decode-image.js'
import { ASTRONAUT_PNG, bmpBytes, bytesOf, cutJpegScan, encodedImage, pngBytes } from './test-fixtures.test-helpers.js'

const options = { field: 'image', maxPixels: 4096 * 4096 }

describe('assertImageDecodes', () => {
  it('accepts whole images of every decodable format, and the sample portrait', async () => {
    await assertImageDecodes(new Uint8Array(await readFile(ASTRONAUT_PNG)), 'png', options)
    for (const format of ['jpeg', 'png', 'webp', 'gif'] as const) await assertImageDecodes(await encodedImage(format, 96, 64), format, options)
    await assertImageDecodes(pngBytes(300, 200), 'png', options)
  })

  it('accepts a JPEG whose only fault is a harmless warning (extraneous bytes before the end marker, common in camera files)', async () => {
    const jpeg = await encodedImage('jpeg', 64, 64)
    const withExtraBytes = bytesOf(jpeg.subarray(0, jpeg.length - 2), [1, 2, 3], [0xff, 0xd9])
    await assertImageDecodes(withExtraBytes, 'jpeg', options)
  })

  it.each([
    ['a PNG whose rows stop early', () => pngBytes(256, 256, { rows: 40 }), 'png'],
    ['a PNG whose zlib stream is cut', () => pngBytes(256, 256, { endStream: false }), 'png'],
  ] as const)('refuses %s as corrupt, naming the decoder', async (_name, bytes, format) => {
    const error = await expectAnimatorError(assertImageDecodes(bytes(), format, options))
    expect(error).toMatchObject({ kind: 'invalid_input', field: 'image', rule: 'corrupt' })
    expect(error.message).toContain('does not decode completely')
    expect(String(error.actual)).not.toBe('')
  })

  it('refuses a JPEG whose scan is cut short with an end marker appended', async () => {
    const error = await expectAnimatorError(assertImageDecodes(cutJpegScan(await encodedImage('jpeg', 256, 256), 0.4), 'jpeg', options))
    expect(error).toMatchObject({ rule: 'corrupt', actual: expect.stringMatching(/premature end/i) })
  })

  it('leaves BMP to the header probe (no decoder for it in sharp)', async () => {
    await assertImageDecodes(bmpBytes(8, 8), 'bmp', options)
  })
})
