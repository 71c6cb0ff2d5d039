import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import type { CliIo } from './cli-io.js'
import { reportFailure } from './error-report.js'
import { closest } from './suggest.js'

function io(): CliIo & { text: () => string } {
  const stderr = new PassThrough()
  let text = ''
  stderr.on('data', (chunk: Buffer) => (text += chunk.toString()))
  return { stdout: new PassThrough(), stderr, env: {}, cwd: '/', interrupt: new AbortController().signal, text: () => text }
}

describe('reportFailure', () => {
  const context = { command: 'animate', help: '--preset NAME', json: false }

  it('an unexpected error is one line with a hint, and its stack only with --debug', () => {
    const quiet = io()
    expect(reportFailure(new Error('boom'), quiet, { ...context, debug: false })).toBe(1)
    expect(quiet.text()).toBe('Unexpected error: boom (run again with --debug to see where).\n')
    const debug = io()
    reportFailure(new Error('boom'), debug, { ...context, debug: true })
    expect(debug.text()).toMatch(/^Unexpected error: Error: boom\n\s+at /)
  })
})

describe('closest', () => {
  it('suggests only a near candidate', () => {
    expect(closest('--presett', ['--preset', '--framing'])).toBe('--preset')
    expect(closest('xyz', ['animate', 'compare'])).toBeUndefined()
  })
})
