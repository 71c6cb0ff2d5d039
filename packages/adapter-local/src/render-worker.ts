/**
 * A render worker thread of the offline animator's pool (see `render-pool.ts`): its own face
 * runtime and encoder, one job at a time. Without a face analysis cache the face models start
 * loading first (file reads and the WebAssembly compile proceed in the background) while the rest
 * of the package and its dependencies are imported, which shortens a cold start; with one, they
 * load only for a photo the cache does not know.
 * @module
 */
import { workerData } from 'node:worker_threads'
import { loadHumanRuntime } from './human-runtime.js'
import type { RenderWorkerData } from './render-worker-protocol.js'

if ((workerData as RenderWorkerData | undefined)?.faceCacheDir === undefined) void loadHumanRuntime().catch(() => undefined)
await import('./render-worker-jobs.js')
