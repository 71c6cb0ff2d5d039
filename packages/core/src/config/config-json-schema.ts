import { z } from 'zod'
import { routerConfigSchema } from './config-schema.js'

/**
 * The JSON Schema of the configuration document, generated from the same zod schema the router
 * validates with. Shipped as `@portrait-animator/core/config.schema.json` for editors.
 */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(routerConfigSchema, { io: 'input', target: 'draft-2020-12' }),
    $id: 'https://portrait-animator.dev/config.schema.json',
    title: 'portrait-animator router configuration',
  }
}
