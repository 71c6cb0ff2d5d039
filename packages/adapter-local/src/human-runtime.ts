import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { registerModelFileRouter, type TensorflowIo } from './model-file-router.js'

/** A tfjs tensor, as far as this package uses it. */
export interface TensorLike {
  readonly shape: readonly number[]
  dispose(): void
}

/** One face as Human reports it (only the fields used here). */
export interface HumanFace {
  readonly box: readonly [number, number, number, number]
  readonly score: number
  readonly mesh: ReadonlyArray<readonly number[]>
  readonly embedding?: readonly number[]
}

/** The part of Human's API this package uses. */
export interface HumanInstance {
  readonly tf: {
    readonly io: TensorflowIo
    tensor4d(values: Uint8Array | Int32Array, shape: [number, number, number, number], dtype: 'int32'): TensorLike
    zeros(shape: number[], dtype?: string): TensorLike
    getBackend(): string
  }
  readonly models: { readonly models: Record<string, { inputs?: ReadonlyArray<{ shape?: number[]; dtype?: string }>; execute(input: TensorLike): TensorLike | TensorLike[] } | null> }
  readonly match: { similarity(first: readonly number[], second: readonly number[], options?: { order?: number; multiplier?: number }): number }
  load(): Promise<void>
  detect(input: TensorLike, config?: Record<string, unknown>): Promise<{ readonly face: readonly HumanFace[]; readonly error?: string | null }>
}

/** A loaded Human, ready to detect faces. */
export interface HumanRuntime {
  readonly human: HumanInstance
  /** Milliseconds the process spent loading the models (once). */
  readonly loadMs: number
  /** Runs `task` alone: Human keeps per-call state, so detections never overlap. */
  exclusive<T>(task: () => Promise<T>): Promise<T>
}

const require = createRequire(import.meta.url)
let runtime: Promise<HumanRuntime> | undefined
let version: string | undefined

/**
 * What Human's answers depend on besides the pixels: the versions of Human and tfjs and Human's
 * settings here (without the folders). Read without loading Human, for the face analysis cache.
 */
export function analysisVersion(): string {
  if (version !== undefined) return version
  const humanDist = dirname(require.resolve('@vladmandic/human'))
  const humanVersion = (JSON.parse(readFileSync(join(humanDist, '..', 'package.json'), 'utf8')) as { version: string }).version
  const tfjs = ['core', 'converter', 'backend-wasm'].map((name) => `tfjs-${name}@${(require(`@tensorflow/tfjs-${name}/package.json`) as { version: string }).version}`)
  const settings = { ...humanConfig(), wasmPath: undefined, modelBasePath: undefined }
  version = [`human@${humanVersion}`, ...tfjs, JSON.stringify(settings)].join(' ')
  return version
}

/**
 * Human configured for this package: the tfjs wasm backend, models read from Human's own package
 * on disk, no frame-to-frame caching (so the same image always gives the same landmarks). Only the
 * models the animator needs load up front (detector, mesh, iris); the description model (7 MB,
 * for `describeFace`) loads on the first detection that asks for it (Human's `detect` loads the
 * models its configuration enables).
 */
function humanConfig(): Record<string, unknown> {
  const humanDist = dirname(require.resolve('@vladmandic/human'))
  const wasmDist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))
  return {
    backend: 'wasm',
    wasmPath: `${wasmDist}/`,
    modelBasePath: `${pathToFileURL(join(humanDist, '..', 'models')).href}/`,
    cacheModels: false,
    cacheSensitivity: 0,
    debug: false,
    warmup: 'none',
    filter: { enabled: false },
    face: {
      enabled: true,
      detector: { enabled: true, rotation: true, maxDetected: 10, minConfidence: 0.5, skipFrames: 0, skipTime: 0, return: false },
      mesh: { enabled: true },
      iris: { enabled: true, skipFrames: 0, skipTime: 0 },
      description: { enabled: false, skipFrames: 0, skipTime: 0 },
      emotion: { enabled: false },
      antispoof: { enabled: false },
      liveness: { enabled: false },
      attention: { enabled: false },
      gear: { enabled: false },
    },
    body: { enabled: false },
    hand: { enabled: false },
    object: { enabled: false },
    gesture: { enabled: false },
    segmentation: { enabled: false },
  }
}

/**
 * Loads Human and its face models once per process (later calls share the same promise).
 * Nothing is fetched from the network: models come from `@vladmandic/human/models`, the wasm
 * binaries from `@tensorflow/tfjs-backend-wasm/dist`.
 */
export function loadHumanRuntime(): Promise<HumanRuntime> {
  runtime ??= createRuntime().catch(async (error: unknown) => {
    runtime = undefined
    // Imported here: a render worker starts loading the models before the rest of the package.
    const { localError } = await import('./local-errors.js')
    throw localError({ kind: 'unavailable', retryable: false, message: 'The offline face models could not be loaded.', cause: error })
  })
  return runtime.then((loaded) => loaded)
}

async function createRuntime(): Promise<HumanRuntime> {
  const started = performance.now()
  const humanDist = dirname(require.resolve('@vladmandic/human'))
  // The package's default export expects tfjs-node; its node-wasm build is not in its exports map.
  const module = require(join(humanDist, 'human.node-wasm.js')) as { Human: new (config: Record<string, unknown>) => HumanInstance }
  const human = new module.Human(humanConfig())
  registerModelFileRouter(human.tf.io)
  // No warm-up run on zeros: it cost more than it saved on the first detection (measured: about
  // 130 ms more CPU before the first face with the three models, 390 ms with the description model).
  await human.load()
  let queue: Promise<unknown> = Promise.resolve()
  const exclusive = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task)
    queue = run.catch(() => undefined)
    return run
  }
  return { human, loadMs: performance.now() - started, exclusive }
}
