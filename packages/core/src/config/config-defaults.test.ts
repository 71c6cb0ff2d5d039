import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { CONFIG_DEFAULTS } from './config-defaults.js'

/** The "default" column of docs/configuration.md's key table, by key. */
async function documentedDefaults(): Promise<Map<string, string>> {
  const text = await readFile(new URL('../../../../docs/configuration.md', import.meta.url), 'utf8')
  const rows = new Map<string, string>()
  for (const line of text.split('\n')) {
    const cells = line.replaceAll('\\|', '/').split('|').map((cell) => cell.trim())
    const key = /^`([^`]+)`$/.exec(cells[1] ?? '')?.[1]
    if (key && cells.length >= 5) rows.set(key, cells[3]!)
  }
  return rows
}

describe('config defaults, written once', () => {
  it('docs/configuration.md shows the same defaults as CONFIG_DEFAULTS', async () => {
    const documented = await documentedDefaults()
    const expected: Record<string, unknown> = {
      'retry.maxAttempts': CONFIG_DEFAULTS.retry.maxAttempts,
      'retry.baseDelayMs': CONFIG_DEFAULTS.retry.baseDelayMs,
      'retry.maxDelayMs': CONFIG_DEFAULTS.retry.maxDelayMs,
      'retry.maxRetryAfterMs': CONFIG_DEFAULTS.retry.maxRetryAfterMs,
      'breaker.failureThreshold': CONFIG_DEFAULTS.breaker.failureThreshold,
      'breaker.cooldownMs': CONFIG_DEFAULTS.breaker.cooldownMs,
      'breaker.retiredRecheckMs': CONFIG_DEFAULTS.breaker.retiredRecheckMs,
      'timeouts.requestMs': CONFIG_DEFAULTS.requestTimeoutMs,
      'unknownAcceptance': CONFIG_DEFAULTS.unknownAcceptance,
      'journal': CONFIG_DEFAULTS.journal,
      'routes.NAME.concurrency': CONFIG_DEFAULTS.compareConcurrency,
      'routes.NAME.fallback': CONFIG_DEFAULTS.splitFallback,
      'fallbackOn.no_face': CONFIG_DEFAULTS.fallbackOn.no_face,
      'fallbackOn.content_policy': CONFIG_DEFAULTS.fallbackOn.content_policy,
    }
    const mismatches = Object.entries(expected).filter(([key, value]) => !documented.get(key)?.startsWith(`\`${String(value)}\``))
    expect(mismatches.map(([key, value]) => `${key}: docs say ${documented.get(key)}, code says ${String(value)}`)).toEqual([])
    // No default in code, so none in the docs either.
    expect(documented.get('timeouts.attemptMs')).toBe('none')
  })
})
