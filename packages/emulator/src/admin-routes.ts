import { PortraitAnimatorError } from '@portrait-animator/core'
import type { EmulatorRuntime } from './emulator-runtime.js'
import { parseFaults } from './parse-faults.js'
import { OUTPUT_SHAPES, type OutputShape } from './mp4-output.js'
import { emptyReply, jsonReply } from './reply.js'
import type { Route } from './router.js'

/**
 * `/__emulator/*`: `GET ledger`, `POST faults`, `POST reset`, `GET health`, `GET`/`POST
 * output-shape` (`{"shape": "simple" | "provider"}`). Faults never touch these routes.
 */
export function adminRoutes(runtime: EmulatorRuntime): Route[] {
  return [
    {
      method: 'GET',
      path: /^\/__emulator\/health$/,
      handle: async () => jsonReply(200, { ok: true }),
    },
    {
      method: 'GET',
      path: /^\/__emulator\/ledger$/,
      handle: async () => jsonReply(200, runtime.ledger.toJSON()),
    },
    {
      method: 'POST',
      path: /^\/__emulator\/faults$/,
      handle: async (context) => {
        const text = (await context.readBody(1024 * 1024)).toString('utf8')
        try {
          const rules = parseFaults(JSON.parse(text))
          runtime.faults.set(rules)
          return jsonReply(200, { faults: rules })
        } catch (error) {
          const message = PortraitAnimatorError.isInstance(error) || error instanceof SyntaxError ? error.message : String(error)
          return jsonReply(400, { message })
        }
      },
    },
    {
      method: 'GET',
      path: /^\/__emulator\/output-shape$/,
      handle: async () => jsonReply(200, { shape: runtime.outputShape }),
    },
    {
      method: 'POST',
      path: /^\/__emulator\/output-shape$/,
      handle: async (context) => {
        const text = (await context.readBody(4096)).toString('utf8')
        let shape: unknown
        try {
          shape = (JSON.parse(text) as { shape?: unknown }).shape
        } catch {
          shape = undefined
        }
        if (!OUTPUT_SHAPES.includes(shape as OutputShape)) return jsonReply(400, { message: `shape must be ${OUTPUT_SHAPES.join(' or ')}` })
        runtime.outputShape = shape as OutputShape
        return jsonReply(200, { shape })
      },
    },
    {
      method: 'POST',
      path: /^\/__emulator\/reset$/,
      handle: async (context) => {
        context.request.resume()
        runtime.reset()
        return emptyReply(204)
      },
    },
  ]
}
