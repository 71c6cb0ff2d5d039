import { createPublicOnlyLookup } from './public-address-lookup.js'

let shared: Promise<typeof fetch> | undefined

/**
 * A fetch whose connections refuse hosts that resolve to a private address at connect time (the
 * error's cause has code `EPRIVATEADDRESS`). Used for downloads when the caller injects no fetch
 * and private networks are not allowed. Built once, on first use, from undici (a dependency of
 * core) because the global fetch cannot take a custom DNS lookup.
 */
export function publicOnlyFetch(): Promise<typeof fetch> {
  shared ??= import('undici').then((undici) => {
    const dispatcher = new undici.Agent({ connect: { lookup: createPublicOnlyLookup() } })
    return ((input: string | URL | Request, init?: RequestInit) =>
      undici.fetch(input as string | URL, { ...(init as object), dispatcher } as Parameters<typeof undici.fetch>[1])) as unknown as typeof fetch
  })
  return shared
}
