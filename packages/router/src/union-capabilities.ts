import type { Capabilities, MediaLimits } from '@portrait-animator/core'

/** What a set of targets can do together. */
export function unionCapabilities(list: readonly Capabilities[]): Capabilities {
  const union = <T>(pick: (capabilities: Capabilities) => readonly T[]): T[] => [...new Set(list.flatMap(pick))]
  const mergeLimits = <F extends string>(pick: (capabilities: Capabilities) => MediaLimits<F> | undefined): MediaLimits<F> | undefined => {
    const limits = list.map(pick).filter((item): item is MediaLimits<F> => item !== undefined)
    if (limits.length === 0) return undefined
    const max = (values: Array<number | undefined>) => (values.some((value) => value === undefined) ? undefined : Math.max(...(values as number[])))
    const result: { -readonly [K in keyof MediaLimits<F>]: MediaLimits<F>[K] } = { formats: [...new Set(limits.flatMap((item) => item.formats))] }
    const maxBytes = max(limits.map((item) => item.maxBytes))
    if (maxBytes !== undefined) result.maxBytes = maxBytes
    const min = (values: Array<number | undefined>) => (values.some((value) => value === undefined) ? undefined : Math.min(...(values as number[])))
    const widest = {
      maxDurationSeconds: max(limits.map((item) => item.maxDurationSeconds)),
      maxPixels: max(limits.map((item) => item.maxPixels)),
      maxWidth: max(limits.map((item) => item.maxWidth)),
      maxHeight: max(limits.map((item) => item.maxHeight)),
      maxAspectRatio: max(limits.map((item) => item.maxAspectRatio)),
      minWidth: min(limits.map((item) => item.minWidth)),
      minHeight: min(limits.map((item) => item.minHeight)),
    }
    for (const [key, value] of Object.entries(widest)) if (value !== undefined) result[key as keyof typeof widest] = value
    return result
  }
  const audio = mergeLimits((capabilities) => capabilities.inputs.audio)
  const video = mergeLimits((capabilities) => capabilities.inputs.video)
  return {
    outputs: union((capabilities) => capabilities.outputs),
    outputFormats: union((capabilities) => capabilities.outputFormats),
    motions: union((capabilities) => capabilities.motions),
    presets: union((capabilities) => capabilities.presets),
    framings: union((capabilities) => capabilities.framings),
    expressions: union((capabilities) => capabilities.expressions),
    jobs: false,
    cancel: false,
    webhooks: false,
    inputs: { image: mergeLimits((capabilities) => capabilities.inputs.image) ?? { formats: [] }, ...(audio ? { audio } : {}), ...(video ? { video } : {}) },
    offline: list.some((capabilities) => capabilities.offline),
    lifecycle: { status: 'active' },
  }
}
