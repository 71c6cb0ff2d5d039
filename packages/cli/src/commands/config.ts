import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { configJsonSchema, configYamlText, DEFAULT_CONFIG, isYamlPath, loadConfig, PortraitAnimatorError } from '@portrait-animator/core'
import type { CliIo } from '../cli-io.js'
import { checkConfigBuilds } from '../config-check.js'
import { EXIT, UsageError } from '../exit-codes.js'
import { DEFAULT_CONFIG_FILE } from '../open-router.js'

export const CONFIG_HELP = `Usage: portrait-animator config <init [FILE] [--yaml] [--force] | validate FILE | schema>

  init [FILE]      write the default configuration (default file: ${DEFAULT_CONFIG_FILE}, or
                   portrait-animator.yaml with --yaml; a FILE ending in .yaml or .yml is YAML)
  validate FILE    check a configuration as the run would use it: the schema, every adapter
                   installed and accepting its settings, every target, every route a request can
                   take; errors name the path in the document and exit 2. Calls no provider
  schema           print the JSON Schema of the configuration (for editors)

Examples:
  portrait-animator config init
  portrait-animator config init --yaml
  portrait-animator config validate portrait-animator.json
  portrait-animator config schema > portrait-animator.schema.json`

/** `portrait-animator config`. */
export async function configCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { force: { type: 'boolean' }, yaml: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } })
  const [action, file, ...rest] = positionals
  if (values.help || !action) {
    io.stdout.write(`${CONFIG_HELP}\n`)
    return values.help ? EXIT.ok : EXIT.usage
  }
  if (rest.length > 0) throw new UsageError(`config ${action}: too many arguments.`)
  switch (action) {
    case 'init': {
      const path = resolve(io.cwd, file ?? (values.yaml ? 'portrait-animator.yaml' : DEFAULT_CONFIG_FILE))
      if (values.yaml && !isYamlPath(path)) throw new UsageError(`--yaml writes YAML: name the file .yaml or .yml (got ${file}).`)
      if (existsSync(path) && !values.force) throw new UsageError(`${path} exists; use --force to overwrite it.`)
      const document = { $schema: 'https://portrait-animator.dev/config.schema.json', ...DEFAULT_CONFIG }
      await writeFile(path, isYamlPath(path) ? configYamlText(DEFAULT_CONFIG) : `${JSON.stringify(document, null, 2)}\n`)
      io.stderr.write(`Wrote ${path}. Keys are read from the environment (env:NAME); set FAL_KEY or MAGIC_HOUR_API_KEY to enable those providers.\n`)
      return EXIT.ok
    }
    case 'validate': {
      if (!file) throw new UsageError('config validate needs a FILE.')
      const loaded = await loadConfig(resolve(io.cwd, file), { env: io.env })
      const problems = await checkConfigBuilds(loaded)
      if (problems.length > 0) {
        const [first] = problems
        const more = problems.length > 1 ? ` (and ${problems.length - 1} more: ${problems.slice(1).map((problem) => problem.path).join(', ')})` : ''
        throw new PortraitAnimatorError({ kind: 'invalid_config', message: `Invalid config at ${first!.path}: ${first!.message}${more}.`, field: first!.path })
      }
      const routes = Object.keys(loaded.config.routes)
      const missing = [...loaded.providers.values()].filter((provider) => provider.missingKeyReason)
      io.stdout.write(`${file} is valid: ${loaded.providers.size} providers, ${routes.length} routes (${routes.join(', ')}).\n`)
      for (const provider of missing) io.stdout.write(`note: provider "${provider.name}" has no key (${provider.missingKeyReason}); its targets will be skipped.\n`)
      return EXIT.ok
    }
    case 'schema':
      io.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`)
      return EXIT.ok
    default:
      throw new UsageError(`Unknown config action "${action}": use init, validate or schema.`)
  }
}
