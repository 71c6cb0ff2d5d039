import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { PortraitAnimatorError } from '@portrait-animator/core'
import { createRouter } from '../src/index.js'

const SECRET = 'sk-live-SECRET123'

async function configFile(text: string): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'pa-config-syntax-'))
  const path = join(folder, 'portrait-animator.json')
  await writeFile(path, text)
  return path
}

async function rejection(path: string): Promise<PortraitAnimatorError> {
  const error = await createRouter(path).then(
    () => undefined,
    (thrown: unknown) => thrown,
  )
  if (!PortraitAnimatorError.isInstance(error)) throw new Error(`expected a PortraitAnimatorError, got ${String(error)}`)
  return error
}

describe('a config file that is not JSON', () => {
  it.each([
    ['an unquoted key', `{ "providers": { "fal": { "apiKey": ${SECRET} } } }`, 1, 37],
    ['a single-quoted key', `{\n  "providers": {\n    "fal": { "adapter": "fal", "apiKey": '${SECRET}' }\n  }\n}`, 3, 42],
    ['a single-quoted property', `{ 'providers': { "fal": { "apiKey": "${SECRET}" } } }`, 1, 3],
    ['a key cut off', `{ "providers": { "fal": { "apiKey": "${SECRET}`, 1, 55],
  ])('with %s is invalid_config with line and column, and never echoes the text', async (_name, text, line, column) => {
    const error = await rejection(await configFile(text))
    expect(error.kind).toBe('invalid_config')
    expect(error.message).toContain(`line ${line}, column ${column}`)
    for (const surface of [error.message, String(error), error.stack ?? '', JSON.stringify(error), inspect(error, { depth: 10 })]) {
      expect(surface).not.toContain('SECRET')
      expect(surface).not.toContain('sk-live')
    }
  })

  it('loads a config that starts with a UTF-8 byte order mark', async () => {
    const path = await configFile(`\uFEFF${JSON.stringify({ providers: { local: { adapter: 'local' } }, routes: { default: { strategy: 'fallback', targets: ['local/warp'] } } })}`)
    const router = await createRouter(path)
    expect(router.provider).toBe('router')
  })
})
