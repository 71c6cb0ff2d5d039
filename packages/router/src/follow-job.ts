import { PortraitAnimatorError, sleep, type AnimationResult, type CallOptions, type JobHandle, type PortraitAnimator } from '@portrait-animator/core'

/** Polls `status()` until the job ends. */
export async function followJob(animator: PortraitAnimator, handle: JobHandle, options: CallOptions, intervalMs: number): Promise<AnimationResult> {
  for (;;) {
    options.signal?.throwIfAborted()
    const status = await animator.status!(handle, options)
    if (status.state === 'completed') return status.result
    if (status.state === 'failed') {
      throw new PortraitAnimatorError({ kind: status.errorKind, message: status.message, provider: animator.provider, modelId: animator.modelId, accepted: true, ...(status.providerCode ? { providerCode: status.providerCode } : {}) })
    }
    await sleep(intervalMs, options.signal)
  }
}
