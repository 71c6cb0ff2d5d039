import { parseArgs } from 'node:util'
import { listRecoveredOutputs, restoreRecoveredOutput, saveWithRecovery, toPortraitAnimatorError } from '@portrait-animator/core'
import type { CliIo } from '../cli-io.js'
import { EXIT } from '../exit-codes.js'
import { openRouter } from '../open-router.js'
import { recoveryDirOf } from '../recovery-dir.js'

export const RESUME_HELP = `Usage: portrait-animator resume [--config FILE] [--json]

Finishes async jobs that a crashed or interrupted run left in the journal (STATE_DIR/journal: the
config's stateDir, else $PORTRAIT_ANIMATOR_STATE_DIR, else $XDG_STATE_HOME/portrait-animator or
~/.local/state/portrait-animator), without paying for them again, and saves each output where the
original command would have. A run that stopped while a paid submit was in flight (before the
job's handle was journaled) is reported as "acceptance unknown" and not submitted again: the
provider may have charged it; run the original command again to submit it anyway. Outputs that were paid for but could not be saved (disk full,
read-only: kept in STATE_DIR/recovered) are moved to where they were meant to go.

Examples:
  portrait-animator resume
  portrait-animator resume --config portrait-animator.json --json`

/** `portrait-animator resume`. */
export async function resumeCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { config: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } })
  if (values.help) {
    io.stdout.write(`${RESUME_HELP}\n`)
    return EXIT.ok
  }
  const router = await openRouter(io, values.config ? { config: values.config } : {})
  const outcomes = await router.resume({ signal: io.interrupt })
  const report: Array<Record<string, unknown>> = []
  for (const outcome of outcomes) {
    if (outcome.intent) {
      // A run stopped while its paid submit was in flight: reported, never submitted again.
      const out = outcome.intent.context?.cliOutput
      report.push({ submitting: outcome.intent.id, target: outcome.intent.target, ...(out ? { output: out } : {}), ok: false, error: outcome.error.toJSON() })
      if (!values.json && io.verbosity !== 'quiet') io.stderr.write(`Acceptance unknown${out ? ` for ${out}` : ''}: ${outcome.error.message}\n`)
      continue
    }
    const target = outcome.entry.target
    const out = outcome.entry.context?.cliOutput
    if (outcome.result && out) {
      const saved = await saveWithRecovery(outcome.result.output, out, { recoveryDir: recoveryDirOf(router), signal: io.interrupt, details: { servedBy: target, job: outcome.entry.handle.jobId } })
      report.push({ job: outcome.entry.handle.jobId, target, ok: true, path: saved.path })
      if (!values.json && io.verbosity !== 'quiet') io.stderr.write(`Resumed ${target} job ${outcome.entry.handle.jobId}: saved ${saved.path}\n`)
    } else if (outcome.result) {
      report.push({ job: outcome.entry.handle.jobId, target, ok: true })
      if (!values.json && io.verbosity !== 'quiet') io.stderr.write(`Resumed ${target} job ${outcome.entry.handle.jobId}: finished (no output path was recorded)\n`)
    } else {
      report.push({ job: outcome.entry.handle.jobId, target, ok: false, error: outcome.error?.toJSON() })
      if (!values.json && io.verbosity !== 'quiet') io.stderr.write(`Could not resume ${target} job ${outcome.entry.handle.jobId}: ${outcome.error?.kind}: ${outcome.error?.message}\n`)
    }
  }
  for (const kept of await listRecoveredOutputs(recoveryDirOf(router))) {
    try {
      const saved = await restoreRecoveredOutput(kept, { signal: io.interrupt })
      report.push({ recovered: kept.recordPath, ok: true, path: saved.path })
      if (!values.json && io.verbosity !== 'quiet') io.stderr.write(`Restored a kept output: saved ${saved.path}\n`)
    } catch (thrown) {
      const error = toPortraitAnimatorError(thrown)
      report.push({ recovered: kept.recordPath, ok: false, error: error.toJSON() })
      if (!values.json && io.verbosity !== 'quiet') io.stderr.write(`Could not restore the kept output for ${kept.intendedPath}: ${error.message}\n`)
    }
  }
  if (values.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
  else if (report.length === 0) io.stderr.write('Nothing to resume: the journal is empty and no output is waiting in recovered/.\n')
  return report.every((item) => item.ok) ? EXIT.ok : EXIT.allFailed
}
