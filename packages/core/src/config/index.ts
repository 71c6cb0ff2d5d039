export { configJsonSchema } from './config-json-schema.js'
export { routerConfigSchema, type ParsedRouterConfig, type RetryConfig, type RouteConfig, type RouterConfig, type TargetSettings } from './config-schema.js'
export { BUILT_IN_MODELS, DEFAULT_CONFIG } from './default-config.js'
export { loadConfig, validateConfig, type LoadConfigOptions, type LoadedConfig, type ResolvedProvider } from './load-config.js'
