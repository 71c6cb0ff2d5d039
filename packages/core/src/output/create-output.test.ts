import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { expectAnimatorError } from '../testing/index.js'
import { createBytesOutput, createRemoteOutput, DOWNLOAD_RETRIES } from './create-output.js'
import { encodeImage, encodeMp4 } from './output-fixtures.test-helpers.js'

const folder = () => mkdtemp(join(tmpdir(), 'pa-out-'))

/** A remote output whose n-th download serves `downloads[n]` (the last one from then on), in two chunks. */
function remote(format: 'mp4' | 'png', downloads: readonly Uint8Array[], extra: { expectedBytes?: number } = {}) {
  let opened = 0
  const output = createRemoteOutput({
    kind: format === 'mp4' ? 'video' : 'image',
    format,
    url: `https://cdn.example.test/x.${format}`,
    provider: 'fal',
    requestId: 'req-1',
    ...extra,
    open: async () => {
      const bytes = downloads[Math.min(opened, downloads.length - 1)]!
      opened++
      return (async function* () {
        yield bytes.subarray(0, 100)
        yield bytes.subarray(100)
      })()
    },
  })
  return { output, opened: () => opened }
}

describe('outputs', () => {
  it('a bytes output reports its MIME type and saves its bytes', async () => {
    const mp4 = await encodeMp4()
    const output = createBytesOutput({ kind: 'video', format: 'mp4', bytes: mp4, width: 32, height: 32 })
    expect(output).toMatchObject({ kind: 'video', mimeType: 'video/mp4', width: 32 })
    const dir = await folder()
    await output.save(join(dir, 'o.mp4'))
    expect(await readFile(join(dir, 'o.mp4'))).toEqual(mp4)
  })

  it('a remote output downloads only when asked, and caches bytes()', async () => {
    const png = await encodeImage('png')
    const { output, opened } = remote('png', [png])
    expect(opened()).toBe(0)
    expect(Buffer.from(await output.bytes())).toEqual(png)
    await output.bytes()
    expect(opened()).toBe(1)
  })

  it('a broken bytes output (an MP4 cut short) is a provider_error on bytes() and save(), and writes nothing', async () => {
    const mp4 = await encodeMp4()
    const output = createBytesOutput({ kind: 'video', format: 'mp4', bytes: mp4.subarray(0, mp4.length - 300), provider: 'ailab' })
    const error = await expectAnimatorError(output.bytes())
    expect(error).toMatchObject({ kind: 'provider_error', rule: 'output-integrity', provider: 'ailab', accepted: true })
    expect(error.message).toMatch(/^The output from ailab is broken: the file is cut short/)
    const dir = await folder()
    await expectAnimatorError(output.save(join(dir, 'o.mp4')))
    expect(await readdir(dir)).toEqual([])
  })

  it('a download cut short is downloaded again, and the whole file is saved', async () => {
    const mp4 = await encodeMp4()
    const { output, opened } = remote('mp4', [mp4.subarray(0, mp4.length / 2), mp4])
    const dir = await folder()
    const saved = await output.save(join(dir, 'live.mp4'))
    expect(saved.bytes).toBe(mp4.length)
    expect(await readFile(join(dir, 'live.mp4'))).toEqual(mp4)
    expect(opened()).toBe(2)
  })

  it(`a download that stays cut short is tried ${DOWNLOAD_RETRIES + 1} times, then a provider_error; nothing is saved`, async () => {
    const mp4 = await encodeMp4()
    const { output, opened } = remote('mp4', [mp4.subarray(0, Math.floor(mp4.length * 0.9))])
    const dir = await folder()
    const error = await expectAnimatorError(output.save(join(dir, 'live.mp4')))
    expect(error).toMatchObject({ kind: 'provider_error', rule: 'output-integrity', provider: 'fal', requestId: 'req-1', accepted: true })
    expect(error.message).toMatch(/^The output from fal is broken \(downloaded 3 times\): the file is cut short/)
    expect(opened()).toBe(DOWNLOAD_RETRIES + 1)
    expect(existsSync(join(dir, 'live.mp4'))).toBe(false)
    expect(await readdir(dir)).toEqual([])
    await expectAnimatorError(output.bytes())
    expect(opened()).toBe(2 * (DOWNLOAD_RETRIES + 1))
  })

  it('a download of another size than the provider reported is broken, even when its container parses', async () => {
    const mp4 = await encodeMp4()
    const { output } = remote('mp4', [mp4], { expectedBytes: mp4.length + 10 })
    const error = await expectAnimatorError(output.bytes())
    expect(error.message).toContain(`it has ${mp4.length} bytes where the provider reported ${mp4.length + 10}`)
  })
})
