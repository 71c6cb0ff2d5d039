import { redactValue, type AnimationResult } from '@portrait-animator/core'

/** A few human lines on how a result was obtained. */
export function describeResult(result: AnimationResult, path: string, bytes: number): string {
  const lines: string[] = []
  const seconds = (result.timings.totalMs / 1000).toFixed(1)
  const size = bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`
  const shape = [result.output.width && result.output.height ? `${result.output.width}x${result.output.height}` : '', result.output.durationSeconds ? `${result.output.durationSeconds.toFixed(1)} s` : '']
    .filter(Boolean)
    .join(', ')
  lines.push(`Served by ${result.servedBy.target}${result.arm ? ` (arm ${result.arm})` : ''} in ${seconds} s: ${path} (${result.output.mimeType}${shape ? `, ${shape}` : ''}, ${size})`)
  if (result.cost) {
    const cost = [result.cost.usd !== undefined ? `$${result.cost.usd.toFixed(3)}` : '', result.cost.credits !== undefined ? `${result.cost.credits} credits` : ''].filter(Boolean).join(', ')
    if (cost) lines.push(`Cost: ${cost} (${result.cost.basis})`)
  }
  for (const warning of result.warnings) lines.push(`Warning: ${warning.message}`)
  return lines.join('\n')
}

/** The machine-readable form of a result (for --json). */
export function resultJson(result: AnimationResult, path: string, note?: string): Record<string, unknown> {
  const { output, ...rest } = result
  // Provider metadata may hold signed URLs: the JSON output goes through the same scrubbing as errors.
  return redactValue({
    ok: true,
    output: {
      path,
      kind: output.kind,
      format: output.format,
      mimeType: output.mimeType,
      ...(output.width ? { width: output.width } : {}),
      ...(output.height ? { height: output.height } : {}),
      ...(output.durationSeconds ? { durationSeconds: output.durationSeconds } : {}),
      ...(output.fps ? { fps: output.fps } : {}),
    },
    ...rest,
    ...(note ? { note } : {}),
  }) as Record<string, unknown>
}
