/**
 * `record[key]` only when `key` is the record's own property. Route, provider, target and adapter
 * names come from users and config files; a plain lookup would find `constructor`, `toString` or
 * `__proto__` on `Object.prototype` and treat it as a route or a provider.
 *
 * @example
 * ```ts
 * ownEntry({ default: route }, 'constructor') // undefined, not Object
 * ```
 */
export function ownEntry<Value>(record: Readonly<Record<string, Value>> | undefined, key: string): Value | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined
}
