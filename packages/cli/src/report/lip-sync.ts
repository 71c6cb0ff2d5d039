/** Correlation below which a lip-sync peak is not trusted. */
export const MIN_LIP_SYNC_CORRELATION = 0.3

/** Where mouth motion and speech line up best. */
export interface LipSyncMatch {
  /** Positive when the mouth moves after the sound (the video is late), in seconds. */
  readonly offsetSeconds: number
  /** Pearson correlation at that offset, -1..1. */
  readonly correlation: number
}

/**
 * The lip-sync offset: the lag at which mouth-region motion (one value per frame) correlates best
 * with the speech's loudness envelope (same rate), searched within `maxLagSeconds` either way.
 * A mouth that moves while there is sound and rests in silence correlates at the true offset.
 *
 * @returns the best lag, or `undefined` when the series overlap too little (under 10 values) or
 *   either is flat.
 * @example
 * ```ts
 * lipSyncOffset(mouthMotion, envelope.values, 25) // { offsetSeconds: 0.04, correlation: 0.71 }
 * ```
 */
export function lipSyncOffset(mouth: ArrayLike<number>, envelope: ArrayLike<number>, rate: number, maxLagSeconds = 0.5): LipSyncMatch | undefined {
  const maxLag = Math.round(maxLagSeconds * rate)
  let best: LipSyncMatch | undefined
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    // mouth[i] against envelope[i - lag].
    const from = Math.max(0, lag)
    const to = Math.min(mouth.length, envelope.length + lag)
    if (to - from < 10) continue
    const correlation = pearson(mouth, envelope, from, to, lag)
    if (correlation === undefined) continue
    if (best === undefined || correlation > best.correlation) best = { offsetSeconds: lag / rate, correlation }
  }
  return best
}

function pearson(mouth: ArrayLike<number>, envelope: ArrayLike<number>, from: number, to: number, lag: number): number | undefined {
  const count = to - from
  let sumA = 0
  let sumB = 0
  for (let index = from; index < to; index++) {
    sumA += mouth[index]!
    sumB += envelope[index - lag]!
  }
  const meanA = sumA / count
  const meanB = sumB / count
  let covariance = 0
  let varianceA = 0
  let varianceB = 0
  for (let index = from; index < to; index++) {
    const a = mouth[index]! - meanA
    const b = envelope[index - lag]! - meanB
    covariance += a * b
    varianceA += a * a
    varianceB += b * b
  }
  if (varianceA === 0 || varianceB === 0) return undefined
  return covariance / Math.sqrt(varianceA * varianceB)
}
