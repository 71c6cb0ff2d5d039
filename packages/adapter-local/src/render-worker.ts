/**
 * A render worker thread of the offline animator's pool (see `render-pool.ts`): its own face
 * runtime and encoder, one job at a time. The face models start loading first (file reads and the
 * WebAssembly compile proceed in the background) while the rest of the package and its
 * dependencies are imported, which shortens a cold start.
 * @module
 */
import { loadHumanRuntime } from './human-runtime.js'

void loadHumanRuntime().catch(() => undefined)
await import('./render-worker-jobs.js')
