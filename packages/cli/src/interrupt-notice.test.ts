import { describe, expect, it } from 'vitest'
import { interruptNotice } from './interrupt-notice.js'

describe('interruptNotice: what the first Ctrl-C says', () => {
  it('says a batch keeps its jobs queued instead of cancelling them, whatever global flags come first', () => {
    for (const args of [['batch', 'photos/', '--out', 'out'], ['--quiet', 'batch', 'photos/']]) {
      expect(interruptNotice(args)).toContain('stay queued')
      expect(interruptNotice(args)).not.toContain('cancelling')
    }
  })

  it('says animate cancels its remote jobs, and worker and serve finish what is running', () => {
    expect(interruptNotice(['animate', 'me.png'])).toContain('cancelling remote jobs')
    expect(interruptNotice(['worker', '--redis', 'redis://x'])).toContain("finishing this worker's running jobs")
    expect(interruptNotice(['serve', '--api-key', 'k'])).toContain('in flight are finished')
  })
})
