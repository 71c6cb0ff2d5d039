import { toPortraitAnimatorError, type AnimationResult, type RouteConfig } from '@portrait-animator/core'
import type { PreparedRequest } from './prepare-request.js'
import type { RequestContext } from './request-context.js'
import { runFallback } from './strategy-fallback.js'
import type { TargetRunner } from './target-runner.js'

/**
 * The `shadow` strategy: serves from the route's targets (as `fallback`) while each shadow target
 * runs in the background, in a context of its own (no caller signal: the answer never waits for
 * it), and reports a `shadow-result` event; `router.settle()` waits for them.
 */
export function runShadow(runner: TargetRunner, route: Extract<RouteConfig, { strategy: 'shadow' }>, prepared: PreparedRequest, context: RequestContext): Promise<AnimationResult> {
  for (const id of route.shadow) runner.inBackground(shadowRun(runner, id, prepared, context))
  return runFallback(runner, route.targets, prepared, context)
}

async function shadowRun(runner: TargetRunner, id: string, prepared: PreparedRequest, context: RequestContext): Promise<void> {
  const shadowContext = runner.sideContext(context, `${context.requestId}-shadow`, {})
  const started = runner.now()
  try {
    if (await runner.skip(id, prepared, shadowContext)) return
    await runner.run(id, prepared, shadowContext)
    context.emit({ type: 'shadow-result', target: id, ok: true, durationMs: runner.now() - started })
  } catch (thrown) {
    context.emit({ type: 'shadow-result', target: id, ok: false, durationMs: runner.now() - started, errorKind: toPortraitAnimatorError(thrown).kind })
  } finally {
    shadowContext.end()
  }
}
