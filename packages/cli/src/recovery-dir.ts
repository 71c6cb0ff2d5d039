import { join } from 'node:path'
import type { Router } from '@portrait-animator/router'

/**
 * Where the CLI keeps paid outputs it could not save: `recovered/` in the router's state folder
 * (`router.stateDir`: the config's `stateDir`, else the platform default), beside the job journal.
 */
export function recoveryDirOf(router: Router): string {
  return join(router.stateDir, 'recovered')
}
