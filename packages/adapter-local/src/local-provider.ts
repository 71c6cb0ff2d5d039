import type { AnimatorProviderFactory } from '@portrait-animator/core'
import { createLocal, type LocalSettings } from './create-local.js'
import { LOCAL_MODEL_ID, LOCAL_PROVIDER, localError } from './local-errors.js'

const SETTING_NAMES: ReadonlySet<string> = new Set(['maxSide', 'fps', 'cacheDir', 'noFace', 'workers', 'encoder', 'faceCache'])

/**
 * The router's entry point (`{ "adapter": "local", "settings": { "maxSide": 512 } }`): one model,
 * `warp`, always configured (no key, no network).
 */
export const createProvider: AnimatorProviderFactory = (settings) => {
  const { apiKey: _apiKey, baseUrl: _baseUrl, ...rest } = settings
  for (const name of Object.keys(rest)) {
    if (!SETTING_NAMES.has(name)) {
      throw localError({ kind: 'invalid_config', message: `Unknown local setting "${name}" (known: ${[...SETTING_NAMES].join(', ')}).` })
    }
  }
  const local = createLocal(rest as LocalSettings)
  let warp: ReturnType<typeof local.warp> | undefined
  return {
    name: LOCAL_PROVIDER,
    models: [LOCAL_MODEL_ID],
    animator(modelId) {
      if (modelId !== LOCAL_MODEL_ID) throw localError({ kind: 'invalid_config', message: `The local provider has one model, "${LOCAL_MODEL_ID}" (got "${modelId}").` })
      warp ??= local.warp()
      return warp
    },
  }
}
