import { createHash } from 'node:crypto'

/**
 * The ledger's name for the account behind an API key: a short hash, so that keys never appear in
 * the ledger, its JSON or any log.
 *
 * @example
 * ```ts
 * ledger.charges({ account: accountId('my-test-key') })
 * ```
 */
export function accountId(key: string): string {
  return `acct_${createHash('sha256').update(key).digest('hex').slice(0, 12)}`
}
