import { readFile } from 'node:fs/promises'

/** The few tfjs `io` functions the router needs (taken from Human's own tfjs instance). */
export interface TensorflowIo {
  registerLoadRouter(router: (url: string | string[]) => unknown): void
  getModelArtifactsForJSON(modelJson: unknown, loadWeights: (manifest: WeightsGroup[]) => Promise<[unknown[], ArrayBuffer]>): Promise<unknown>
  concatenateArrayBuffers(buffers: ArrayBuffer[]): ArrayBuffer
}

interface WeightsGroup {
  readonly paths: readonly string[]
  readonly weights: readonly unknown[]
}

const REGISTERED = Symbol.for('portrait-animator.local.file-router')

/**
 * Teaches tfjs to load `file://` model URLs from disk. Human's node-wasm build would otherwise
 * `fetch()` them, and Node's fetch does not read files; nothing must go to the network.
 * Registered once per tfjs instance.
 */
export function registerModelFileRouter(io: TensorflowIo): void {
  const holder = io as unknown as Record<symbol, boolean>
  if (holder[REGISTERED]) return
  holder[REGISTERED] = true
  io.registerLoadRouter((url) => {
    if (typeof url !== 'string' || !url.startsWith('file://')) return null
    const modelUrl = new URL(url)
    return {
      load: async () => {
        const modelJson: unknown = JSON.parse(await readFile(modelUrl, 'utf8'))
        return io.getModelArtifactsForJSON(modelJson, async (manifest) => {
          const specs: unknown[] = []
          const buffers: ArrayBuffer[] = []
          for (const group of manifest) {
            for (const path of group.paths) {
              const data = await readFile(new URL(path, modelUrl))
              buffers.push(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer)
            }
            specs.push(...group.weights)
          }
          return [specs, io.concatenateArrayBuffers(buffers)]
        })
      },
    }
  })
}
