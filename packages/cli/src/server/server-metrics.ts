import type { Router, RouterEvent, TargetInfo } from '@portrait-animator/router'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { AccessLogEntry } from './access-log.js'

/** Paths counted under their own name; anything else is counted as `other`, so scanners cannot grow the label set. */
const KNOWN_PATHS = new Set(['/api/portrait/effects/live-photo', '/healthz', '/readyz', '/metrics', '/openapi.json'])

/** Breaker states reported by `portrait_animator_breaker_state`, one series each. */
const BREAKER_STATES = ['closed', 'open', 'half-open', 'retired'] as const

/** A target and its breaker state (`closed`, `open`, `half-open` or `retired`), as `portrait_animator_breaker_state` reports it. */
export type BreakerInfo = Pick<TargetInfo, 'target' | 'breaker'>

/** What the metrics read from the running server. */
export interface ServerMetricsSources {
  /** Requests being animated now. */
  readonly inFlight: () => number
  /** The targets of the router new requests go to, with their breaker state (read on each scrape). */
  readonly targets: () => readonly BreakerInfo[] | Promise<readonly BreakerInfo[]>
}

/** The server's Prometheus metrics: fed by the access log and router events, read on `GET /metrics`. */
export interface ServerMetrics {
  /** Counts one finished request (every access log entry). */
  observe(entry: AccessLogEntry): void
  /** Counts a config reload, `ok` or `failed`. */
  reloaded(outcome: 'ok' | 'failed'): void
  /** Follows one router's attempts, failures and skips; returns a function that stops following. */
  watch(router: Pick<Router, 'on'>): () => void
  /** The metrics in Prometheus' text format. */
  render(): Promise<string>
  /** The `content-type` of `render()`'s text. */
  readonly contentType: string
}

/**
 * Prometheus metrics for `serve` (names start with `portrait_animator_`), in a registry of their own
 * with Node's default process metrics.
 *
 * @example
 * ```ts
 * const metrics = createServerMetrics({ inFlight: () => server.inFlight(), targets: () => router.targets() })
 * const stop = metrics.watch(router)
 * ```
 */
export function createServerMetrics(sources: ServerMetricsSources): ServerMetrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const registers = [registry]
  const requests = new Counter({ name: 'portrait_animator_http_requests_total', help: 'HTTP requests answered, by path, status and AILab error code (empty on success).', labelNames: ['path', 'status', 'code'], registers })
  const latency = new Histogram({
    name: 'portrait_animator_http_request_duration_seconds',
    help: 'Time from a request\'s headers to its answer, by path.',
    labelNames: ['path'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers,
  })
  new Gauge({ name: 'portrait_animator_http_requests_in_flight', help: 'Requests being animated now.', registers, collect() { this.set(sources.inFlight()) } })
  const attempts = new Counter({ name: 'portrait_animator_target_attempts_total', help: 'Calls the router made to a target (retries included).', labelNames: ['target'], registers })
  const failures = new Counter({ name: 'portrait_animator_target_failures_total', help: 'Failed calls to a target, by error kind.', labelNames: ['target', 'kind'], registers })
  const skips = new Counter({ name: 'portrait_animator_target_skips_total', help: 'Times the router did not call a target, by reason.', labelNames: ['target', 'reason'], registers })
  const served = new Counter({ name: 'portrait_animator_target_served_total', help: 'Requests a target served.', labelNames: ['target'], registers })
  const costUsd = new Counter({ name: 'portrait_animator_cost_usd_total', help: 'US dollars of served requests, by target and basis (estimated or charged).', labelNames: ['target', 'basis'], registers })
  const costCredits = new Counter({ name: 'portrait_animator_cost_credits_total', help: 'Provider credits of served requests, by target and basis.', labelNames: ['target', 'basis'], registers })
  const reloads = new Counter({ name: 'portrait_animator_config_reloads_total', help: 'Config reloads (SIGHUP), by outcome: ok, or failed (the old config kept serving).', labelNames: ['outcome'], registers })
  new Gauge({
    name: 'portrait_animator_breaker_state',
    help: 'Breaker state of each target of the current config: 1 for its state, 0 for the others.',
    labelNames: ['target', 'state'],
    registers,
    async collect() {
      const infos = await sources.targets()
      this.reset()
      for (const info of infos) {
        for (const state of BREAKER_STATES) this.set({ target: info.target, state }, info.breaker === state ? 1 : 0)
      }
    },
  })

  const onEvent = (event: RouterEvent) => {
    if (event.type === 'attempt-started') attempts.inc({ target: event.target })
    else if (event.type === 'attempt-failed') failures.inc({ target: event.target, kind: event.errorKind })
    else if (event.type === 'skipped') skips.inc({ target: event.target, reason: event.code })
  }

  return {
    observe(entry) {
      const path = KNOWN_PATHS.has(entry.path) ? entry.path : 'other'
      requests.inc({ path, status: String(entry.status), code: entry.code ?? '' })
      latency.observe({ path }, entry.durationMs / 1000)
      if (entry.servedBy) served.inc({ target: entry.servedBy })
      const cost = entry.cost
      if (entry.servedBy && cost) {
        if (cost.usd !== undefined) costUsd.inc({ target: entry.servedBy, basis: cost.basis }, cost.usd)
        if (cost.credits !== undefined) costCredits.inc({ target: entry.servedBy, basis: cost.basis }, cost.credits)
      }
    },
    reloaded: (outcome) => reloads.inc({ outcome }),
    watch: (router) => router.on(onEvent),
    render: () => registry.metrics(),
    contentType: registry.contentType,
  }
}
