import { lookup as dnsLookup } from 'node:dns'
import type { LookupAddress, LookupAllOptions } from 'node:dns'
import type { LookupFunction } from 'node:net'
import { privateRangeOf } from './private-address.js'

/** The error code a blocked connection fails with, so callers can tell it from a network error. */
export const PRIVATE_ADDRESS_CODE = 'EPRIVATEADDRESS'

type Resolver = (hostname: string, options: LookupAllOptions, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void

/**
 * A `net.connect` lookup that refuses to connect when any address of the host is private. Checking
 * before the request is not enough on its own: DNS may answer differently a moment later (DNS
 * rebinding), so the check is repeated at the moment the socket connects, on the addresses it uses.
 */
export function createPublicOnlyLookup(resolve: Resolver = dnsLookup as unknown as Resolver): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      const reply = callback as (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void
      if (error) return reply(error, '', 0)
      const blocked = addresses.find((entry) => privateRangeOf(entry.address) !== undefined)
      const first = addresses[0]
      if (blocked !== undefined || first === undefined) {
        const reason = blocked === undefined ? `${hostname} has no address` : `${hostname} resolves to ${blocked.address}, a non-public address`
        return reply(Object.assign(new Error(reason), { code: blocked === undefined ? 'ENOTFOUND' : PRIVATE_ADDRESS_CODE }), '', 0)
      }
      if (options.all === true) return reply(null, addresses)
      return reply(null, first.address, first.family)
    })
  }
}
