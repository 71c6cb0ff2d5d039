import type { CostEstimate } from '@portrait-animator/core'

/** Credits per successful Live Photos request (the overview page's billing table). Failures are not billed. */
export const AILAB_LIVE_PHOTO_CREDITS = 22

/** USD per credit at AILab's published unit price. */
export const AILAB_USD_PER_CREDIT = 0.0027

/**
 * What one successful Live Photos call costs: 22 credits, about $0.059. AILab does not report the
 * charge in the response, so the figure is always an estimate from the published prices.
 */
export const AILAB_LIVE_PHOTO_COST: CostEstimate = {
  credits: AILAB_LIVE_PHOTO_CREDITS,
  usd: Math.round(AILAB_LIVE_PHOTO_CREDITS * AILAB_USD_PER_CREDIT * 10_000) / 10_000,
  basis: 'estimated',
  note: `${AILAB_LIVE_PHOTO_CREDITS} credits per successful request at $${AILAB_USD_PER_CREDIT} per credit; failed requests are not billed.`,
}
