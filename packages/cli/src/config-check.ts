import { ownEntry, PortraitAnimatorError, type AnimatorProvider, type AnimatorProviderFactory, type LoadedConfig, type MotionType } from '@portrait-animator/core'
import { closest } from './suggest.js'

/** The adapters this CLI installs. */
export const KNOWN_ADAPTERS = ['ailab', 'fal', 'magichour', 'replicate', 'local'] as const

const MOTIONS: readonly MotionType[] = ['preset', 'expression', 'audio', 'driving-video']

/** Something the run would reject, with its path in the document. */
export interface ConfigProblem {
  readonly path: string
  readonly message: string
}

/**
 * Builds what a run builds from a loaded config (each provider from its adapter's factory, with
 * its settings, and each target's animator), without calling any provider, and returns what the
 * run would reject: an adapter that is not installed, settings the adapter refuses, a model it
 * cannot make, a motion with no route to go to. A missing key is not a problem: those targets are
 * skipped, as the run skips them.
 */
export async function checkConfigBuilds(loaded: LoadedConfig): Promise<ConfigProblem[]> {
  const problems: ConfigProblem[] = []
  const built = new Map<string, AnimatorProvider>()
  for (const [name, provider] of loaded.providers) {
    let factory: AnimatorProviderFactory | undefined
    try {
      factory = ((await import(`@portrait-animator/adapter-${provider.adapter}`)) as { createProvider?: AnimatorProviderFactory }).createProvider
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error
    }
    if (!factory) {
      const suggestion = closest(provider.adapter, KNOWN_ADAPTERS)
      problems.push({ path: `providers.${name}.adapter`, message: `unknown adapter "${provider.adapter}"${suggestion ? `; did you mean "${suggestion}"?` : ''} (installed: ${KNOWN_ADAPTERS.join(', ')})` })
      continue
    }
    try {
      // A placeholder key stands in for a missing one, so settings are checked even without the key.
      built.set(name, factory({ ...provider.settings, apiKey: provider.apiKey ?? 'placeholder-key-for-validation', ...(provider.baseUrl ? { baseUrl: provider.baseUrl } : {}) }))
    } catch (error) {
      const field = PortraitAnimatorError.isInstance(error) && error.field ? `.${error.field.replace(/^settings\./, '')}` : ''
      problems.push({ path: `providers.${name}.settings${field}`, message: `the ${provider.adapter} adapter refuses these settings: ${(error as Error).message.replace(/\.$/, '')}` })
    }
  }
  for (const [routeName, route] of Object.entries(loaded.config.routes)) {
    const references = route.targets.map((target, index) => ({ id: typeof target === 'string' ? target : target.target, path: `routes.${routeName}.targets[${index}]` }))
    if (route.strategy === 'shadow') route.shadow.forEach((id, index) => references.push({ id, path: `routes.${routeName}.shadow[${index}]` }))
    for (const { id, path } of references) {
      const [providerName = '', modelId = ''] = id.split('/')
      const provider = built.get(providerName)
      if (!provider) continue
      try {
        provider.animator(modelId)
      } catch (error) {
        problems.push({ path, message: `cannot make target "${id}": ${(error as Error).message.replace(/\.$/, '')}` })
      }
    }
  }
  const unrouted = MOTIONS.filter((motion) => !ownEntry(loaded.config.motionRoutes, motion))
  if (!ownEntry(loaded.config.routes, 'default') && unrouted.length > 0) {
    problems.push({ path: 'routes.default', message: `there is no "default" route, and ${unrouted.join(', ')} motions have no route in motionRoutes: requests naming no route would fail` })
  }
  return problems
}
