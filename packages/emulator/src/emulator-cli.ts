import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import type { EmulatorOptions } from './emulator-options.js'
import { OUTPUT_SHAPES, type OutputShape } from './mp4-output.js'
import { parseFaults } from './parse-faults.js'
import type { ProviderRateLimits } from './rate-limiter.js'
import { startEmulator } from './start-emulator.js'

/** Streams and signals the emulator command line uses. */
export interface EmulatorCliIo {
  readonly stdout: NodeJS.WritableStream
  /** Stops the emulator when it fires (SIGINT/SIGTERM in the bin). */
  readonly stop: AbortSignal
}

/** The command-line help, shared by `portrait-animator-emulator` and `portrait-animator emulator`. */
export const EMULATOR_USAGE = `Usage: portrait-animator emulator [options]   (also: portrait-animator-emulator)

Starts one loopback HTTP server that speaks the AILabTools, fal, Magic Hour and Replicate APIs, with
faults and a charge ledger (GET /__emulator/ledger), so integrations can be tested without keys or money.

  --port N             TCP port (default 0: a free one)
  --host ADDRESS       loopback address to bind (default 127.0.0.1)
  --seed SEED          seed for ids, faults and webhook keys (default random)
  --ailab live|retired AILabTools live-photo mode (default live)
  --job-ms N           duration of a job in milliseconds (default 300)
  --faults FILE        JSON fault rules (an array, or {"faults": [...]})
  --output-padding N   pad every video output to at least N bytes
  --rate-limit P=N     provider P (ailab, fal, magichour, replicate) accepts at most N paid
                       submissions per second, answering 429 with Retry-After above it
                       (repeatable: --rate-limit fal=2 --rate-limit magichour=2)
  --output-shape S     simple (the portrait moving, Baseline H.264; default) or provider (like
                       fal's and Magic Hour's outputs: High profile with B-frames, 25 fps, AAC)
  -h, --help           show this help

Prints one JSON line {"baseUrl": "..."} on stdout when ready; stops on SIGINT or SIGTERM.

Examples:
  portrait-animator emulator --port 4010 --seed 42
  portrait-animator emulator --ailab retired --faults faults.example.json
  portrait-animator emulator --rate-limit fal=2 --rate-limit magichour=2`

function wholeNumber(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  if (!/^\d+$/.test(text)) throw new EmulatorUsageError(`--${name} must be a whole number, got "${text}"`)
  return Number(text)
}

/** A mistake on the emulator's command line. */
export class EmulatorUsageError extends Error {
  override readonly name = 'EmulatorUsageError'
}

/**
 * Runs the emulator command line: starts the server, prints `{"baseUrl": ...}` and resolves when
 * `io.stop` fires and the server has stopped.
 */
export async function runEmulatorCli(argv: readonly string[], io: EmulatorCliIo): Promise<void> {
  let values
  try {
    values = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        seed: { type: 'string' },
        ailab: { type: 'string' },
        'job-ms': { type: 'string' },
        faults: { type: 'string' },
        'output-padding': { type: 'string' },
        'output-shape': { type: 'string' },
        'rate-limit': { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    }).values
  } catch (error) {
    throw new EmulatorUsageError((error as Error).message)
  }
  if (values.help) {
    io.stdout.write(`${EMULATOR_USAGE}\n`)
    return
  }
  if (values.ailab !== undefined && values.ailab !== 'live' && values.ailab !== 'retired') {
    throw new EmulatorUsageError(`--ailab must be live or retired, got "${values.ailab}"`)
  }
  const shape = values['output-shape']
  if (shape !== undefined && !OUTPUT_SHAPES.includes(shape as OutputShape)) throw new EmulatorUsageError(`--output-shape must be ${OUTPUT_SHAPES.join(' or ')}, got "${shape}"`)
  const options: EmulatorOptions = {
    port: wholeNumber('port', values.port) ?? 0,
    ...(values.host === undefined ? {} : { host: values.host }),
    ...(values.seed === undefined ? {} : { seed: /^\d+$/.test(values.seed) ? Number(values.seed) : values.seed }),
    ...(values.ailab === undefined ? {} : { ailab: { mode: values.ailab } }),
    ...(values['job-ms'] === undefined ? {} : { jobDurationMs: wholeNumber('job-ms', values['job-ms']) }),
    ...(values['output-padding'] === undefined ? {} : { outputPaddingBytes: wholeNumber('output-padding', values['output-padding']) }),
    ...(values.faults === undefined ? {} : { faults: await readFaults(values.faults) }),
    ...(shape === undefined ? {} : { outputShape: shape as OutputShape }),
    ...(values['rate-limit'] === undefined ? {} : { rateLimits: parseRateLimits(values['rate-limit']) }),
  }
  const emulator = await startEmulator(options)
  io.stdout.write(`${JSON.stringify({ baseUrl: emulator.baseUrl })}\n`)
  await new Promise<void>((resolve) => {
    if (io.stop.aborted) resolve()
    io.stop.addEventListener('abort', () => resolve(), { once: true })
  })
  await emulator.stop()
}

function parseRateLimits(texts: readonly string[]): ProviderRateLimits {
  const limits: Record<string, number> = {}
  for (const text of texts) {
    const match = /^(ailab|fal|magichour|replicate)=(\d+(?:\.\d+)?)$/.exec(text)
    if (!match || !(Number(match[2]) > 0)) throw new EmulatorUsageError(`--rate-limit must be PROVIDER=N (ailab, fal, magichour or replicate; N > 0 per second), got "${text}"`)
    limits[match[1]!] = Number(match[2])
  }
  return limits
}

async function readFaults(path: string) {
  try {
    return parseFaults(JSON.parse(await readFile(path, 'utf8')))
  } catch (error) {
    throw new EmulatorUsageError(`--faults ${path}: ${(error as Error).message}`)
  }
}
