import { EventEmitter } from 'node:events'
import { PortraitAnimatorError } from '@portrait-animator/core'
import { createScriptedAnimator, waitUntil } from '@portrait-animator/core/testing'
import type { Router } from '@portrait-animator/router'
import { describe, expect, it } from 'vitest'
import { watchConfigReloads } from './config-reload.js'
import { createReloadableRouter, type ServedRouter } from './reloadable-router.js'

function served(source: string): ServedRouter {
  const router = { settle: async () => {}, on: () => () => {} } as unknown as Router
  return { router, animator: createScriptedAnimator(), routeName: 'default', source }
}

describe('watchConfigReloads', () => {
  it('swaps on SIGHUP, keeps the old router when the new config is refused, and logs one line each time', async () => {
    const signals = new EventEmitter()
    const reloadable = createReloadableRouter(served('first.json'))
    const outcomes: string[] = []
    const lines: Record<string, unknown>[] = []
    const answers: (() => Promise<ServedRouter>)[] = [
      async () => served('second.json'),
      async () => {
        throw new PortraitAnimatorError({ kind: 'invalid_config', message: 'Unknown adapter "locale" for provider local.\nSee the schema.', field: 'providers.local.adapter' })
      },
    ]
    const reloads = watchConfigReloads({ served: reloadable, load: () => answers.shift()!(), log: (line) => lines.push(line), counted: (outcome) => outcomes.push(outcome), signals })

    signals.emit('SIGHUP')
    signals.emit('SIGHUP')
    await waitUntil(() => outcomes.length === 2, { what: 'both reloads' })
    expect(outcomes).toEqual(['ok', 'failed'])
    expect(reloadable.current().source).toBe('second.json')
    expect(lines.find((line) => line.event === 'config-reloaded')).toEqual({ event: 'config-reloaded', config: 'second.json', route: 'default', draining: 0 })
    const refused = lines.find((line) => line.event === 'config-reload-failed')
    expect(refused).toEqual({ event: 'config-reload-failed', reason: 'Unknown adapter "locale" for provider local. See the schema (at providers.local.adapter).', serving: 'second.json' })

    await reloads.stop()
    expect(signals.listenerCount('SIGHUP')).toBe(0)
    await reloadable.close()
  })
})
