import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url))
const children: ChildProcessWithoutNullStreams[] = []

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL')
})

function run(args: string[]): {
  child: ChildProcessWithoutNullStreams
  firstLine: Promise<string>
  exit: Promise<number | null>
  stderr: () => string
} {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build first with \`npx tsc -b packages/emulator\``)
  const child = spawn(process.execPath, [BIN, ...args], { stdio: 'pipe' })
  children.push(child)
  const lines = createInterface({ input: child.stdout })
  const firstLine = new Promise<string>((resolve, reject) => {
    lines.once('line', resolve)
    child.once('exit', (code) => reject(new Error(`exited with ${code} before printing`)))
  })
  firstLine.catch(() => undefined)
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return { child, firstLine, exit, stderr: () => stderr }
}

describe('portrait-animator-emulator bin', () => {
  it('prints {"baseUrl"} when ready, serves retired AILab, and stops cleanly on SIGTERM', async () => {
    const { child, firstLine, exit } = run(['--seed', '5', '--ailab', 'retired', '--job-ms', '10'])
    const ready = JSON.parse(await firstLine) as { baseUrl: string }
    expect(ready.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const answer = await fetch(`${ready.baseUrl}/api/portrait/effects/live-photo`, { method: 'POST' })
    expect(answer.status).toBe(404)
    expect((await answer.json()).error_detail.code).toBe('ERROR_AI_NOT_EXISTS')
    child.kill('SIGTERM')
    expect(await exit).toBe(0)
  })

  it('loads --faults from a file and stops on SIGINT', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'emulator-bin-'))
    try {
      const file = join(directory, 'faults.json')
      await writeFile(file, JSON.stringify({ faults: [{ route: 'fal.submit', status: 503, retryAfter: 3 }] }))
      const { child, firstLine, exit } = run(['--faults', file])
      const { baseUrl } = JSON.parse(await firstLine) as { baseUrl: string }
      const answer = await fetch(`${baseUrl}/fal-ai/live-portrait`, { method: 'POST', headers: { authorization: 'Key a:b' }, body: '{}' })
      expect(answer.status).toBe(503)
      expect(answer.headers.get('retry-after')).toBe('3')
      child.kill('SIGINT')
      expect(await exit).toBe(0)
    } finally {
      await rm(directory, { recursive: true, force: true })
    }
  })

  it('limits a provider with --rate-limit: over it, 429 with Retry-After', async () => {
    const { child, firstLine, exit } = run(['--rate-limit', 'fal=0.01', '--rate-limit', 'magichour=3'])
    const { baseUrl } = JSON.parse(await firstLine) as { baseUrl: string }
    const submit = () => fetch(`${baseUrl}/fal-ai/live-portrait`, { method: 'POST', headers: { authorization: 'Key a:b' }, body: '{}' })
    expect((await submit()).status).not.toBe(429)
    const refused = await submit()
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    const ledger = (await (await fetch(`${baseUrl}/__emulator/ledger`)).json()) as { rateLimited: Array<{ provider: string }> }
    expect(ledger.rateLimited).toEqual([expect.objectContaining({ provider: 'fal' })])
    child.kill('SIGTERM')
    expect(await exit).toBe(0)
  })

  it('refuses a non-loopback host and a bad option with exit code 2', async () => {
    const outside = run(['--host', '0.0.0.0'])
    expect(await outside.exit).toBe(2)
    expect(outside.stderr()).toMatch(/loopback/)
    const unknown = run(['--colour', 'blue'])
    expect(await unknown.exit).toBe(2)
    expect(unknown.stderr()).toMatch(/colour/)
    const badLimit = run(['--rate-limit', 'fal=0'])
    expect(await badLimit.exit).toBe(2)
    expect(badLimit.stderr()).toMatch(/--rate-limit/)
  })
})
