import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { expectAnimatorError } from '../testing/index.js'
import { checkOutputPath } from './check-output-path.js'

const folder = () => mkdtemp(join(tmpdir(), 'pa-check-path-'))

describe('checkOutputPath', () => {
  it('accepts a new file, creates its missing folders, leaves no probe behind, and reads the format from the extension', async () => {
    const dir = await folder()
    const checked = await checkOutputPath(join(dir, 'a', 'b', 'me.JPG'))
    expect(checked).toMatchObject({ path: join(dir, 'a', 'b', 'me.JPG'), format: 'jpeg' })
    expect(checked.freeBytes).toBeGreaterThan(0)
    expect(await readdir(join(dir, 'a', 'b'))).toEqual([])
    expect((await checkOutputPath(join(dir, 'clip'))).format).toBeUndefined()
  })

  it('refuses with invalid_input on field "output", naming the rule', async () => {
    const dir = await folder()
    await mkdir(join(dir, 'folder.mp4'))
    await writeFile(join(dir, 'in.png'), 'x')
    await writeFile(join(dir, 'file'), 'x')
    const cases: Array<[() => Promise<unknown>, string]> = [
      [() => checkOutputPath(join(dir, 'folder.mp4')), 'is-directory'],
      [() => checkOutputPath(join(dir, 'in.png'), { inputs: [join(dir, 'in.png')] }), 'is-input'],
      [() => checkOutputPath(join(dir, 'out.mp4'), { format: 'webp' }), 'extension'],
      [() => checkOutputPath(join(dir, 'out.mov')), 'extension'],
      [() => checkOutputPath(join(dir, 'file', 'out.mp4')), 'not-a-directory'],
      [() => checkOutputPath(join(dir, 'file'), { kind: 'directory' }), 'not-a-directory'],
      [() => checkOutputPath(join(dir, 'out.mp4'), { minFreeBytes: Number.MAX_SAFE_INTEGER }), 'free-space'],
    ]
    for (const [check, rule] of cases) {
      const error = await expectAnimatorError(check())
      expect(error).toMatchObject({ kind: 'invalid_input', field: 'output', rule })
      expect(error.message).toMatch(/^Cannot save the output to .+: .+\.$/)
    }
    expect(existsSync(join(dir, 'out.mp4'))).toBe(false)
  })
})
