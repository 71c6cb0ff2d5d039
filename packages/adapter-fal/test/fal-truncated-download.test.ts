import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { checkOutputIntegrity, readMp4Summary } from '@portrait-animator/core'
import { expectAnimatorError } from '@portrait-animator/core/testing'
import { startEmulator, type Emulator } from '@portrait-animator/emulator'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createFal } from '../src/index.js'

const KEY = 'truncate-key-id:truncate-key-secret'
const ASTRONAUT = fileURLToPath(new URL('../../../examples/assets/astronaut.png', import.meta.url))
const livePhoto = { image: ASTRONAUT, motion: { type: 'preset', preset: 'live-photo' } } as const

let emulator: Emulator
beforeAll(async () => {
  emulator = await startEmulator({ seed: 31, jobDurationMs: 100, keys: { fal: [KEY] } })
})
afterAll(async () => {
  await emulator.stop()
})
afterEach(() => {
  emulator.setFaults([])
})

const fal = () => createFal({ apiKey: KEY, baseUrl: emulator.baseUrl, allowPrivateNetwork: true })

describe('fal outputs cut short on the way down (the emulator truncate fault: a matching Content-Length)', () => {
  it('a download cut once is downloaded again: the saved video is whole and plays', async () => {
    const result = await fal().livePortrait().animate(livePhoto)
    emulator.setFaults([{ route: 'fal.download', truncate: 0.6, times: 1 }])
    const folder = await mkdtemp(join(tmpdir(), 'fal-truncate-'))
    const saved = await result.output.save(join(folder, 'live.mp4'))
    const bytes = await readFile(saved.path)
    expect(saved.bytes).toBe(result.providerMetadata.fal?.outputBytes)
    expect(await checkOutputIntegrity(bytes, { format: 'mp4' })).toBeUndefined()
    expect(readMp4Summary(bytes).frameCount).toBeGreaterThan(0)
  })

  it('a download that stays cut is a provider_error, never a saved file or bytes', async () => {
    const result = await fal().livePortrait().animate(livePhoto)
    emulator.setFaults([{ route: 'fal.download', truncate: 0.95 }])
    const folder = await mkdtemp(join(tmpdir(), 'fal-truncate-'))
    const error = await expectAnimatorError(result.output.save(join(folder, 'live.mp4')))
    expect(error).toMatchObject({ kind: 'provider_error', rule: 'output-integrity', provider: 'fal', accepted: true })
    expect(error.message).toMatch(/^The output from fal is broken \(downloaded 3 times\): it has \d+ bytes where the provider reported \d+\.$/)
    expect(existsSync(join(folder, 'live.mp4'))).toBe(false)
    expect(await readdir(folder)).toEqual([])
    await expectAnimatorError(result.output.bytes())
  })

  it('an image output cut short is caught too (live-portrait/image, JPEG)', async () => {
    const result = await fal().livePortraitImage().animate({ image: ASTRONAUT, motion: { type: 'expression', smile: 0.5 } })
    emulator.setFaults([{ route: 'fal.download', truncate: 0.5 }])
    const error = await expectAnimatorError(result.output.bytes())
    expect(error).toMatchObject({ kind: 'provider_error', rule: 'output-integrity' })
  })
})
