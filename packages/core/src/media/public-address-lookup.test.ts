import type { LookupAddress } from 'node:dns'
import { describe, expect, it } from 'vitest'
import { PRIVATE_ADDRESS_CODE, createPublicOnlyLookup } from './public-address-lookup.js'

/** A resolver that answers from a table, like DNS would at connect time. */
function fakeResolver(table: Record<string, LookupAddress[]>) {
  return (hostname: string, _options: unknown, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => {
    const addresses = table[hostname]
    if (addresses === undefined) callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), [])
    else callback(null, addresses)
  }
}

function lookupOnce(lookup: ReturnType<typeof createPublicOnlyLookup>, hostname: string, all: boolean) {
  return new Promise<{ error: NodeJS.ErrnoException | null; address: unknown; family?: number }>((resolve) => {
    lookup(hostname, { all } as never, ((error: NodeJS.ErrnoException | null, address: unknown, family?: number) => resolve({ error, address, family })) as never)
  })
}

describe('createPublicOnlyLookup (connect-time check against DNS rebinding)', () => {
  const lookup = createPublicOnlyLookup(
    fakeResolver({
      'cdn.example': [{ address: '93.184.216.34', family: 4 }],
      'rebind.example': [
        { address: '93.184.216.34', family: 4 },
        { address: '169.254.169.254', family: 4 },
      ],
      'v6.example': [{ address: 'fd00::5', family: 6 }],
    }),
  )

  it('connects to a host whose every address is public', async () => {
    expect(await lookupOnce(lookup, 'cdn.example', false)).toEqual({ error: null, address: '93.184.216.34', family: 4 })
    expect(await lookupOnce(lookup, 'cdn.example', true)).toMatchObject({ error: null, address: [{ address: '93.184.216.34', family: 4 }] })
  })

  it.each(['rebind.example', 'v6.example'])('refuses %s when any address it resolves to is private', async (hostname) => {
    const { error } = await lookupOnce(lookup, hostname, true)
    expect(error?.code).toBe(PRIVATE_ADDRESS_CODE)
  })

  it('passes DNS failures through', async () => {
    const { error } = await lookupOnce(lookup, 'missing.example', false)
    expect(error?.code).toBe('ENOTFOUND')
  })
})
