import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { loadConfig, validateConfig, type LoadedConfig, type RouteConfig } from '@portrait-animator/core'
import { createRouter, type Router, type RouterEventListener } from '@portrait-animator/router'
import type { CliIo } from './cli-io.js'
import { UsageError } from './exit-codes.js'

/** The config file looked for in the working directory when neither --config nor the variable names one. */
export const DEFAULT_CONFIG_FILE = 'portrait-animator.json'

/** Which config file applies: --config, then PORTRAIT_ANIMATOR_CONFIG, then ./portrait-animator.json, else the built-in default. */
export function configPathFor(io: CliIo, flag: string | undefined): string | undefined {
  if (flag) return resolve(io.cwd, flag)
  if (io.env.PORTRAIT_ANIMATOR_CONFIG) return resolve(io.cwd, io.env.PORTRAIT_ANIMATOR_CONFIG)
  const local = resolve(io.cwd, DEFAULT_CONFIG_FILE)
  return existsSync(local) ? local : undefined
}

/** A route a command adds on top of the config (a one-target route for --target, a compare route for --targets). */
export interface ExtraRoute {
  readonly name: string
  readonly config: RouteConfig
}

/**
 * Builds the router for a command, from the config that applies (see `configPathFor`) plus an
 * optional extra route, so any target can be called with the config's keys and settings.
 */
export async function openRouter(io: CliIo, options: { config?: string; extraRoute?: ExtraRoute; onEvent?: RouterEventListener }): Promise<Router> {
  const loaded = await loadConfig(configPathFor(io, options.config), { env: io.env })
  // The router is built from the config read here (read and checked once); an extra route is
  // checked against it on its own.
  return createRouter(options.extraRoute ? withRoute(loaded, options.extraRoute, io) : loaded, {
    env: io.env,
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    // Config files may point providers at an emulator or a private deployment on this network.
    allowPrivateNetwork: true,
  })
}

/** `loaded` with `extra` added to its routes, checked (its targets must name configured providers). */
function withRoute(loaded: LoadedConfig, extra: ExtraRoute, io: CliIo): LoadedConfig {
  const document = { ...loaded.config, routes: { ...loaded.config.routes, [extra.name]: extra.config } }
  return { ...validateConfig(document, { env: io.env }), source: loaded.source }
}

/** The one-target route `--target provider/model` asks for. */
export function singleTargetRoute(target: string): ExtraRoute {
  if (!/^[a-z0-9-]+\/[a-z0-9-]+$/.test(target)) throw new UsageError(`--target must be provider/model, e.g. fal/live-portrait (got "${target}").`)
  return { name: `target:${target}`, config: { strategy: 'fallback', targets: [target] } }
}
