import { isIPv4, isIPv6 } from 'node:net'

/** An IPv4 range as [first octets, prefix length, name]. */
type Ipv4Range = readonly [readonly number[], number, string]

/** Every IPv4 range that is not on the public internet (RFC 6890 and friends). */
const PRIVATE_IPV4: readonly Ipv4Range[] = [
  [[0], 8, 'this network (0.0.0.0/8)'],
  [[10], 8, 'private (10.0.0.0/8)'],
  [[100, 64], 10, 'carrier-grade NAT (100.64.0.0/10)'],
  [[127], 8, 'loopback (127.0.0.0/8)'],
  [[169, 254], 16, 'link-local / cloud metadata (169.254.0.0/16)'],
  [[172, 16], 12, 'private (172.16.0.0/12)'],
  [[192, 0, 0], 24, 'IETF protocol assignments (192.0.0.0/24)'],
  [[192, 0, 2], 24, 'documentation (192.0.2.0/24)'],
  [[192, 88, 99], 24, '6to4 relay (192.88.99.0/24)'],
  [[192, 168], 16, 'private (192.168.0.0/16)'],
  [[198, 18], 15, 'benchmarking (198.18.0.0/15)'],
  [[198, 51, 100], 24, 'documentation (198.51.100.0/24)'],
  [[203, 0, 113], 24, 'documentation (203.0.113.0/24)'],
  [[224], 4, 'multicast (224.0.0.0/4)'],
  [[240], 4, 'reserved / broadcast (240.0.0.0/4)'],
]

function ipv4ToNumber(address: string): number {
  return address.split('.').reduce((value, part) => value * 256 + Number(part), 0)
}

function ipv4RangeOf(value: number): string | undefined {
  for (const [octets, prefix, name] of PRIVATE_IPV4) {
    const base = [0, 1, 2, 3].reduce((sum, index) => sum * 256 + (octets[index] ?? 0), 0)
    const size = 2 ** (32 - prefix)
    if (value >= base && value < base + size) return name
  }
  return undefined
}

/** The eight 16-bit groups of an IPv6 address (zone id dropped, embedded IPv4 expanded). */
function ipv6Groups(address: string): number[] {
  let text = address.split('%')[0]!
  const lastColon = text.lastIndexOf(':')
  const tail = text.slice(lastColon + 1)
  if (tail.includes('.')) {
    const value = ipv4ToNumber(tail)
    text = `${text.slice(0, lastColon + 1)}${Math.floor(value / 0x10000).toString(16)}:${(value % 0x10000).toString(16)}`
  }
  const [head = '', rest] = text.split('::')
  const headGroups = head === '' ? [] : head.split(':')
  const restGroups = rest === undefined || rest === '' ? [] : rest.split(':')
  const missing = 8 - headGroups.length - restGroups.length
  return [...headGroups, ...Array<string>(rest === undefined ? 0 : missing).fill('0'), ...restGroups].map((group) => parseInt(group, 16))
}

function ipv6RangeOf(groups: readonly number[]): string | undefined {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = groups
  const embeddedIpv4 = g6 * 0x10000 + g7
  const upperZero = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0
  if (upperZero && g5 === 0 && g6 === 0 && g7 === 0) return 'unspecified (::)'
  if (upperZero && g5 === 0 && g6 === 0 && g7 === 1) return 'loopback (::1)'
  if (upperZero && g5 === 0xffff) return 'IPv4-mapped IPv6 (::ffff:0:0/96)'
  if (upperZero && g5 === 0) return 'IPv4-compatible IPv6 (::/96)'
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) {
    const range = ipv4RangeOf(embeddedIpv4)
    return range === undefined ? undefined : `NAT64 of ${range}`
  }
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 1) return 'local-use NAT64 (64:ff9b:1::/48)'
  if (g0 === 0x100 && g1 === 0 && g2 === 0 && g3 === 0) return 'discard-only (100::/64)'
  if (g0 === 0x2001 && g1 === 0) return 'Teredo (2001::/32)'
  if (g0 === 0x2001 && g1 === 0xdb8) return 'documentation (2001:db8::/32)'
  if (g0 === 0x2002) {
    const range = ipv4RangeOf(g1 * 0x10000 + g2)
    return range === undefined ? undefined : `6to4 of ${range}`
  }
  if ((g0 & 0xfe00) === 0xfc00) return 'unique-local (fc00::/7)'
  if ((g0 & 0xffc0) === 0xfe80) return 'link-local (fe80::/10)'
  if ((g0 & 0xffc0) === 0xfec0) return 'site-local (fec0::/10)'
  if ((g0 & 0xff00) === 0xff00) return 'multicast (ff00::/8)'
  return undefined
}

/**
 * Names the non-public range an IP address falls in (`loopback (127.0.0.0/8)`, ...), or returns
 * `undefined` for a public address. Anything that is not a valid IP literal counts as non-public,
 * so a parsing gap can only ever block, never let through.
 *
 * @example
 * ```ts
 * privateRangeOf('169.254.169.254') // 'link-local / cloud metadata (169.254.0.0/16)'
 * privateRangeOf('8.8.8.8')         // undefined
 * ```
 */
export function privateRangeOf(address: string): string | undefined {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address
  if (isIPv4(bare)) return ipv4RangeOf(ipv4ToNumber(bare))
  if (isIPv6(bare)) {
    const groups = ipv6Groups(bare)
    if (groups.length !== 8 || groups.some((group) => !Number.isInteger(group) || group < 0 || group > 0xffff)) return 'unparseable IPv6 address'
    return ipv6RangeOf(groups)
  }
  return 'not an IP address'
}

/** True when `address` is not a public internet address (private, loopback, link-local, ...). */
export function isPrivateAddress(address: string): boolean {
  return privateRangeOf(address) !== undefined
}
