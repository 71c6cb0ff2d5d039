import { describe, expect, it } from 'vitest'
import type { AnimationRequest } from '../spec/index.js'
import { jobCalls } from './job-calls.js'

describe('jobCalls', () => {
  it('refuses a malformed request or call option with invalid_input before any driver (and so any call) exists', async () => {
    let drivers = 0
    const calls = jobCalls({ provider: 'test', modelId: 'model' }, () => {
      drivers++
      throw new Error('the driver must not be built')
    })
    await expect(calls.animate({ image: 'x.png' } as unknown as AnimationRequest)).rejects.toMatchObject({ kind: 'invalid_input', field: 'motion', provider: 'test', modelId: 'model' })
    await expect(calls.start({ image: 'x.png', motion: { type: 'preset', preset: 'live-photo' } }, { timeoutMs: -1 })).rejects.toMatchObject({ kind: 'invalid_input', field: 'timeoutMs' })
    expect(drivers).toBe(0)
  })
})
