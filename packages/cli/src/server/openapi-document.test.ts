import { readFile } from 'node:fs/promises'
import { PortraitAnimatorError, type ErrorKind } from '@portrait-animator/core'
import { describe, expect, it } from 'vitest'
import { ailabFailureFor } from './ailab-error-for.js'
import { AILAB_ERROR_CODES, LIVE_PHOTO_PATH, openApiDocument } from './openapi-document.js'

const KINDS: ErrorKind[] = ['invalid_input', 'no_face', 'content_policy', 'auth', 'insufficient_credits', 'rate_limited', 'unavailable', 'retired', 'timeout', 'cancelled', 'job_failed', 'unsupported', 'invalid_config', 'budget_exceeded', 'provider_error', 'output_failed']
const RULES = [undefined, 'max-bytes', 'download-too-large', 'format', 'not-media', 'empty', 'truncated', 'max-width', 'min-height', 'other-rule']

const documented = (status: number, code: string) => (AILAB_ERROR_CODES[status] ?? []).includes(code)

describe('openApiDocument: every status and code the server can answer is documented', () => {
  it('covers every failure a router error maps to', () => {
    const failures = [
      ailabFailureFor(new Error('not ours')),
      ...KINDS.flatMap((kind) => RULES.map((rule) => ailabFailureFor(new PortraitAnimatorError({ kind, message: 'x', ...(rule ? { rule } : {}) })))),
    ]
    for (const failure of failures) expect(documented(failure.status, failure.code), `${failure.status} ${failure.code}`).toBe(true)
  })

  it('covers every answer the server writes itself', async () => {
    const source = await readFile(new URL('./ailab-compatible-server.ts', import.meta.url), 'utf8')
    const answers = [...source.matchAll(/fail\((\d{3}), '([A-Z_]+)'/g)].map((match) => [Number(match[1]), match[2]!] as const)
    expect(answers.length).toBeGreaterThanOrEqual(8)
    for (const [status, code] of answers) expect(documented(status, code), `${status} ${code}`).toBe(true)
  })

  it('documents the path, the key header and the multipart fields the server reads', async () => {
    const document = openApiDocument({ maxBodyBytes: 1000 }) as { paths: Record<string, unknown>; components: { securitySchemes: { ailabApiKey: { name: string } }; schemas: { LivePhotoRequest: { properties: Record<string, unknown>; required: string[] } } } }
    expect(Object.keys(document.paths)).toContain(LIVE_PHOTO_PATH)
    const source = await readFile(new URL('./ailab-compatible-server.ts', import.meta.url), 'utf8')
    const fields = [...source.matchAll(/form\.get\('(\w+)'\)/g)].map((match) => match[1])
    expect(Object.keys(document.components.schemas.LivePhotoRequest.properties).sort()).toEqual([...new Set(fields)].sort())
    expect(source).toContain(`request.headers['${document.components.securitySchemes.ailabApiKey.name}']`)
    expect(document.components.schemas.LivePhotoRequest.required).toEqual(['image_target'])
  })
})
