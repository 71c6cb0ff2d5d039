import { parseArgs } from 'node:util'
import type { CliIo } from '../cli-io.js'
import { EXIT, UsageError } from '../exit-codes.js'
import { openRouter } from '../open-router.js'
import { LIVE_PHOTO_PATH, startAilabCompatibleServer } from '../server/ailab-compatible-server.js'

export const SERVE_HELP = `Usage: portrait-animator serve [--port N] [--host H] [--config FILE] [--route NAME] --api-key KEY [--api-key KEY2]

Serves the retired AILabTools "Live Photos" API (POST ${LIVE_PHOTO_PATH}) through the router, so an
app built on it moves by changing only its base URL. Requests must carry one of this server's own keys
in the ailabapi-api-key header (--api-key, repeatable, or PORTRAIT_ANIMATOR_SERVER_KEYS, comma-separated);
upstream providers' keys come from the config and are never accepted here.

Options:
  --port N             port (default 8080; 0 picks a free one)
  --host H             address to bind (default 127.0.0.1)
  --max-concurrent N   requests animated at once; more get 503 AI_SERVICE_FLOW_RESTRICTION (default 4)
  --max-body-mb N      largest request body (default 6)
  --route NAME         the route serving requests (default: the config's default route)

Also: GET /healthz. Access logs go to stderr as JSON lines. SIGINT/SIGTERM stop accepting requests and
let in-flight ones finish.

Examples:
  portrait-animator serve --api-key my-app-key
  PORTRAIT_ANIMATOR_SERVER_KEYS=k1,k2 portrait-animator serve --port 9000 --config portrait-animator.json`

/** `portrait-animator serve`. */
export async function serveCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      config: { type: 'string' },
      route: { type: 'string' },
      'api-key': { type: 'string', multiple: true },
      'max-concurrent': { type: 'string' },
      'max-body-mb': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    io.stdout.write(`${SERVE_HELP}\n`)
    return EXIT.ok
  }
  const keys = [...(values['api-key'] ?? []), ...(io.env.PORTRAIT_ANIMATOR_SERVER_KEYS ?? '').split(',')].map((key) => key.trim()).filter(Boolean)
  if (keys.length === 0) throw new UsageError('serve needs at least one key of its own: --api-key KEY or PORTRAIT_ANIMATOR_SERVER_KEYS.')
  const port = numberOption(values.port, 'port', 8080)
  const router = await openRouter(io, values.config ? { config: values.config } : {})
  const animator = values.route ? router.route(values.route) : router
  const server = await startAilabCompatibleServer({
    animator,
    apiKeys: keys,
    port,
    host: values.host ?? '127.0.0.1',
    maxConcurrent: numberOption(values['max-concurrent'], 'max-concurrent', 4),
    maxBodyBytes: Math.round(numberOption(values['max-body-mb'], 'max-body-mb', 6) * 1024 * 1024),
    log: (entry) => io.stderr.write(`${JSON.stringify(entry)}\n`),
  })
  io.stdout.write(`${JSON.stringify({ url: server.url, endpoint: `${server.url}${LIVE_PHOTO_PATH}` })}\n`)
  await new Promise<void>((resolve) => {
    if (io.interrupt.aborted) resolve()
    io.interrupt.addEventListener('abort', () => resolve(), { once: true })
  })
  io.stderr.write(`Shutting down: finishing ${server.inFlight()} request(s) in flight...\n`)
  await server.close()
  return EXIT.ok
}

function numberOption(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback
  const number = Number(value)
  if (!Number.isFinite(number) || number < 0) throw new UsageError(`--${name} must be a non-negative number (got "${value}").`)
  return number
}
