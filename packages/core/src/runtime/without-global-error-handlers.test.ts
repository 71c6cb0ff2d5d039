import { describe, expect, it } from 'vitest'
import { withoutGlobalErrorHandlers } from './without-global-error-handlers.js'

describe('withoutGlobalErrorHandlers', () => {
  it('removes the listeners a loaded module installs and keeps the host\'s own', async () => {
    const own = () => undefined
    process.on('unhandledRejection', own)
    const intrusive = (error: unknown) => {
      throw error
    }
    const value = await withoutGlobalErrorHandlers(() => {
      process.on('uncaughtException', intrusive)
      process.on('unhandledRejection', intrusive)
      return 42
    })
    expect(value).toBe(42)
    expect(process.listeners('uncaughtException')).not.toContain(intrusive)
    expect(process.listeners('unhandledRejection')).not.toContain(intrusive)
    expect(process.listeners('unhandledRejection')).toContain(own)
    process.removeListener('unhandledRejection', own)
  })

  it('loads h264-mp4-encoder without leaving its rethrowing listeners behind', async () => {
    const { createRequire } = await import('node:module')
    const require = createRequire(import.meta.url)
    const before = process.listenerCount('uncaughtException')
    const module = await withoutGlobalErrorHandlers(() => require('h264-mp4-encoder') as { createH264MP4Encoder: unknown })
    expect(typeof module.createH264MP4Encoder).toBe('function')
    expect(process.listenerCount('uncaughtException')).toBe(before)
  })
})
