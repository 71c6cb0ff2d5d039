import { createHash, randomBytes } from 'node:crypto'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { isAbsolute, join, resolve } from 'node:path'
import type { HumanFace } from './human-runtime.js'

/** The environment variable that names the offline animator's cache folder. */
export const CACHE_DIR_ENV = 'PORTRAIT_ANIMATOR_CACHE_DIR'

/** Bump when the stored format changes: entries of another format are misses. */
const FORMAT = 1

/** Where the platform keeps caches: what `defaultFaceCacheDir` reads besides the environment. */
export interface CachePlatformPaths {
  readonly platform?: NodeJS.Platform
  readonly home?: string
}

/**
 * The face-analysis cache folder used when the settings name none: `faces` in
 * `$PORTRAIT_ANIMATOR_CACHE_DIR`, else in the platform's place for caches:
 * - Linux and others: `$XDG_CACHE_HOME/portrait-animator`, else `~/.cache/portrait-animator`;
 * - macOS: `~/Library/Caches/portrait-animator` (`$XDG_CACHE_HOME` is honoured first);
 * - Windows: `%LOCALAPPDATA%\portrait-animator\cache` (`$XDG_CACHE_HOME` is honoured first).
 */
export function defaultFaceCacheDir(env: Readonly<Record<string, string | undefined>> = process.env, paths: CachePlatformPaths = {}): string {
  const explicit = env[CACHE_DIR_ENV]
  if (explicit) return join(resolve(explicit), 'faces')
  const xdg = env.XDG_CACHE_HOME
  // The XDG specification says a relative path is invalid and must be ignored.
  if (xdg && isAbsolute(xdg)) return join(xdg, 'portrait-animator', 'faces')
  const home = paths.home ?? homedir()
  const platform = paths.platform ?? process.platform
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'portrait-animator', 'faces')
  if (platform === 'win32') return join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'portrait-animator', 'cache', 'faces')
  return join(home, '.cache', 'portrait-animator', 'faces')
}

/** The pixels analysed and how: everything Human's answer depends on besides its own version and settings. */
export interface AnalysisInput {
  /** RGB, 3 bytes per pixel. */
  readonly rgb: Uint8Array
  readonly width: number
  readonly height: number
  readonly describe: boolean
}

/**
 * The cache key of one analysis: a SHA-256 of `version` (Human's and tfjs's versions and Human's
 * settings, see `analysisVersion`), the cache format, the image size, `describe` and every pixel.
 */
export function faceAnalysisKey(version: string, input: AnalysisInput): string {
  return createHash('sha256')
    .update(`${version}\n${FORMAT}\n${input.width}x${input.height}\n${input.describe ? 'describe' : 'landmarks'}\n`)
    .update(input.rgb)
    .digest('hex')
}

/**
 * A folder of Human's face analyses (boxes, scores, landmarks and descriptors as Human gave them),
 * one JSON file per key. Human is deterministic on the same pixels with the same versions and
 * settings, so a hit is exactly what analysing again would give, and a fresh process with a warm
 * cache renders a photo it has seen before without loading the face models at all.
 *
 * Safe to share between processes and threads: an entry is written to a file of its own and
 * renamed into place, so readers see a whole entry or none; an entry that cannot be read, parsed or
 * validated, or that names another key, is a miss (and is rewritten after the analysis). Failing
 * writes (a read-only or full disk) are ignored: the cache only saves time. Nothing is ever
 * evicted; entries are about 30 KB per face and the folder can be deleted at any time.
 */
export function createFaceAnalysisCache(directory: string) {
  const pathOf = (key: string) => join(directory, key.slice(0, 2), `${key}.json`)
  return {
    /** The faces stored under `key`, or `undefined` on a miss (none, unreadable or invalid). */
    async read(key: string): Promise<readonly HumanFace[] | undefined> {
      try {
        const stored: unknown = JSON.parse(await readFile(pathOf(key), 'utf8'))
        return parseEntry(stored, key)
      } catch {
        return undefined
      }
    },
    /** Stores `faces` under `key`; never throws. */
    async write(key: string, faces: readonly HumanFace[]): Promise<void> {
      const path = pathOf(key)
      const temporary = `${path}.${randomBytes(6).toString('hex')}.partial`
      try {
        await mkdir(join(directory, key.slice(0, 2)), { recursive: true })
        const entry = { format: FORMAT, key, faces: faces.map(({ box, score, mesh, embedding }) => ({ box, score, mesh, ...(embedding === undefined ? {} : { embedding }) })) }
        await writeFile(temporary, JSON.stringify(entry), { flag: 'wx' })
        await rename(temporary, path)
      } catch {
        await rm(temporary, { force: true }).catch(() => undefined)
      }
    },
  }
}

/** A face analysis cache (see `createFaceAnalysisCache`). */
export type FaceAnalysisCache = ReturnType<typeof createFaceAnalysisCache>

function parseEntry(stored: unknown, key: string): readonly HumanFace[] | undefined {
  if (typeof stored !== 'object' || stored === null) return undefined
  const entry = stored as { format?: unknown; key?: unknown; faces?: unknown }
  if (entry.format !== FORMAT || entry.key !== key || !Array.isArray(entry.faces)) return undefined
  return entry.faces.every(isFace) ? (entry.faces as HumanFace[]) : undefined
}

const isNumbers = (value: unknown, length?: number): value is number[] =>
  Array.isArray(value) && (length === undefined || value.length === length) && value.every((item) => typeof item === 'number' && Number.isFinite(item))

function isFace(value: unknown): value is HumanFace {
  if (typeof value !== 'object' || value === null) return false
  const face = value as { box?: unknown; score?: unknown; mesh?: unknown; embedding?: unknown }
  return (
    isNumbers(face.box, 4) &&
    typeof face.score === 'number' &&
    Array.isArray(face.mesh) &&
    face.mesh.every((point) => isNumbers(point, 3)) &&
    (face.embedding === undefined || isNumbers(face.embedding))
  )
}
