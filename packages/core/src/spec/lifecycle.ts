/**
 * Where a provider's model stands. The router reads it before calling: a `retired` target is
 * never called (unless the router is told to probe it) and its breaker stays open.
 */
export type Lifecycle =
  | { readonly status: 'active' }
  | {
      readonly status: 'deprecated' | 'retired'
      /** ISO date (`YYYY-MM-DD`) the provider announced the change, when known. */
      readonly since?: string
      /** What the provider said, in one or two sentences a user can act on. */
      readonly note: string
      /** Target ids (`provider/model`) that serve the same job, in order of preference. */
      readonly replacements?: readonly string[]
    }
