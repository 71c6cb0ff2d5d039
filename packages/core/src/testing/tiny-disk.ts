import { execFileSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A mounted tmpfs of a few KiB: a real disk that fills up, for tests of disk-full and read-only handling. */
export interface TinyDisk {
  readonly path: string
  unmount(): Promise<void>
}

/**
 * Mounts a tmpfs of `size` (e.g. `64k`), read-only with `readOnly`, or resolves `undefined` where
 * mounting is not allowed (not root, or no mount namespace rights): the tests that need one skip.
 */
export async function mountTinyDisk(size: string, options: { readOnly?: boolean } = {}): Promise<TinyDisk | undefined> {
  const path = await mkdtemp(join(tmpdir(), 'pa-tiny-disk-'))
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}${options.readOnly ? ',ro' : ''}`, 'tmpfs', path], { stdio: 'ignore' })
  } catch {
    await rm(path, { recursive: true, force: true })
    return undefined
  }
  return {
    path,
    async unmount() {
      execFileSync('umount', [path], { stdio: 'ignore' })
      await rm(path, { recursive: true, force: true })
    },
  }
}
