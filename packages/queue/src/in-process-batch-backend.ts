import { access, readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { toPortraitAnimatorError, writeFileAtomic } from '@portrait-animator/core'
import { FileRetirementStore } from '@portrait-animator/router'
import type { AnimationJobResult } from './animation-job.js'
import type { AnimationWorkerOptions } from './animation-worker.js'
import type { BatchBackend, BatchJob, BatchJobStatus } from './batch-backend.js'
import { loadWorkerConfig } from './load-worker-config.js'
import { FileHandleJournal } from './file-handle-journal.js'
import { AnimationJobError, runAnimationJob, type JobRunnerDependencies } from './run-animation-job.js'
import { WorkerRouters } from './worker-routers.js'

/** Options of `InProcessBatchBackend.open`: a worker's, without Redis, plus where the state goes. */
export interface InProcessBatchBackendOptions extends Pick<AnimationWorkerOptions, 'config' | 'env' | 'concurrency' | 'allowPrivateNetwork' | 'onEvent' | 'unknownAcceptance'> {
  /** Where the batch keeps its journal of provider handles and its done records. */
  readonly stateDir: string
}

/**
 * A batch run by this process alone, with no Redis: the same job runner as the workers, a file
 * journal of provider handles (so an interrupted batch resumes its paid jobs) and a done record
 * per job (so the same batch again does no paid work).
 */
export class InProcessBatchBackend implements BatchBackend {
  private readonly status = new Map<string, BatchJobStatus>()
  private readonly queue: BatchJob[] = []
  private readonly controller = new AbortController()
  private readonly running = new Set<Promise<void>>()

  private constructor(private readonly runner: JobRunnerDependencies, private readonly doneDir: string, private readonly concurrency: number) {}

  static async open(options: InProcessBatchBackendOptions): Promise<InProcessBatchBackend> {
    const loaded = await loadWorkerConfig(options.config, options.env)
    const routers = new WorkerRouters({
      loaded,
      ...(options.env ? { env: options.env } : {}),
      retirements: new FileRetirementStore(resolve(loaded.config.stateDir ?? '.portrait-animator')),
      ...(options.allowPrivateNetwork ? { allowPrivateNetwork: true } : {}),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    })
    const journal = new FileHandleJournal(join(options.stateDir, 'journal'))
    const runner = { routers, journal, ...(options.unknownAcceptance ? { unknownAcceptance: options.unknownAcceptance } : {}) }
    return new InProcessBatchBackend(runner, join(options.stateDir, 'done'), options.concurrency ?? 4)
  }

  async submit(jobs: readonly BatchJob[]): Promise<void> {
    for (const job of jobs) {
      if (this.status.has(job.id)) continue
      const done = await this.doneRecord(job)
      if (done) {
        this.status.set(job.id, { state: 'completed', result: done })
        continue
      }
      this.status.set(job.id, { state: 'waiting' })
      this.queue.push(job)
    }
    this.pump()
  }

  async statuses(ids: readonly string[]): Promise<Map<string, BatchJobStatus>> {
    return new Map(ids.flatMap((id) => (this.status.has(id) ? [[id, this.status.get(id)!] as const] : [])))
  }

  async close(force = false): Promise<void> {
    this.queue.length = 0
    if (force) this.controller.abort(new DOMException('The batch was interrupted.', 'AbortError'))
    await Promise.allSettled([...this.running])
  }

  private pump(): void {
    while (this.running.size < this.concurrency && this.queue.length > 0) {
      const job = this.queue.shift()!
      const run = this.run(job).finally(() => {
        this.running.delete(run)
        this.pump()
      })
      this.running.add(run)
    }
  }

  private async run(job: BatchJob): Promise<void> {
    this.status.set(job.id, { state: 'active' })
    const runnable = { id: job.id, data: job.data, updateProgress: async (progress: never) => void this.status.set(job.id, { state: 'active', progress }) }
    try {
      const result = await runAnimationJob(runnable, this.runner, this.controller.signal)
      await writeFileAtomic(join(this.doneDir, `${job.id}.json`), Buffer.from(JSON.stringify(result)))
      this.status.set(job.id, { state: 'completed', result })
    } catch (thrown) {
      if (this.controller.signal.aborted) return // left for the next run (journaled if submitted)
      const failure = thrown instanceof AnimationJobError ? thrown.failure : { kind: toPortraitAnimatorError(thrown).kind, reason: (thrown as Error).message }
      this.status.set(job.id, { state: 'failed', failure })
    }
  }

  /** The result of a job an earlier run finished, if its output is still there. */
  private async doneRecord(job: BatchJob): Promise<AnimationJobResult | undefined> {
    try {
      const result = JSON.parse(await readFile(join(this.doneDir, `${job.id}.json`), 'utf8')) as AnimationJobResult
      await access(result.output)
      return result
    } catch {
      return undefined
    }
  }
}
