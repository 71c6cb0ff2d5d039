import { readFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { Motion } from '@portrait-animator/core'
import { UsageError } from '../exit-codes.js'
import { parseCsvRows } from './csv-rows.js'
import { motionFromFlags, sourcePath, type MotionFlags } from './motion-flags.js'

/** One image of a comparison and the motion asked of it. */
export interface CompareJob {
  /** The image as written (a path relative to the manifest is kept as written, for the report). */
  readonly source: string
  /** The image to load: an absolute path, a URL or a data URI. */
  readonly image: string
  readonly motion: Motion
  /** Values of the `extraColumns` the caller accepts (e.g. a batch's `output` name), by column. */
  readonly extra?: Readonly<Record<string, string>>
}

/** Column names a manifest row may use (CSV header or JSONL keys); `driving_video` and `drivingVideo` are accepted too. */
export const MANIFEST_COLUMNS = ['image', 'preset', 'framing', 'expression', 'audio', 'start', 'end', 'driving-video'] as const

const ALIASES: Readonly<Record<string, string>> = { driving_video: 'driving-video', drivingVideo: 'driving-video', video: 'driving-video', startSeconds: 'start', endSeconds: 'end' }

/**
 * Reads a comparison manifest: one row per image with its own motion, as CSV (a header row naming
 * the columns) or JSON Lines (`.jsonl`/`.ndjson`, one object per line; `expression` may also be an
 * object such as `{"smile": 0.8}`). Paths inside are relative to the manifest's folder. A row
 * without a motion column gets `defaults` (the command line's motion flags, relative to `cwd`).
 *
 * @throws UsageError naming the line and column of a bad row.
 * @example
 * ```csv
 * image,audio,start,end,expression
 * me.jpg,hello.wav,0,2,
 * you.jpg,,,,"smile=0.8,yaw=10"
 * ```
 */
export async function readCompareManifest(path: string, options: { readonly defaults?: MotionFlags; readonly cwd: string; readonly extraColumns?: readonly string[] }): Promise<CompareJob[]> {
  const defaults = options.defaults ?? {}
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new UsageError(`--manifest: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
  }
  const rows = /\.(jsonl|ndjson)$/i.test(path) ? jsonlRows(text) : csvRows(text)
  if (rows.length === 0) throw new UsageError(`--manifest: ${path} has no rows.`)
  const base = dirname(path)
  return rows.map(({ line, fields }) => {
    const where = `--manifest line ${line}: `
    const known = [...MANIFEST_COLUMNS, ...(options.extraColumns ?? [])]
    const extra: Record<string, string> = {}
    for (const [name, value] of Object.entries(fields)) {
      if (!known.includes(name)) throw new UsageError(`${where}unknown column "${name}" (known: ${known.join(', ')}).`)
      if (!(MANIFEST_COLUMNS as readonly string[]).includes(name)) extra[name] = value
    }
    for (const name of Object.keys(extra)) delete fields[name]
    const image = fields.image
    if (!image) throw new UsageError(`${where}the image column is empty.`)
    const hasMotion = ['preset', 'expression', 'audio', 'driving-video'].some((name) => fields[name] !== undefined)
    const flags: MotionFlags = hasMotion ? fields : { ...defaults, ...(fields.framing === undefined ? {} : { framing: fields.framing }) }
    return { source: image, image: sourcePath(image, base), motion: motionFromFlags(flags, hasMotion ? base : options.cwd, where), ...(Object.keys(extra).length > 0 ? { extra } : {}) }
  })
}

interface ManifestRow {
  readonly line: number
  readonly fields: Record<string, string>
}

function csvRows(text: string): ManifestRow[] {
  let table: string[][]
  try {
    table = parseCsvRows(text.replace(/^\uFEFF/, ''))
  } catch (error) {
    throw new UsageError(`--manifest: ${(error as Error).message}.`)
  }
  const [header, ...body] = table
  if (header === undefined) return []
  const names = header.map((name) => canonical(name.trim()))
  return body.map((cells, index) => {
    const fields: Record<string, string> = {}
    cells.forEach((cell, column) => {
      const value = cell.trim()
      if (value !== '') fields[names[column] ?? `column ${column + 1}`] = value
    })
    return { line: index + 2, fields }
  })
}

function jsonlRows(text: string): ManifestRow[] {
  const rows: ManifestRow[] = []
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    if (raw.trim() === '') continue
    let value: unknown
    try {
      value = JSON.parse(raw)
    } catch {
      throw new UsageError(`--manifest line ${index + 1}: not a JSON object.`)
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`--manifest line ${index + 1}: not a JSON object.`)
    const fields: Record<string, string> = {}
    for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
      if (field === null || field === undefined || field === '') continue
      const name = canonical(key)
      if (name === 'expression' && typeof field === 'object') fields[name] = Object.entries(field as Record<string, unknown>).map(([control, amount]) => `${control}=${String(amount)}`).join(',')
      else fields[name] = String(field)
    }
    rows.push({ line: index + 1, fields })
  }
  return rows
}

function canonical(name: string): string {
  return ALIASES[name] ?? name
}
