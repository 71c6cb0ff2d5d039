import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, open, readdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PortraitAnimatorError } from '../errors/index.js'
import { expectAnimatorError } from '../testing/index.js'
import { mountTinyDisk, type TinyDisk } from '../testing/tiny-disk.js'
import { writeFileAtomic, type WritableFile } from './write-file-atomic.js'

async function failsWith(promise: Promise<unknown>, shape: Partial<PortraitAnimatorError>): Promise<PortraitAnimatorError> {
  const error = await expectAnimatorError(promise)
  expect(error).toMatchObject(shape)
  return error
}

const folder = () => mkdtemp(join(tmpdir(), 'pa-write-'))
const payload = (size: number) => Buffer.from(Uint8Array.from({ length: size }, (_, index) => index % 251))

let disk: TinyDisk | undefined
beforeAll(async () => {
  disk = await mountTinyDisk('64k')
})
afterAll(async () => {
  await disk?.unmount()
})

describe('writeFileAtomic when the disk refuses', () => {
  it.skipIf(!process.getuid || process.getuid() !== 0)('on a real 64 KiB tmpfs, a 100 000-byte output is output_failed (ENOSPC), not a truncated file renamed into place', async () => {
    if (!disk) throw new Error('could not mount a tmpfs although running as root')
    const target = join(disk.path, 'live.mp4')
    // One chunk: the kernel writes 65 536 bytes and returns that count (a short write), no error.
    const error = await failsWith(writeFileAtomic(target, payload(100_000)), { kind: 'output_failed', providerCode: 'ENOSPC' })
    expect(error.message).toBe(`Could not write ${target}: the disk is full (ENOSPC).`)
    expect(existsSync(target)).toBe(false)
    expect(await readdir(disk.path)).toEqual([])
  })

  it('continues short writes until every byte is on disk', async () => {
    const dir = await folder()
    const openShort = async (path: string): Promise<WritableFile> => {
      const handle = await open(path, 'wx')
      // At most 8 192 bytes per call, as a nearly full or slow device may do.
      const write = ((buffer: Uint8Array, offset = 0, length = buffer.byteLength - offset) =>
        handle.write(buffer, offset, Math.min(length, 8192))) as WritableFile['write']
      return { write, sync: () => handle.sync(), stat: (() => handle.stat()) as WritableFile['stat'], close: () => handle.close() }
    }
    const saved = await writeFileAtomic(join(dir, 'live.mp4'), payload(40_000), { openFile: openShort })
    expect(saved.bytes).toBe(40_000)
    expect(await readFile(join(dir, 'live.mp4'))).toEqual(payload(40_000))
  })

  it('refuses to rename a file whose size on disk is not the count written', async () => {
    const dir = await folder()
    const openLying = async (path: string): Promise<WritableFile> => {
      const handle = await open(path, 'wx')
      // Claims the whole chunk but writes only 8 192 bytes: what today's code trusted.
      const write = (async (buffer: Uint8Array, offset = 0, length = buffer.byteLength - offset) => {
        await handle.write(buffer, offset, Math.min(length, 8192))
        return { bytesWritten: length, buffer }
      }) as WritableFile['write']
      return { write, sync: () => handle.sync(), stat: (() => handle.stat()) as WritableFile['stat'], close: () => handle.close() }
    }
    const error = await failsWith(writeFileAtomic(join(dir, 'live.mp4'), payload(40_000), { openFile: openLying }), { kind: 'output_failed', rule: 'file-size' })
    expect(error.message).toContain('40000 bytes were written but the file holds 8192')
    expect(await readdir(dir)).toEqual([])
  })

  it.each([
    ['ENOSPC', 'the disk is full'],
    ['EDQUOT', 'the disk quota is used up'],
    ['EROFS', 'the location is read-only'],
    ['EACCES', 'permission denied'],
  ])('a write that fails with %s is output_failed saying "%s", and leaves nothing behind', async (code, reason) => {
    const dir = await folder()
    const openFailing = async (path: string): Promise<WritableFile> => {
      const handle = await open(path, 'wx')
      const write = (async () => {
        throw Object.assign(new Error(`${code}: simulated`), { code })
      }) as unknown as WritableFile['write']
      return { write, sync: () => handle.sync(), stat: (() => handle.stat()) as WritableFile['stat'], close: () => handle.close() }
    }
    const target = join(dir, 'live.mp4')
    const error = await failsWith(writeFileAtomic(target, payload(10), { openFile: openFailing }), { kind: 'output_failed', providerCode: code, retryable: false })
    expect(error.message).toBe(`Could not write ${target}: ${reason} (${code}).`)
    expect(await readdir(dir)).toEqual([])
  })

  it('a folder at the target, or a file in the way of its folder, is output_failed (EISDIR, ENOTDIR/EEXIST)', async () => {
    const dir = await folder()
    await mkdir(join(dir, 'taken.mp4'))
    await failsWith(writeFileAtomic(join(dir, 'taken.mp4'), payload(10)), { kind: 'output_failed', providerCode: 'EISDIR' })
    await writeFile(join(dir, 'file'), 'x')
    const error = await failsWith(writeFileAtomic(join(dir, 'file', 'out.mp4'), payload(10)), { kind: 'output_failed' })
    expect(['ENOTDIR', 'EEXIST']).toContain(error.providerCode)
  })

  it('a verify step that throws leaves the previous file in place', async () => {
    const dir = await folder()
    const target = join(dir, 'live.mp4')
    await writeFile(target, 'old')
    await expect(writeFileAtomic(target, payload(100), { verify: async () => Promise.reject(new Error('broken')) })).rejects.toThrow('broken')
    expect(await readFile(target, 'utf8')).toBe('old')
    expect(await readdir(dir)).toEqual(['live.mp4'])
  })
})
