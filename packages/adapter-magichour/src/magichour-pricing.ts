import type { Cost, CostEstimate } from '@portrait-animator/core'

/**
 * US dollars per Magic Hour credit used to turn credits into money. The docs list $0.0012
 * (Creator), $0.00195 (Pro) and $0.0025 (Business) per credit before volume discounts
 * (providers.md §3.2); the default takes the highest, so an estimate is an upper bound for any plan.
 * Pass `usdPerCredit` to the factory to use your own plan's price.
 */
export const DEFAULT_USD_PER_CREDIT = 0.0025

/** Talking-photo generation modes SDK 0.43.1 can send. */
export type TalkingPhotoMode = 'expressive' | 'pro' | 'stable' | 'standard'

/**
 * Talking-photo credits per second of clip. Assumption, from the current docs (providers.md §3.2):
 * "20 credits/second prompted, 48 realistic", where `pro`/`stable` are served as realistic and
 * `standard`/`expressive` as prompted. The older "~10-15 credits/sec" figure is lower, so these
 * rates over-estimate rather than under-estimate. The API's own `credits_charged` replaces the
 * estimate once the project is known.
 */
export const TALKING_PHOTO_CREDITS_PER_SECOND: Readonly<Record<TalkingPhotoMode, number>> = {
  pro: 48,
  stable: 48,
  standard: 20,
  expressive: 20,
}

/** Image-to-video output resolutions SDK 0.43.1 can ask for. */
export type ImageToVideoResolution = '480p' | '720p' | '1080p'

/**
 * Image-to-video credits per second, from the 0.43.1 `resolution` doc comment: 120 credits per
 * 5 s at 480p, 300 per 5 s at 720p, 600 per 5 s at 1080p.
 */
export const IMAGE_TO_VIDEO_CREDITS_PER_SECOND: Readonly<Record<ImageToVideoResolution, number>> = {
  '480p': 24,
  '720p': 60,
  '1080p': 120,
}

/** An estimate of `credits` at `usdPerCredit`, with a note saying how it was reached. */
export function creditEstimate(credits: number, usdPerCredit: number, note: string): CostEstimate {
  const rounded = Math.ceil(credits)
  return { credits: rounded, usd: roundUsd(rounded * usdPerCredit), basis: 'estimated', note }
}

/** The cost Magic Hour reported (`credits_charged`), in credits and dollars. */
export function chargedCost(credits: number, usdPerCredit: number): Cost {
  return {
    credits,
    usd: roundUsd(credits * usdPerCredit),
    basis: 'charged',
    note: `credits_charged reported by Magic Hour; USD at $${usdPerCredit} per credit`,
  }
}

function roundUsd(value: number): number {
  return Math.round(value * 10_000) / 10_000
}
