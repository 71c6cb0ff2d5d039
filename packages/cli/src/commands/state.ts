import { parseArgs } from 'node:util'
import { MemoryJobJournal, type JobJournal, type JournalEntry, type RetirementRecord, type Router, type SubmitIntent } from '@portrait-animator/router'
import type { CliIo } from '../cli-io.js'
import { EXIT, UsageError } from '../exit-codes.js'
import { openRouter } from '../open-router.js'

export const STATE_HELP = `Usage: portrait-animator state [clear [--retired TARGET] [--journal ID]] [--config FILE] [--json]

Shows what the router remembers in the config's stateDir (default ./.portrait-animator): targets
remembered as retired (target, endpoint, when, why), journaled async jobs (id, target, age) that
"resume" would pick up, and submits of unknown acceptance (a process died with a paid request in
flight before the provider's job id was journaled: the provider may have the job and its charge;
"resume" reports them once and never sends them again). "state clear" forgets them: --retired
TARGET forgets that target's retirement (it is called again on the next request), --journal ID
forgets one job or mark (it is no longer resumed; a job that may still run at the provider is not
cancelled by this). "state clear" alone forgets every retirement, journaled job and mark.

Examples:
  portrait-animator state
  portrait-animator state --json
  portrait-animator state clear --retired ailab/live-photo
  portrait-animator state clear --journal 9f2c1e-1`

/** `portrait-animator state`. */
export async function stateCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { retired: { type: 'string', multiple: true }, journal: { type: 'string', multiple: true }, config: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  })
  if (values.help) {
    io.stdout.write(`${STATE_HELP}\n`)
    return EXIT.ok
  }
  const [action, ...extra] = positionals
  if (extra.length > 0 || (action !== undefined && action !== 'clear')) throw new UsageError(`state takes no argument but "clear" (got "${positionals.join(' ')}"); see "portrait-animator state --help".`)
  if (action !== 'clear' && (values.retired || values.journal)) throw new UsageError('--retired and --journal go with "state clear".')
  const router = await openRouter(io, values.config ? { config: values.config } : {})
  const journal = router.journal ?? new MemoryJobJournal()
  if (action === 'clear') return clearState(io, router, journal, { retired: values.retired, journal: values.journal, json: values.json === true })
  const [retired, jobs, marks] = [await router.retirements(), await journal.list(), (await journal.intents?.()) ?? []]
  const breakers = (await router.breakers()).map((breaker) => ({ target: breaker.target, breaker: breaker.state }))
  if (values.json) {
    io.stdout.write(`${JSON.stringify({ retired, jobs: jobs.map((entry) => jobJson(entry)), unknownSubmits: marks.map((mark) => markJson(mark)), breakers }, null, 2)}\n`)
    return EXIT.ok
  }
  io.stdout.write(`${describeState(retired, jobs, marks)}\n`)
  return EXIT.ok
}

async function clearState(io: CliIo, router: Router, journal: JobJournal, options: { retired?: string[] | undefined; journal?: string[] | undefined; json: boolean }): Promise<number> {
  const everything = !options.retired && !options.journal
  const retiredTargets = everything ? [...new Set((await router.retirements()).map((record) => record.target))] : (options.retired ?? [])
  const known = await journal.list()
  const marks = (await journal.intents?.()) ?? []
  const jobIds = everything ? [...known.map((entry) => entry.id), ...marks.map((mark) => mark.id)] : (options.journal ?? [])
  const forgotten = { retired: 0, jobs: 0, unknownSubmits: 0 }
  for (const target of retiredTargets) {
    const count = await router.forgetRetirement(target)
    if (count === 0 && !everything) throw new UsageError(`No retirement of "${target}" is remembered; "portrait-animator state" lists them.`)
    forgotten.retired += count
  }
  for (const id of jobIds) {
    const entry = known.find((item) => item.id === id || item.handle.jobId === id)
    const mark = marks.find((item) => item.id === id)
    if (!entry && !mark) throw new UsageError(`No journaled job "${id}"; "portrait-animator state" lists them.`)
    if (entry) {
      await journal.complete(entry.id)
      forgotten.jobs += 1
    } else if (mark) {
      await journal.clearIntent?.(mark.id)
      forgotten.unknownSubmits += 1
    }
  }
  if (options.json) io.stdout.write(`${JSON.stringify({ ok: true, forgotten }, null, 2)}\n`)
  else if (io.verbosity !== 'quiet') io.stderr.write(`Forgot ${describeForgotten(forgotten)}.\n`)
  return EXIT.ok
}

function jobJson(entry: JournalEntry): Record<string, unknown> {
  return { id: entry.id, jobId: entry.handle.jobId, target: entry.target, route: entry.route, startedAt: entry.startedAt, ageSeconds: Math.round((Date.now() - Date.parse(entry.startedAt)) / 1000), ...(entry.context?.cliOutput ? { output: entry.context.cliOutput } : {}) }
}

/** "1 retirement and 0 journaled jobs", with the marks when there were any. */
function describeForgotten(forgotten: { retired: number; jobs: number; unknownSubmits: number }): string {
  const count = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`
  const parts = [count(forgotten.retired, 'retirement', 'retirements'), count(forgotten.jobs, 'journaled job', 'journaled jobs')]
  if (forgotten.unknownSubmits > 0) parts.push(count(forgotten.unknownSubmits, 'submit of unknown acceptance', 'submits of unknown acceptance'))
  return `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`
}

function markJson(mark: SubmitIntent): Record<string, unknown> {
  return { id: mark.id, ...(mark.target ? { target: mark.target } : {}), ...(mark.route ? { route: mark.route } : {}), at: mark.at, ageSeconds: Math.round((Date.now() - Date.parse(mark.at)) / 1000), ...(mark.context?.cliOutput ? { output: mark.context.cliOutput } : {}) }
}

function describeState(retired: RetirementRecord[], jobs: JournalEntry[], marks: SubmitIntent[]): string {
  const lines = [retired.length === 0 ? 'Retired targets: none remembered.' : 'Retired targets (skipped until the record is rechecked or cleared):']
  for (const record of retired) lines.push(`  ${record.target} at ${record.endpoint}, since ${record.at}: ${record.reason}`)
  lines.push(jobs.length === 0 ? 'Journaled jobs: none (nothing for "resume").' : 'Journaled jobs ("resume" finishes them without paying again):')
  for (const entry of jobs) lines.push(`  ${entry.id}  ${entry.target}  job ${entry.handle.jobId}  started ${formatAge(Date.now() - Date.parse(entry.startedAt))} ago`)
  if (marks.length > 0) lines.push('Submits of unknown acceptance (the provider may have the job and its charge; sending the request again may pay twice):')
  for (const mark of marks) lines.push(`  ${mark.id}  ${mark.target ?? 'unknown target'}  sent ${formatAge(Date.now() - Date.parse(mark.at))} ago${mark.context?.cliOutput ? `  for ${mark.context.cliOutput}` : ''}`)
  return lines.join('\n')
}

function formatAge(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000))
  if (seconds < 120) return `${seconds} s`
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`
  return `${Math.round(seconds / 3600)} h`
}
