import { accountId } from './account-id.js'
import type { ProviderName } from './ledger.js'

/**
 * Accepted keys per provider. A provider left out accepts any non-empty key.
 *
 * @example
 * ```ts
 * startEmulator({ keys: { fal: ['test-id:test-secret'] } })
 * ```
 */
export type ProviderKeys = Partial<Record<ProviderName, readonly string[]>>

/**
 * Starting credits: one number for every account, or per key, where `'*'` sets the default for
 * keys not listed. Accounts without a setting have unlimited credits.
 *
 * @example
 * ```ts
 * startEmulator({ credits: { ailab: { 'broke-key': 0, '*': 1000 } } })
 * ```
 */
export type CreditSetting = number | Readonly<Record<string, number>>

/** Starting credits per provider. */
export type ProviderCredits = Partial<Record<ProviderName, CreditSetting>>

interface Balance {
  spent: number
  reserved: number
}

/** Key checks and credit balances. Balances are keyed by account hash, never by key. */
export class Accounts {
  readonly #keys: ProviderKeys
  readonly #startingCredits = new Map<string, number>()
  readonly #defaultCredits = new Map<ProviderName, number>()
  readonly #balances = new Map<string, Balance>()

  constructor(keys: ProviderKeys = {}, credits: ProviderCredits = {}) {
    this.#keys = keys
    for (const [provider, setting] of Object.entries(credits) as [ProviderName, CreditSetting | undefined][]) {
      if (setting === undefined) continue
      if (typeof setting === 'number') {
        this.#defaultCredits.set(provider, setting)
        continue
      }
      for (const [key, amount] of Object.entries(setting)) {
        if (key === '*') this.#defaultCredits.set(provider, amount)
        else this.#startingCredits.set(`${provider}/${accountId(key)}`, amount)
      }
    }
  }

  /** The account behind a key, or `undefined` when the key is missing or not accepted. */
  authorize(provider: ProviderName, key: string | undefined | null): string | undefined {
    if (!key) return undefined
    const allowed = this.#keys[provider]
    if (allowed && !allowed.includes(key)) return undefined
    return accountId(key)
  }

  /** Credits left to spend (`Infinity` when unlimited), after reservations. */
  available(provider: ProviderName, account: string): number {
    const balance = this.#balance(provider, account)
    return this.#starting(provider, account) - balance.spent - balance.reserved
  }

  /** Sets credits aside for a job whose charge comes later; false when they are not there. */
  reserve(provider: ProviderName, account: string, credits: number): boolean {
    if (this.available(provider, account) < credits) return false
    this.#balance(provider, account).reserved += credits
    return true
  }

  /** Gives back a reservation that will not be charged. */
  release(provider: ProviderName, account: string, credits: number): void {
    const balance = this.#balance(provider, account)
    balance.reserved = Math.max(0, balance.reserved - credits)
  }

  /** Turns a reservation into spending. */
  commit(provider: ProviderName, account: string, credits: number): void {
    const balance = this.#balance(provider, account)
    balance.reserved = Math.max(0, balance.reserved - credits)
    balance.spent += credits
  }

  /** Spends credits now; false when they are not there. */
  debit(provider: ProviderName, account: string, credits: number): boolean {
    if (this.available(provider, account) < credits) return false
    this.#balance(provider, account).spent += credits
    return true
  }

  /** Returns spent credits (a refund). */
  refund(provider: ProviderName, account: string, credits: number): void {
    this.#balance(provider, account).spent -= credits
  }

  /** Forgets all spending; starting credits come back. */
  reset(): void {
    this.#balances.clear()
  }

  #starting(provider: ProviderName, account: string): number {
    return this.#startingCredits.get(`${provider}/${account}`) ?? this.#defaultCredits.get(provider) ?? Infinity
  }

  #balance(provider: ProviderName, account: string): Balance {
    const id = `${provider}/${account}`
    let balance = this.#balances.get(id)
    if (!balance) {
      balance = { spent: 0, reserved: 0 }
      this.#balances.set(id, balance)
    }
    return balance
  }
}
