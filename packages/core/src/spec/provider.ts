import type { PortraitAnimator } from './animator.js'

/**
 * Settings for one provider entry of the router's configuration. `apiKey` is already resolved
 * (an `env:NAME` reference replaced by its value, or `undefined` when the variable is not set).
 */
export interface ProviderSettings {
  /** The API key, when the provider needs one. */
  readonly apiKey?: string
  /** Where the provider's API lives (an emulator, a proxy, a private deployment). */
  readonly baseUrl?: string
  /** Adapter-specific settings, validated by the adapter. */
  readonly [setting: string]: unknown
}

/** One provider with its models, as the router sees it. */
export interface AnimatorProvider {
  /** Provider name (`fal`). */
  readonly name: string
  /** Model ids it offers (`live-portrait`, `live-portrait-image`, `sadtalker`). */
  readonly models: readonly string[]
  /**
   * Why the provider cannot be used as configured (`FAL_KEY is not set`), or `undefined` when it
   * can. Targets of an unconfigured provider are skipped with this reason.
   */
  readonly unconfiguredReason?: string
  /** The animator for one model. */
  animator(modelId: string): PortraitAnimator
}

/**
 * What every adapter package exports as `createProvider`, so the router can load
 * `@portrait-animator/adapter-<name>` by name from a configuration file.
 */
export type AnimatorProviderFactory = (settings: ProviderSettings) => AnimatorProvider
