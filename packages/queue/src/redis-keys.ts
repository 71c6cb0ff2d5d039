/** The default prefix of every key the queue package writes. */
export const DEFAULT_PREFIX = 'pa:'

/** Options every Redis store accepts. */
export interface RedisStoreOptions {
  /** Prefix of every key, so several deployments can share one Redis. @default 'pa:' */
  readonly prefix?: string
}

/** The keys of one store, under `prefix`. */
export function keyOf(options: RedisStoreOptions | undefined, ...parts: string[]): string {
  return `${options?.prefix ?? DEFAULT_PREFIX}${parts.join(':')}`
}
