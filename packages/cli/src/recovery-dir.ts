import { join, resolve } from 'node:path'
import type { Router } from '@portrait-animator/router'

/**
 * Where the CLI keeps paid outputs it could not save: `recovered/` in the router's state folder
 * (the config's `stateDir`, resolved as the router resolves it), beside the job journal.
 */
export function recoveryDirOf(router: Router): string {
  return join(resolve(router.config.config.stateDir ?? '.portrait-animator'), 'recovered')
}
