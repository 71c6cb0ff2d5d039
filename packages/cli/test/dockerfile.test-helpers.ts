/**
 * Reads the repository's Dockerfile and .dockerignore so a test can run their stages without a
 * Docker engine: the instructions as written, and the context files the build may see.
 */

/** One instruction: `COPY --from=build /a ./b` is `{ op: 'COPY', flags: { from: 'build' }, args: ['/a', './b'] }`. */
export interface Instruction {
  readonly op: string
  readonly flags: Readonly<Record<string, string>>
  readonly args: readonly string[]
  /** The text after the instruction word (flags included), continuation lines joined. */
  readonly raw: string
}

/** One `FROM ... [AS name]` stage and its instructions. */
export interface Stage {
  readonly name: string | undefined
  readonly instructions: readonly Instruction[]
}

/** The stages of a Dockerfile, in order. Comments and line continuations are handled; ARGs are not expanded. */
export function parseDockerfile(text: string): Stage[] {
  const logical = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
  const stages: { name: string | undefined; instructions: Instruction[] }[] = []
  for (const line of logical) {
    const [, word = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? []
    const op = word.toUpperCase()
    if (op === 'FROM') {
      stages.push({ name: /\s+AS\s+(\S+)$/i.exec(rest)?.[1], instructions: [] })
      continue
    }
    if (op === 'ARG' && stages.length === 0) continue
    const stage = stages.at(-1)
    if (!stage) throw new Error(`${op} before the first FROM`)
    stage.instructions.push(instruction(op, rest))
  }
  return stages
}

function instruction(op: string, raw: string): Instruction {
  const flags: Record<string, string> = {}
  let rest = raw
  // Flags come first (`--from=build`, `--interval=30s`); HEALTHCHECK's end before `CMD`.
  for (let match = /^--([\w-]+)=(\S+)\s+/.exec(rest); match; match = /^--([\w-]+)=(\S+)\s+/.exec(rest)) {
    flags[match[1]!] = match[2]!
    rest = rest.slice(match[0].length)
  }
  // Exec form (`["node", "bin.js"]`), also after HEALTHCHECK's `CMD`.
  const exec = /^(CMD\s+)?(\[.*\])$/.exec(rest)
  const args = exec ? [...(exec[1] ? ['CMD'] : []), ...(JSON.parse(exec[2]!) as string[])] : rest.split(/\s+/).filter(Boolean)
  return { op, flags, args, raw }
}

/** A `.dockerignore` as a predicate over context paths (`packages/cli/dist/bin.js`); the last matching pattern wins. */
export function dockerignore(text: string): (path: string) => boolean {
  const rules = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => ({ negated: line.startsWith('!'), pattern: globToRegExp(line.replace(/^!/, '').replace(/^\/+|\/+$/g, '')) }))
  return (path) => {
    // A pattern that matches a folder excludes everything in it.
    const parts = path.split('/')
    const prefixes = parts.map((_, index) => parts.slice(0, index + 1).join('/'))
    let ignored = false
    for (const rule of rules) if (prefixes.some((prefix) => rule.pattern.test(prefix))) ignored = !rule.negated
    return ignored
  }
}

function globToRegExp(glob: string): RegExp {
  let source = ''
  for (let index = 0; index < glob.length; index++) {
    const char = glob[index]!
    if (char === '*' && glob[index + 1] === '*') {
      const slash = glob[index + 2] === '/'
      source += slash ? '(?:.*/)?' : '.*'
      index += slash ? 2 : 1
    } else if (char === '*') source += '[^/]*'
    else if (char === '?') source += '[^/]'
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${source}$`)
}
