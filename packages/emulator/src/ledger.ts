import { accountId } from './account-id.js'
import { inputDigest } from './input-digest.js'

/** The providers the emulator speaks. */
export type ProviderName = 'ailab' | 'fal' | 'magichour' | 'replicate'

/** What a ledger entry records. */
export type LedgerEntryKind = 'submission' | 'charge' | 'refund' | 'cancel'

/** One accepted submission, charge, refund or cancellation. */
export interface LedgerEntry {
  readonly provider: ProviderName
  /** `accountId(key)`: a short hash, never the key. */
  readonly account: string
  /** The fault-route name of the request that caused it (`fal.submit`, `magichour.delete`, ...). */
  readonly route: string
  readonly kind: LedgerEntryKind
  /** AILab `request_id`, fal `request_id`, or Magic Hour project id. */
  readonly requestId: string
  /** `live-photo`, `fal-ai/live-portrait/image`, `ai-talking-photo`, ... */
  readonly model: string
  /** Credits moved by a charge or refund. */
  readonly credits?: number
  /**
   * SHA-256 (hex) of the submitted portrait's bytes, copied from the job, so that a test can tie
   * every charge to the logical request that caused it (give each request a distinct image).
   * Absent when the image was a URL the emulator does not hold.
   */
  readonly inputDigest?: string
  /** Epoch milliseconds. */
  readonly at: number
}

/** Where a job ended, or `pending`. */
export type JobOutcome = 'pending' | 'completed' | 'failed' | 'cancelled'

/** One webhook delivery attempt. */
export interface WebhookDelivery {
  readonly url: string
  readonly attempt: number
  readonly at: number
  /** HTTP status of the receiver's answer, when it answered. */
  readonly status?: number
  /** Why the attempt failed without an answer. */
  readonly error?: string
}

/** The life of one submitted job (one AILab call, fal request or Magic Hour project). */
export interface JobRecord {
  readonly provider: ProviderName
  readonly account: string
  readonly requestId: string
  readonly model: string
  /** SHA-256 (hex) of the submitted portrait's bytes (see `LedgerEntry.inputDigest`). */
  readonly inputDigest?: string
  readonly submittedAt: number
  /** When the job reached a terminal state (completed, failed or cancelled). */
  readonly completedAt?: number
  readonly outcome: JobOutcome
  /** Provider error code of a failed job (`ERROR_NO_FACE_IN_FILE`, `face_detection_error`, `no_source_face`). */
  readonly errorCode?: string
  /** Status polls (fal status and status streams, Magic Hour project GETs). */
  readonly statusRequests: number
  /** Epoch milliseconds of every status poll. */
  readonly statusRequestTimes: readonly number[]
  /** fal result fetches. */
  readonly resultRequests: number
  /** The first time a caller saw the terminal state (status, result, project GET or webhook). */
  readonly completionSeenAt?: number
  readonly webhookDeliveries: readonly WebhookDelivery[]
}

/** One file stored by a provider's upload (a fal storage PUT, a Magic Hour pre-signed PUT). */
export interface UploadRecord {
  readonly provider: ProviderName
  /** SHA-256 (hex) of the uploaded bytes. */
  readonly inputDigest: string
  readonly bytes: number
  readonly contentType: string
  /** Epoch milliseconds when the upload was stored. */
  readonly at: number
}

/** One request a provider's rate limit refused (`EmulatorOptions.rateLimits`): nothing was accepted or charged. */
export interface RateLimitedRecord {
  readonly provider: ProviderName
  /** The fault-route name of the refused request (`fal.submit`, `magichour.create`, ...). */
  readonly route: string
  /** The HTTP status answered (429). */
  readonly status: number
  /** The `Retry-After` sent, in seconds. */
  readonly retryAfterSeconds: number
  /** Epoch milliseconds. */
  readonly at: number
}

/** Narrows ledger queries. Every field is optional; `key` is hashed to an account. */
export interface LedgerFilter {
  readonly provider?: ProviderName
  readonly account?: string
  readonly key?: string
  readonly model?: string
  readonly route?: string
  readonly requestId?: string
  /** SHA-256 (hex) of the submitted portrait's bytes. */
  readonly inputDigest?: string
}

