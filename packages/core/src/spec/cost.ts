/** What a call costs or is expected to cost. */
export interface Cost {
  /** Provider credits, in the provider's own unit. */
  readonly credits?: number
  /** US dollars, computed from the provider's published prices. */
  readonly usd?: number
  /** `estimated` before or without the provider's figure; `charged` when the provider reported it. */
  readonly basis: 'estimated' | 'charged'
  /** How the figure was obtained, when not obvious. */
  readonly note?: string
}

/** A cost known before the call (from the request alone). */
export type CostEstimate = Cost & { readonly basis: 'estimated' }
