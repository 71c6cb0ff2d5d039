import { stringify } from 'yaml'

/**
 * A config document as commented YAML, for `config init --yaml`: the same document as the JSON
 * file, readable by `loadConfig` from a `.yaml` or `.yml` path.
 */
export function configYamlText(document: object): string {
  const header = [
    '# portrait-animator configuration (YAML; the same schema as portrait-animator.json).',
    '# Check it with: portrait-animator config validate portrait-animator.yaml',
    '# Keys are read from the environment: apiKey: env:FAL_KEY reads $FAL_KEY; never write a key here.',
    '# Routes list targets (provider/model) in the order they are tried; "default" serves requests naming no route.',
    '',
  ].join('\n')
  return `${header}${stringify(document, { lineWidth: 0 })}`
}
