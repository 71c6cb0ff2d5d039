import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { writeFileAtomic } from './write-file-atomic.js'

const folder = () => mkdtemp(join(tmpdir(), 'pa-out-'))

describe('writeFileAtomic', () => {
  it('creates folders and writes every chunk', async () => {
    const dir = await folder()
    async function* parts() {
      yield Buffer.from('ab')
      yield Buffer.from('cd')
    }
    const saved = await writeFileAtomic(join(dir, 'a', 'b.txt'), parts())
    expect(saved.bytes).toBe(4)
    expect(await readFile(join(dir, 'a', 'b.txt'), 'utf8')).toBe('abcd')
  })

  it('keeps the previous file intact and leaves no temporary file when the source fails', async () => {
    const dir = await folder()
    const target = join(dir, 'video.mp4')
    await writeFile(target, 'old')
    async function* failing() {
      yield Buffer.from('new-part')
      throw new Error('connection lost')
    }
    await expect(writeFileAtomic(target, failing())).rejects.toThrow('connection lost')
    expect(await readFile(target, 'utf8')).toBe('old')
    expect(await readdir(dir)).toEqual(['video.mp4'])
  })

  it('stops on abort without creating the target', async () => {
    const dir = await folder()
    const controller = new AbortController()
    async function* slow() {
      yield Buffer.from('x')
      controller.abort()
      yield Buffer.from('y')
    }
    await expect(writeFileAtomic(join(dir, 'x.bin'), slow(), { signal: controller.signal })).rejects.toThrow()
    expect(existsSync(join(dir, 'x.bin'))).toBe(false)
    expect(await readdir(dir)).toEqual([])
  })
})
