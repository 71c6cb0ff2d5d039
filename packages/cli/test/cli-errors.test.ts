import { createServer, type Server } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, SAMPLE, type CliRun } from './run-cli.test-helpers.js'

let busy: Server
let port = 0

beforeAll(async () => {
  busy = createServer()
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve))
  port = (busy.address() as { port: number }).port
})
afterAll(() => new Promise<void>((resolve) => busy.close(() => resolve())))

/** Exit 2 with one sentence on stderr, no stack, no "Unexpected error". */
function oneSentence(run: CliRun): string {
  expect(run.code, run.stderr).toBe(2)
  expect(run.stderr.trim().split('\n')).toHaveLength(1)
  expect(run.stderr).not.toMatch(/\n\s+at |Unexpected error/)
  return run.stderr.trim()
}

describe('expected errors are one sentence and exit 2 (child process)', () => {
  it('an unknown command suggests the closest one', async () => {
    expect(oneSentence(await runCli(['animat']))).toBe('Unknown command "animat"; did you mean "animate"?')
    expect(oneSentence(await runCli(['provders']))).toBe('Unknown command "provders"; did you mean "providers"?')
    expect(oneSentence(await runCli(['frobnicate']))).toBe('Unknown command "frobnicate"; run "portrait-animator --help" for the list.')
  })

  it('an unknown option suggests the closest option of that command (serve and emulator too)', async () => {
    expect(oneSentence(await runCli(['animate', SAMPLE, '--presett', 'nod']))).toBe('Unknown option --presett for animate; did you mean --preset?')
    expect(oneSentence(await runCli(['serve', '--prot', '8080']))).toBe('Unknown option --prot for serve; did you mean --port?')
    expect(oneSentence(await runCli(['emulator', '--seeed', '3']))).toBe('Unknown option --seeed for emulator; did you mean --seed?')
    expect(oneSentence(await runCli(['providers', '--jsno']))).toBe('Unknown option --jsno for providers; did you mean --json?')
    expect(oneSentence(await runCli(['animate', SAMPLE, '--verbos']))).toBe('Unknown option --verbos for animate; did you mean --verbose?')
  })

  it('an option without its value names the option', async () => {
    expect(oneSentence(await runCli(['animate', SAMPLE, '--out']))).toBe(`Option '-o, --out <value>' argument missing; see "portrait-animator animate --help".`)
  })

  it('a busy port: serve and emulator say so in one sentence', async () => {
    const message = `Port ${port} is already in use on 127.0.0.1: stop what listens there or choose another with --port.`
    expect(oneSentence(await runCli(['serve', '--port', String(port), '--api-key', 'k']))).toBe(message)
    expect(oneSentence(await runCli(['emulator', '--port', String(port)]))).toBe(message)
  })

  it('a missing image, audio, clip, manifest or config file', async () => {
    expect(oneSentence(await runCli(['animate', 'nothere.png', '-o', '/tmp/pa-never.mp4']))).toContain('nothere.png" cannot be read: no such file')
    expect(oneSentence(await runCli(['animate', SAMPLE, '--audio', 'nothere.wav', '-o', '/tmp/pa-never.mp4']))).toContain('nothere.wav" cannot be read: no such file')
    expect(oneSentence(await runCli(['measure', 'nothere.mp4']))).toContain('nothere.mp4')
    expect(oneSentence(await runCli(['animate', SAMPLE, '--config', 'nothere.json']))).toContain('Cannot read the config file')
  })

  it('--debug keeps expected errors to one sentence', async () => {
    expect(oneSentence(await runCli(['animate', SAMPLE, '--presett', 'nod', '--debug']))).toBe('Unknown option --presett for animate; did you mean --preset?')
  })
})
