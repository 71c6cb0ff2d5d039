import { readFile } from 'node:fs/promises'
import type { z } from 'zod'
import { PortraitAnimatorError } from '../errors/index.js'
import { routerConfigSchema, type ParsedRouterConfig, type RouterConfig } from './config-schema.js'
import { ownEntry } from './own-entry.js'
import { BUILT_IN_MODELS, DEFAULT_CONFIG } from './default-config.js'
import { findJsonSyntaxError } from './json-syntax-error.js'
import { parseYamlConfig } from './yaml-config-text.js'

/** A provider entry with its key resolved. */
export interface ResolvedProvider {
  readonly name: string
  readonly adapter: string
  /** The key, or `undefined` when none was configured or its variable is not set. */
  readonly apiKey?: string
  /** Why the key is missing (`FAL_KEY is not set`), when it is. */
  readonly missingKeyReason?: string
  readonly baseUrl?: string
  readonly settings: Readonly<Record<string, unknown>>
}

/** A validated configuration with its keys resolved. */
export interface LoadedConfig {
  readonly config: ParsedRouterConfig
  readonly providers: ReadonlyMap<string, ResolvedProvider>
  /** Where the document came from: a file path, or `(object)` / `(default)`. */
  readonly source: string
}

/** Options for `loadConfig`. */
export interface LoadConfigOptions {
  /** Where `env:NAME` references are read. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** Adapters that are known without a built-in model list (factories passed in code). */
  readonly extraAdapters?: readonly string[]
}

/**
 * Reads, validates and resolves a router configuration: an object, a path to a JSON or YAML file, or
 * nothing for the default. Every problem is an `invalid_config` error naming its path in the
 * document (`routes.default.targets[1]`).
 */
export async function loadConfig(input?: RouterConfig | string, options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  let document: unknown
  let source: string
  if (input === undefined) {
    document = DEFAULT_CONFIG
    source = '(default)'
  } else if (typeof input === 'string') {
    source = input
    let text: string
    try {
      text = await readFile(input, 'utf8')
    } catch (error) {
      throw configError(`Cannot read the config file ${input}: ${(error as Error).message}`, '(file)', error)
    }
    document = parseConfigText(text, input)
  } else {
    document = input
    source = '(object)'
  }
  return { ...validateConfig(document, options), source }
}

/** True for a `.yaml` or `.yml` config file, which is read as YAML; any other is JSON. */
export function isYamlPath(path: string): boolean {
  return /\.ya?ml$/i.test(path)
}

/**
 * The document in a config file's text (YAML for `.yaml`/`.yml`, else JSON). A UTF-8 byte order mark (which some editors write) is
 * skipped. A syntax error is reported by line and column only: `JSON.parse`'s message (kept
 * neither as text nor as `cause`) quotes the characters around the error, and in a config file
 * those are often the key itself.
 */
function parseConfigText(text: string, path: string): unknown {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text
  if (isYamlPath(path)) {
    const parsed = parseYamlConfig(body)
    if ('error' in parsed) throw configError(`The config file ${path} is not valid YAML: at line ${parsed.error.line}, column ${parsed.error.column}, ${parsed.error.problem}.`, '(file)')
    return parsed.document
  }
  try {
    return JSON.parse(body)
  } catch {
    const problem = findJsonSyntaxError(body)
    const where = problem === undefined ? '' : `: at line ${problem.line}, column ${problem.column}, expected ${problem.expected}`
    throw configError(`The config file ${path} is not valid JSON${where}.`, '(file)')
  }
}

/** Validates a configuration document already in memory. */
export function validateConfig(document: unknown, options: LoadConfigOptions = {}): Omit<LoadedConfig, 'source'> {
  const parsed = routerConfigSchema.safeParse(document)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    const path = formatPath(issue.path)
    const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more problems)` : ''
    throw configError(`Invalid config at ${path}: ${describeIssue(issue)}${more}.`, path)
  }
  const config = parsed.data
  checkReferences(config, options.extraAdapters ?? [])
  const env = options.env ?? process.env
  const providers = new Map<string, ResolvedProvider>()
  for (const [name, entry] of Object.entries(config.providers)) {
    providers.set(name, resolveProvider(name, entry, env))
  }
  return { config, providers }
}

function resolveProvider(
  name: string,
  entry: ParsedRouterConfig['providers'][string],
  env: Readonly<Record<string, string | undefined>>,
): ResolvedProvider {
  const base = { name, adapter: entry.adapter, settings: entry.settings ?? {}, ...(entry.baseUrl ? { baseUrl: entry.baseUrl } : {}) }
  if (entry.apiKey === undefined) return base
  if (!entry.apiKey.startsWith('env:')) return { ...base, apiKey: entry.apiKey }
  const variable = entry.apiKey.slice(4)
  const value = env[variable]
  return value ? { ...base, apiKey: value } : { ...base, missingKeyReason: `${variable} is not set` }
}

function checkReferences(config: ParsedRouterConfig, extraAdapters: readonly string[]): void {
  for (const [routeName, route] of Object.entries(config.routes)) {
    const lists: Array<[string, readonly string[]]> = [
      [`routes.${routeName}.targets`, route.targets.map((target) => (typeof target === 'string' ? target : target.target))],
    ]
    if (route.strategy === 'shadow') lists.push([`routes.${routeName}.shadow`, route.shadow])
    for (const [path, targets] of lists) {
      targets.forEach((target, index) => checkTarget(config, target, `${path}[${index}]`, extraAdapters))
    }
    if (route.strategy === 'split' && route.targets.every((arm) => arm.weight === 0)) {
      throw configError(`Invalid config at routes.${routeName}.targets: at least one arm needs a weight above 0.`, `routes.${routeName}.targets`)
    }
  }
  for (const target of Object.keys(config.targets ?? {})) checkTarget(config, target, `targets.${target}`, extraAdapters)
  for (const [motion, routeName] of Object.entries(config.motionRoutes ?? {})) {
    if (routeName !== undefined && !ownEntry(config.routes, routeName)) {
      throw configError(`Invalid config at motionRoutes.${motion}: there is no route named "${routeName}".`, `motionRoutes.${motion}`)
    }
  }
}

function checkTarget(config: ParsedRouterConfig, target: string, path: string, extraAdapters: readonly string[]): void {
  const [providerName = '', model = ''] = target.split('/')
  const provider = ownEntry(config.providers, providerName)
  if (!provider) {
    const known = Object.keys(config.providers).join(', ') || 'none'
    throw configError(`Invalid config at ${path}: unknown provider "${providerName}" in target "${target}" (providers: ${known}).`, path)
  }
  const models = ownEntry(BUILT_IN_MODELS, provider.adapter)
  if (models && !models.includes(model) && !extraAdapters.includes(provider.adapter)) {
    throw configError(`Invalid config at ${path}: unknown target "${target}"; the ${provider.adapter} adapter offers ${models.map((item) => `${providerName}/${item}`).join(', ')}.`, path)
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)'
  return path.map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`)).join('')
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}`
  if (issue.code === 'invalid_union' && 'discriminator' in issue) return `${issue.message}`
  return issue.message
}

function configError(message: string, field: string, cause?: unknown): PortraitAnimatorError {
  return new PortraitAnimatorError({ kind: 'invalid_config', message, field, ...(cause === undefined ? {} : { cause }) })
}
