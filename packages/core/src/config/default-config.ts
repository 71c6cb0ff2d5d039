import type { RouterConfig } from './config-schema.js'

/**
 * The configuration used when none is given. With no keys set, every cloud target is skipped with
 * a reason (AILabTools is retired; fal, Replicate and Magic Hour have no key) and the offline animator serves.
 */
export const DEFAULT_CONFIG: RouterConfig = {
  providers: {
    ailab: { adapter: 'ailab', apiKey: 'env:AILAB_API_KEY' },
    fal: { adapter: 'fal', apiKey: 'env:FAL_KEY' },
    magichour: { adapter: 'magichour', apiKey: 'env:MAGIC_HOUR_API_KEY' },
    replicate: { adapter: 'replicate', apiKey: 'env:REPLICATE_API_TOKEN' },
    local: { adapter: 'local' },
  },
  routes: {
    default: {
      strategy: 'fallback',
      targets: ['ailab/live-photo', 'fal/live-portrait', 'replicate/live-portrait', 'magichour/image-to-video', 'local/warp'],
    },
    expression: { strategy: 'fallback', targets: ['fal/live-portrait-image', 'local/warp'] },
    talking: { strategy: 'fallback', targets: ['magichour/talking-photo', 'fal/sadtalker', 'fal/kling-avatar-v2-standard', 'fal/omnihuman-v1-5'] },
    driving: { strategy: 'fallback', targets: ['fal/live-portrait', 'replicate/live-portrait'] },
  },
  motionRoutes: { expression: 'expression', audio: 'talking', 'driving-video': 'driving' },
}

/** Models of the adapters that ship with the project, for validating target ids in a config. */
export const BUILT_IN_MODELS: Readonly<Record<string, readonly string[]>> = {
  ailab: ['live-photo'],
  fal: ['live-portrait', 'live-portrait-image', 'sadtalker', 'kling-avatar-v2-standard', 'omnihuman-v1-5'],
  magichour: ['talking-photo', 'image-to-video'],
  replicate: ['live-portrait'],
  local: ['warp'],
}
