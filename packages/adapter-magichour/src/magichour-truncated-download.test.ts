import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { checkOutputIntegrity, readMp4Summary } from '@portrait-animator/core'
import { expectAnimatorError } from '@portrait-animator/core/testing'
import { startEmulator, type Emulator } from '@portrait-animator/emulator'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createMagicHour } from './magichour-provider.js'

const PORTRAIT = new URL('../../../examples/assets/astronaut.png', import.meta.url).pathname
const livePhoto = { image: PORTRAIT, motion: { type: 'preset', preset: 'live-photo' } } as const

let emulator: Emulator
beforeAll(async () => {
  emulator = await startEmulator({ seed: 32, jobDurationMs: 100 })
})
afterAll(async () => {
  await emulator.stop()
})
afterEach(() => {
  emulator.setFaults([])
})

const magicHour = () => createMagicHour({ apiKey: 'mh_truncate_key', baseUrl: emulator.baseUrl, pollIntervalMs: 25 })

describe('Magic Hour outputs cut short on the way down (the emulator truncate fault: a matching Content-Length)', () => {
  it('a download cut once is downloaded again: the saved video is whole and plays', async () => {
    const result = await magicHour().imageToVideo().animate(livePhoto)
    emulator.setFaults([{ route: 'magichour.download', truncate: 0.7, times: 1 }])
    const folder = await mkdtemp(join(tmpdir(), 'mh-truncate-'))
    const saved = await result.output.save(join(folder, 'live.mp4'))
    const bytes = await readFile(saved.path)
    expect(await checkOutputIntegrity(bytes, { format: 'mp4' })).toBeUndefined()
    expect(readMp4Summary(bytes).frameCount).toBeGreaterThan(0)
  })

  it('a download that stays cut is a provider_error naming the project, never a saved file or bytes', async () => {
    const result = await magicHour().imageToVideo().animate(livePhoto)
    emulator.setFaults([{ route: 'magichour.download', truncate: 0.9 }])
    const folder = await mkdtemp(join(tmpdir(), 'mh-truncate-'))
    const error = await expectAnimatorError(result.output.save(join(folder, 'live.mp4')))
    expect(error).toMatchObject({ kind: 'provider_error', rule: 'output-integrity', provider: 'magichour', accepted: true })
    expect(error.requestId).toBeTruthy()
    expect(error.message).toMatch(/^The output from magichour is broken \(downloaded 3 times\): (the file is cut short|it has no moov)/)
    expect(existsSync(join(folder, 'live.mp4'))).toBe(false)
    expect(await readdir(folder)).toEqual([])
    await expectAnimatorError(result.output.bytes())
  })
})
