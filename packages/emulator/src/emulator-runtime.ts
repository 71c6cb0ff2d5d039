import { randomInt } from 'node:crypto'
import { Accounts } from './accounts.js'
import type { EmulatorOptions } from './emulator-options.js'
import { Faults } from './faults.js'
import { FileStore } from './file-store.js'
import { Ledger } from './ledger.js'
import { VideoRenderer, type OutputShape } from './mp4-output.js'
import { ProviderRateLimiter } from './rate-limiter.js'
import { createSeededRandom, type SeededRandom } from './seeded-random.js'
import { createReplicateWebhookSecret } from './replicate-webhook-signing.js'
import { createFalWebhookKeys, type FalWebhookKeys } from './webhook-signing.js'

/** The state every provider's routes share. One per running emulator. */
export class EmulatorRuntime {
  readonly options: EmulatorOptions
  readonly seed: number | string
  readonly jobDurationMs: number
  readonly ledger = new Ledger()
  readonly accounts: Accounts
  readonly faults: Faults
  /** The providers' submission rate limits (`EmulatorOptions.rateLimits`). */
  readonly rateLimiter: ProviderRateLimiter
  readonly files = new FileStore()
  readonly videos: VideoRenderer
  readonly falWebhookKeys: FalWebhookKeys
  /** Signs Replicate webhooks (`EmulatorOptions.replicate.webhookSecret`, or one derived from the seed). */
  readonly replicateWebhookSecret: string
  /** Signs the emulator's own pre-signed URLs (Magic Hour uploads and downloads). */
  readonly urlSecret: string
  readonly #stopController = new AbortController()
  readonly #resetHooks: (() => void)[] = []
  #ids: SeededRandom
  /** Set once the server listens. */
  baseUrl = ''
  /** What video outputs look like from now on (`EmulatorOptions.outputShape`; kept by `reset()`). */
  outputShape: OutputShape

  constructor(options: EmulatorOptions) {
    this.options = options
    this.seed = options.seed ?? randomInt(2 ** 31)
    this.jobDurationMs = options.jobDurationMs ?? 300
    this.accounts = new Accounts(options.keys, options.credits)
    this.faults = new Faults(this.seed, options.faults ?? [])
    this.rateLimiter = new ProviderRateLimiter(options.rateLimits)
    this.outputShape = options.outputShape ?? 'simple'
    this.videos = new VideoRenderer({ paddingBytes: options.outputPaddingBytes ?? 0, shape: () => this.outputShape })
    this.falWebhookKeys = createFalWebhookKeys(this.seed)
    this.replicateWebhookSecret = options.replicate?.webhookSecret ?? createReplicateWebhookSecret(this.seed)
    this.urlSecret = createSeededRandom(this.seed, 'url-secret').hex(64)
    this.#ids = createSeededRandom(this.seed, 'ids')
  }

  /** The seeded id source (restarts on reset). */
  get ids(): SeededRandom {
    return this.#ids
  }

  /** Aborted when the emulator stops: hangs, streams, sleeps and webhooks end with it. */
  get stopSignal(): AbortSignal {
    return this.#stopController.signal
  }

  stop(): void {
    this.#stopController.abort()
  }

  /** Registers provider state to clear on `reset()`. */
  onReset(hook: () => void): void {
    this.#resetHooks.push(hook)
  }

  /** Forgets jobs, files, spending, the ledger and rate-limit counts; restarts ids and fault counters. Rules stay. */
  reset(): void {
    for (const hook of this.#resetHooks) hook()
    this.ledger.clear()
    this.accounts.reset()
    this.files.clear()
    this.faults.reset()
    this.rateLimiter.reset()
    this.#ids = createSeededRandom(this.seed, 'ids')
  }

  /** An absolute URL on this emulator. */
  url(path: string): string {
    return `${this.baseUrl}${path}`
  }
}
