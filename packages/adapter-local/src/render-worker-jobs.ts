/**
 * The job loop of a render worker (see `render-worker.ts`): renders what the pool sends, one job
 * at a time, and answers with the result or a typed error.
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads'
import { toPortraitAnimatorError, type ProgressPhase } from '@portrait-animator/core/light'
import { probeNativeEncoder } from './encoder-choice.js'
import { loadHumanRuntime } from './human-runtime.js'
import { LOCAL_MODEL_ID, LOCAL_PROVIDER } from './local-errors.js'
import { renderAnimation } from './render-animation.js'
import type { RenderWorkerData, WorkerReply, WorkerRequest } from './render-worker-protocol.js'

const port = parentPort
if (port === null) throw new Error('render-worker.js runs as a worker thread of the render pool.')
const { faceCacheDir } = (workerData ?? {}) as RenderWorkerData
const running = new Map<number, AbortController>()
const reply = (message: WorkerReply, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer)
/** Progress goes to the pool in steps of at least this much (a message per frame cost ~0.5 ms each). */
const PROGRESS_STEP = 0.05

/** Forwards a job's progress: each new phase, its end, and steps of `PROGRESS_STEP` in between. */
function progressReporter(id: number): (phase: ProgressPhase, progress: number) => void {
  let lastPhase: ProgressPhase | undefined
  let lastProgress = 0
  return (phase, progress) => {
    if (phase === lastPhase && progress < 1 && progress - lastProgress < PROGRESS_STEP) return
    lastPhase = phase
    lastProgress = progress
    reply({ type: 'progress', id, phase, progress })
  }
}

port.on('message', (message: WorkerRequest) => {
  if (message.type === 'warm') {
    // The models load from the worker's start (render-worker.ts); the ffmpeg check runs meanwhile.
    void probeNativeEncoder()
  } else if (message.type === 'cancel') {
    running.get(message.id)?.abort(new DOMException('The render was cancelled.', 'AbortError'))
  } else {
    void render(message)
  }
})

async function render(job: Extract<WorkerRequest, { type: 'render' }>): Promise<void> {
  const controller = new AbortController()
  running.set(job.id, controller)
  try {
    const loadStarted = performance.now()
    // With a face cache the models load only for a photo it does not know (counted in detectMs).
    if (faceCacheDir === undefined) await loadHumanRuntime()
    const modelLoadMs = performance.now() - loadStarted
    const rendered = await renderAnimation(job.image, job.plan, {
      signal: controller.signal,
      deadline: job.remainingMs === undefined ? undefined : loadStarted + job.remainingMs,
      encoder: job.encoder,
      faceCacheDir,
      onProgress: progressReporter(job.id),
    })
    const { bytes } = rendered
    // Moved, not copied, when the bytes own their buffer (a pooled Buffer's must stay).
    const owned = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer
    reply({ type: 'done', id: job.id, rendered, modelLoadMs }, owned ? [bytes.buffer] : [])
  } catch (error) {
    reply({ type: 'failed', id: job.id, error: toPortraitAnimatorError(error, { provider: LOCAL_PROVIDER, modelId: LOCAL_MODEL_ID }).toJSON() })
  } finally {
    running.delete(job.id)
  }
}
