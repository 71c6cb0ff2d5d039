import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DEFAULT_CONFIG } from './default-config.js'
import { configYamlText } from './config-yaml-text.js'
import { loadConfig } from './load-config.js'

async function file(name: string, text: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'pa-yaml-')), name)
  await writeFile(path, text)
  return path
}

describe('YAML config files', () => {
  it('the commented YAML of the default config loads to the same document as the JSON one', async () => {
    const loaded = await loadConfig(await file('portrait-animator.yaml', configYamlText(DEFAULT_CONFIG)), { env: {} })
    const fromObject = await loadConfig(DEFAULT_CONFIG, { env: {} })
    expect(loaded.config).toEqual(fromObject.config)
  })

  it('a .yml file with comments is validated by the same schema, errors naming the path', async () => {
    const text = '# my routes\nproviders:\n  local: { adapter: local } # offline\nroutes:\n  default:\n    strategy: fallback\n    targets: [local/warps]\n'
    await expect(loadConfig(await file('c.yml', text), { env: {} })).rejects.toThrow(/routes\.default\.targets\[0\]/)
  })

  it('a syntax error says line and column, never the text (which may be a key)', async () => {
    const text = 'providers:\n  fal:\n    adapter: fal\n    apiKey: "sk-live-SECRET123\n'
    const error = await loadConfig(await file('c.yaml', text), { env: {} }).catch((thrown: Error) => thrown)
    expect(error).toMatchObject({ kind: 'invalid_config' })
    expect((error as Error).message).toMatch(/is not valid YAML: at line \d+, column \d+, [a-z ]+\./)
    expect(JSON.stringify(error)).not.toContain('SECRET')
    expect(String((error as Error).cause ?? '')).not.toContain('SECRET')
  })

  it('a duplicate key is refused', async () => {
    const text = 'routes: {}\nroutes: {}\n'
    await expect(loadConfig(await file('c.yaml', text), { env: {} })).rejects.toThrow(/line 2, column 1, duplicate key/)
  })
})
