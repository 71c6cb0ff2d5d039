/**
 * A small checker for the JSON Schema subset the server's OpenAPI document uses (`$ref` to
 * components, `type`, `const`, `enum`, `required`, `properties`, `items`, `allOf`), so tests can
 * hold real requests and responses against the document without a validator dependency.
 */

type Schema = Readonly<Record<string, unknown>>

/** Every way `value` breaks `schema`, as `path: problem` lines; empty when it conforms. */
export function schemaProblems(value: unknown, schema: Schema, document: Schema, path = '$'): string[] {
  if (typeof schema.$ref === 'string') return schemaProblems(value, resolveRef(schema.$ref, document), document, path)
  const problems: string[] = []
  if ('const' in schema && value !== schema.const) problems.push(`${path}: expected ${JSON.stringify(schema.const)}, got ${JSON.stringify(value)}`)
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) problems.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`)
  if (typeof schema.type === 'string' && !hasType(value, schema.type)) return [...problems, `${path}: expected ${schema.type}, got ${describe(value)}`]
  for (const part of (schema.allOf as Schema[] | undefined) ?? []) problems.push(...schemaProblems(value, part, document, path))
  if (isObject(value)) {
    for (const name of (schema.required as string[] | undefined) ?? []) if (!(name in value)) problems.push(`${path}: missing required ${name}`)
    for (const [name, property] of Object.entries((schema.properties as Record<string, Schema> | undefined) ?? {})) {
      if (name in value) problems.push(...schemaProblems(value[name], property, document, `${path}.${name}`))
    }
  }
  if (Array.isArray(value) && isObject(schema.items)) value.forEach((item, index) => problems.push(...schemaProblems(item, schema.items as Schema, document, `${path}[${index}]`)))
  return problems
}

/** The object at a local `#/a/b` reference. */
export function resolveRef(ref: string, document: Schema): Schema {
  let node: unknown = document
  for (const part of ref.replace(/^#\//, '').split('/')) node = isObject(node) ? node[part] : undefined
  if (!isObject(node)) throw new Error(`Unresolved $ref ${ref}`)
  return node
}

function hasType(value: unknown, type: string): boolean {
  if (type === 'integer') return Number.isInteger(value)
  if (type === 'array') return Array.isArray(value)
  if (type === 'object') return isObject(value)
  if (type === 'null') return value === null
  return typeof value === type
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value
}
