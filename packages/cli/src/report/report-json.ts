import { redactValue, type CompareEntry, type PortraitAnimatorError } from '@portrait-animator/core'
import type { ReportDocument, ReportOutput, ReportResult } from './report-document.js'

/**
 * One cell of the report from a comparison entry. `output` is the saved and measured output, or
 * `null` when the target failed; `failure` overrides a success whose output could not be kept
 * (an expired download link, a full disk).
 */
export function reportResult(entry: CompareEntry, output: ReportOutput | null, failure?: PortraitAnimatorError): ReportResult {
  const result = failure === undefined ? entry.result : undefined
  const error = failure ?? entry.error
  const ok = entry.ok && result !== undefined && output !== null
  return {
    target: entry.target,
    ok,
    durationMs: Math.round(entry.durationMs),
    cost: result?.cost ? { usd: result.cost.usd ?? null, credits: result.cost.credits ?? null, basis: result.cost.basis } : null,
    warnings: (result?.warnings ?? []).map((warning) => ({ type: warning.type, ...(warning.setting ? { setting: warning.setting } : {}), message: warning.message })),
    error: ok ? null : { kind: error?.kind ?? 'provider_error', message: error?.message ?? 'The target returned no output.' },
    output: ok ? output : null,
    providerMetadata: result && Object.keys(result.providerMetadata).length > 0 ? result.providerMetadata : null,
  }
}

/**
 * The document with every string scrubbed (`redactValue`: registered keys, signed URL queries,
 * credential-like values), ready for `report.json` and the HTML page.
 */
export function redactReport(document: ReportDocument): ReportDocument {
  // A JSON copy first: redactValue treats an object met twice as a cycle, and cells may share one.
  return redactValue(JSON.parse(JSON.stringify(document))) as ReportDocument
}

/** The text of `report.json`. */
export function reportJsonText(document: ReportDocument): string {
  return `${JSON.stringify(redactReport(document), null, 2)}\n`
}
