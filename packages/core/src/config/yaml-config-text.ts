import { parseDocument } from 'yaml'

/** Where a YAML text is not valid YAML, and what is wrong in words, without quoting the text. */
export interface YamlSyntaxProblem {
  /** 1-based line. */
  readonly line: number
  /** 1-based column. */
  readonly column: number
  /** The `yaml` package's error code in words (`bad indent`, `duplicate key`), never the text found. */
  readonly problem: string
}

/**
 * Parses a YAML config (YAML 1.2 core schema: comments allowed, `yes` stays a string, duplicate
 * keys refused, alias expansion bounded). A syntax error is returned by position and code only,
 * because the `yaml` package's messages quote the line, and in a config that line may hold a key.
 */
export function parseYamlConfig(text: string): { document: unknown } | { error: YamlSyntaxProblem } {
  const parsed = parseDocument(text, { prettyErrors: false, uniqueKeys: true })
  const [first] = parsed.errors
  if (first) {
    const [line, column] = positionOf(text, first.pos[0])
    return { error: { line, column, problem: first.code.toLowerCase().replace(/_/g, ' ') } }
  }
  return { document: parsed.toJS({ maxAliasCount: 100 }) }
}

function positionOf(text: string, offset: number): [number, number] {
  const before = text.slice(0, Math.max(0, offset))
  const line = before.split('\n').length
  return [line, offset - before.lastIndexOf('\n')]
}