/** The read side of the ledger, handed to tests as `emulator.ledger`. */
export interface LedgerView {
  /** Every entry, oldest first (by `at`). */
  entries(filter?: LedgerFilter & { readonly kind?: LedgerEntryKind }): LedgerEntry[]
  submissions(filter?: LedgerFilter): LedgerEntry[]
  charges(filter?: LedgerFilter): LedgerEntry[]
  refunds(filter?: LedgerFilter): LedgerEntry[]
  cancels(filter?: LedgerFilter): LedgerEntry[]
  /** Credits charged minus credits refunded. */
  netCredits(filter?: LedgerFilter): number
  jobs(filter?: LedgerFilter): JobRecord[]
  job(requestId: string): JobRecord | undefined
  /** Status polls received for one job (0 for an unknown id). */
  statusRequests(requestId: string): number
  /** Every completed upload, oldest first: how many times each input was uploaded. */
  uploads(filter?: { readonly provider?: ProviderName; readonly inputDigest?: string }): UploadRecord[]
  /** Every request refused by a provider's rate limit (`EmulatorOptions.rateLimits`), oldest first. */
  rateLimited(filter?: { readonly provider?: ProviderName }): RateLimitedRecord[]
  /** The ledger's account name for a key (same as `accountId`). */
  accountOf(key: string): string
  /** Plain data for `GET /__emulator/ledger`. */
  toJSON(): { entries: LedgerEntry[]; jobs: JobRecord[]; uploads: UploadRecord[]; rateLimited: RateLimitedRecord[] }
}

type MutableJob = { -readonly [Key in keyof JobRecord]: JobRecord[Key] } & {
  statusRequestTimes: number[]
  webhookDeliveries: WebhookDelivery[]
}

/** The ledger itself: providers write to it, tests read it through `LedgerView`. */
export class Ledger implements LedgerView {
  readonly #entries: LedgerEntry[] = []
  readonly #jobs = new Map<string, MutableJob>()
  readonly #uploads: { provider: ProviderName; bytes: Uint8Array; contentType: string; at: number; inputDigest?: string }[] = []
  readonly #beforeRead: (() => void)[] = []
  readonly #rateLimited: RateLimitedRecord[] = []

  /** Registers work to run before every read, so that lazily computed job states are settled. */
  onBeforeRead(settle: () => void): void {
    this.#beforeRead.push(settle)
  }

  /**
   * Adds an entry. Charges, refunds and cancels of a job this ledger does not know (one opened
   * before a reset) are dropped, so late work never leaks into a fresh ledger.
   */
  record(entry: Omit<LedgerEntry, 'at' | 'inputDigest'> & { readonly at?: number }): void {
    const job = this.#jobs.get(entry.requestId)
    if (entry.kind !== 'submission' && !job) return
    const inputDigest = job?.inputDigest
    this.#entries.push({ ...entry, ...(inputDigest === undefined ? {} : { inputDigest }), at: entry.at ?? Date.now() })
  }

