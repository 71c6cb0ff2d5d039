import { loadConfig, type LoadedConfig, type RouterConfig } from '@portrait-animator/core'

/** A loaded config as is; a document or a file path loaded (the built-in default when none). */
export async function loadWorkerConfig(config: LoadedConfig | RouterConfig | string | undefined, env?: Readonly<Record<string, string | undefined>>): Promise<LoadedConfig> {
  if (typeof config === 'object' && config !== null && 'providers' in config && config.providers instanceof Map) return config as LoadedConfig
  return loadConfig(config as RouterConfig | string | undefined, env ? { env } : {})
}
