/**
 * Contract scenarios for the router's state stores, as vitest suites: run them against your own
 * `BreakerStore`, `RateLimitStore`, `JobJournal` or `RetirementStore` (the Redis stores do), so
 * every implementation behaves as the router expects. Needs `vitest`.
 * @module
 */
export { breakerStoreContract } from './breaker-store-contract.js'
export { contractClock, type ContractClock, type StoreContractOptions } from './contract-clock.js'
export { jobJournalContract, type JobJournalContractOptions } from './job-journal-contract.js'
export { rateLimitStoreContract } from './rate-limit-store-contract.js'
export { retirementStoreContract } from './retirement-store-contract.js'