  openJob(job: Pick<JobRecord, 'provider' | 'account' | 'requestId' | 'model' | 'submittedAt' | 'inputDigest'>): void {
    const { inputDigest, ...rest } = job
    this.#jobs.set(job.requestId, {
      ...rest,
      ...(inputDigest === undefined ? {} : { inputDigest }),
      outcome: 'pending',
      statusRequests: 0,
      statusRequestTimes: [],
      resultRequests: 0,
      webhookDeliveries: [],
    })
  }

  finishJob(requestId: string, outcome: Exclude<JobOutcome, 'pending'>, completedAt: number, errorCode?: string): void {
    const job = this.#jobs.get(requestId)
    if (!job || job.outcome !== 'pending') return
    job.outcome = outcome
    job.completedAt = completedAt
    if (errorCode) job.errorCode = errorCode
  }

  countStatusRequest(requestId: string, at = Date.now()): void {
    const job = this.#jobs.get(requestId)
    if (!job) return
    job.statusRequests += 1
    job.statusRequestTimes.push(at)
  }

  countResultRequest(requestId: string): void {
    const job = this.#jobs.get(requestId)
    if (job) job.resultRequests += 1
  }

  markCompletionSeen(requestId: string, at = Date.now()): void {
    const job = this.#jobs.get(requestId)
    if (job && job.outcome !== 'pending' && job.completionSeenAt === undefined) job.completionSeenAt = at
  }

  recordWebhookDelivery(requestId: string, delivery: WebhookDelivery): void {
    this.#jobs.get(requestId)?.webhookDeliveries.push(delivery)
  }

  /** Records a stored upload; its digest is computed when the ledger is read, not on the hot path. */
  recordUpload(upload: { readonly provider: ProviderName; readonly bytes: Uint8Array; readonly contentType: string }): void {
    this.#uploads.push({ ...upload, at: Date.now() })
  }

  uploads(filter: { readonly provider?: ProviderName; readonly inputDigest?: string } = {}): UploadRecord[] {
    return this.#uploads
      .map((upload) => {
        upload.inputDigest ??= inputDigest(upload.bytes)
        return { provider: upload.provider, inputDigest: upload.inputDigest, bytes: upload.bytes.byteLength, contentType: upload.contentType, at: upload.at }
      })
      .filter((upload) => (filter.provider === undefined || upload.provider === filter.provider) && (filter.inputDigest === undefined || upload.inputDigest === filter.inputDigest))
  }

  /** Records a request refused by a provider's rate limit. */
  recordRateLimited(record: RateLimitedRecord): void {
    this.#rateLimited.push(record)
  }

  rateLimited(filter: { readonly provider?: ProviderName } = {}): RateLimitedRecord[] {
    return this.#rateLimited.filter((record) => filter.provider === undefined || record.provider === filter.provider)
  }

  clear(): void {
    this.#rateLimited.length = 0
    this.#uploads.length = 0
    this.#entries.length = 0
    this.#jobs.clear()
  }

  entries(filter: LedgerFilter & { readonly kind?: LedgerEntryKind } = {}): LedgerEntry[] {
    this.#settle()
    const account = filter.key === undefined ? filter.account : accountId(filter.key)
    // Charges settled lazily carry their completion time, so order by time, not by insertion.
    return [...this.#entries].sort((left, right) => left.at - right.at).filter(
      (entry) =>
        (filter.kind === undefined || entry.kind === filter.kind) &&
        (filter.provider === undefined || entry.provider === filter.provider) &&
        (account === undefined || entry.account === account) &&
        (filter.model === undefined || entry.model === filter.model) &&
        (filter.route === undefined || entry.route === filter.route) &&
        (filter.requestId === undefined || entry.requestId === filter.requestId) &&
        (filter.inputDigest === undefined || entry.inputDigest === filter.inputDigest),
    )
  }

  submissions(filter: LedgerFilter = {}): LedgerEntry[] {
    return this.entries({ ...filter, kind: 'submission' })
  }

  charges(filter: LedgerFilter = {}): LedgerEntry[] {
    return this.entries({ ...filter, kind: 'charge' })
  }

  refunds(filter: LedgerFilter = {}): LedgerEntry[] {
    return this.entries({ ...filter, kind: 'refund' })
  }

  cancels(filter: LedgerFilter = {}): LedgerEntry[] {
    return this.entries({ ...filter, kind: 'cancel' })
  }

  netCredits(filter: LedgerFilter = {}): number {
    const sum = (entries: LedgerEntry[]): number => entries.reduce((total, entry) => total + (entry.credits ?? 0), 0)
    return sum(this.charges(filter)) - sum(this.refunds(filter))
  }

  jobs(filter: LedgerFilter = {}): JobRecord[] {
    this.#settle()
    const account = filter.key === undefined ? filter.account : accountId(filter.key)
    return [...this.#jobs.values()]
      .filter(
        (job) =>
          (filter.provider === undefined || job.provider === filter.provider) &&
          (account === undefined || job.account === account) &&
          (filter.model === undefined || job.model === filter.model) &&
          (filter.requestId === undefined || job.requestId === filter.requestId) &&
          (filter.inputDigest === undefined || job.inputDigest === filter.inputDigest),
      )
      .map(copyJob)
  }

  job(requestId: string): JobRecord | undefined {
    this.#settle()
    const job = this.#jobs.get(requestId)
    return job ? copyJob(job) : undefined
  }

  statusRequests(requestId: string): number {
    return this.#jobs.get(requestId)?.statusRequests ?? 0
  }

  accountOf(key: string): string {
    return accountId(key)
  }

  toJSON(): { entries: LedgerEntry[]; jobs: JobRecord[]; uploads: UploadRecord[]; rateLimited: RateLimitedRecord[] } {
    return { entries: this.entries(), jobs: this.jobs(), uploads: this.uploads(), rateLimited: this.rateLimited() }
  }

  #settle(): void {
    for (const settle of this.#beforeRead) settle()
  }
}

function copyJob(job: MutableJob): JobRecord {
  return { ...job, statusRequestTimes: [...job.statusRequestTimes], webhookDeliveries: [...job.webhookDeliveries] }
}
