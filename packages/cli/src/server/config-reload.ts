import { PortraitAnimatorError, redact } from '@portrait-animator/core'
import type { ReloadableRouter, ServedRouter } from './reloadable-router.js'

/** Options for `watchConfigReloads`. */
export interface ConfigReloadOptions {
  /** The router the server serves through. */
  readonly served: ReloadableRouter
  /** Loads and validates the config again; throws when it cannot be served. */
  readonly load: () => Promise<ServedRouter>
  /** Writes one operator log line (JSON). */
  readonly log: (line: Record<string, unknown>) => void
  /** Counts each reload by outcome (metrics). */
  readonly counted?: (outcome: 'ok' | 'failed') => void
  /** Where SIGHUP comes from. @default process */
  readonly signals?: Pick<NodeJS.EventEmitter, 'on' | 'off'>
}

/** A running SIGHUP watch. */
export interface ConfigReloads {
  /** Reloads now, as SIGHUP does; resolves once the reload has been applied or refused. */
  reload(): Promise<void>
  /** Stops listening for SIGHUP and resolves once a reload under way has ended. */
  stop(): Promise<void>
}

/**
 * Reloads the config on SIGHUP. The new file is validated first (schema, adapters, the served
 * route); a file that fails keeps the old router serving and logs why in one line. Otherwise new
 * requests go to the new router while requests in flight finish on the old one, which is settled
 * once they have. Reloads run one at a time, in the order the signals came.
 *
 * @example
 * ```ts
 * const reloads = watchConfigReloads({ served, load: () => loadServedRouter(io, flags), log })
 * // kill -HUP <pid>: {"event":"config-reloaded","config":"/srv/portrait-animator.json","route":"default","draining":1}
 * ```
 */
export function watchConfigReloads(options: ConfigReloadOptions): ConfigReloads {
  const signals = options.signals ?? process
  let queue = Promise.resolve()
  let stopped = false

  async function reloadOnce(): Promise<void> {
    if (stopped) return
    const old = options.served.current()
    let next: ServedRouter
    try {
      next = await options.load()
    } catch (error) {
      options.counted?.('failed')
      options.log({ event: 'config-reload-failed', reason: reasonOf(error), serving: old.source })
      return
    }
    if (stopped) return void next.router.settle()
    const { draining, drained } = options.served.swap(next)
    options.counted?.('ok')
    options.log({ event: 'config-reloaded', config: next.source, route: next.routeName, draining })
    void drained.then(() => options.log({ event: 'config-drained', config: old.source, requests: draining }))
  }

  const reload = () => (queue = queue.then(reloadOnce).catch(() => {}))
  const onSignal = () => void reload()
  signals.on('SIGHUP', onSignal)
  return {
    reload,
    async stop() {
      stopped = true
      signals.off('SIGHUP', onSignal)
      await queue
    },
  }
}

/** Why a config was refused, on one line and without secrets (config errors name the JSON path). */
function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  const field = PortraitAnimatorError.isInstance(error) && error.field && !message.includes(error.field) ? ` (at ${error.field})` : ''
  return redact(field ? `${message.replace(/\.$/, '')}${field}.` : message).replace(/\s*\n\s*/g, ' ')
}
