import { PortraitAnimatorError, toPortraitAnimatorError, type AnimationResult, type CompareEntry } from '@portrait-animator/core'
import type { PreparedRequest } from './prepare-request.js'
import type { RequestContext } from './request-context.js'
import { allTargetsFailed } from './request-outcome.js'
import type { TargetRunner } from './target-runner.js'

/** The `compare` strategy: runs every target and serves the first that succeeded, with every outcome in `providerMetadata.router.compare`. */
export async function runCompare(runner: TargetRunner, ids: readonly string[], prepared: PreparedRequest, context: RequestContext, concurrency: number): Promise<AnimationResult> {
  const entries = await compareTargets(runner, ids, prepared, context, concurrency)
  const winner = entries.find((entry) => entry.ok)
  if (winner?.result) return { ...winner.result, providerMetadata: { ...winner.result.providerMetadata, router: { compare: entries.map(summarise) } } }
  throw allTargetsFailed(entries.flatMap((entry) => (entry.error ? [entry.error] : [])), context)
}

/** Runs each of `ids` (at most `concurrency` at once), each in a context of its own, and reports every outcome in order. */
export async function compareTargets(runner: TargetRunner, ids: readonly string[], prepared: PreparedRequest, parent: RequestContext, concurrency: number): Promise<CompareEntry[]> {
  const results: CompareEntry[] = new Array(ids.length)
  let next = 0
  async function worker() {
    while (next < ids.length) {
      const index = next++
      const context = runner.sideContext(parent, `${parent.requestId}-${index}`, parent.options)
      try {
        results[index] = await compareOne(runner, ids[index]!, prepared, context)
      } finally {
        context.end()
      }
      parent.attempts.push(...context.attempts)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, worker))
  return results
}

async function compareOne(runner: TargetRunner, id: string, prepared: PreparedRequest, context: RequestContext): Promise<CompareEntry> {
  const started = runner.now()
  if (await runner.skip(id, prepared, context)) {
    const reason = context.attempts.at(-1)?.reason ?? 'skipped'
    return { target: id, ok: false, error: new PortraitAnimatorError({ kind: 'unsupported', message: `${id} was skipped: ${reason}`, attempts: context.attempts }), durationMs: 0 }
  }
  try {
    const result = await runner.run(id, prepared, context)
    return { target: id, ok: true, result: { ...result, attempts: [...context.attempts] }, durationMs: runner.now() - started }
  } catch (thrown) {
    return { target: id, ok: false, error: toPortraitAnimatorError(thrown), durationMs: runner.now() - started }
  }
}

function summarise(entry: CompareEntry): Record<string, unknown> {
  return { target: entry.target, ok: entry.ok, durationMs: entry.durationMs, ...(entry.error ? { errorKind: entry.error.kind } : {}) }
}
