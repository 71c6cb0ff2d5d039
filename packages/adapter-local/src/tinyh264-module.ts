import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { compileFunction } from 'node:vm'

/** The parts of the h264bsd WebAssembly module (from the `tinyh264` package) that decoding uses. */
export interface TinyH264Module {
  readonly HEAPU8: Uint8Array
  _malloc(size: number): number
  _free(pointer: number): void
  _h264bsdAlloc(): number
  _h264bsdFree(storage: number): void
  _h264bsdInit(storage: number, noOutputReordering: number): number
  _h264bsdShutdown(storage: number): void
  /** Decodes one NAL unit; writes the picture pointer, width and height when it returns `PIC_READY`. */
  _h264bsdDecode(storage: number, data: number, length: number, picture: number, width: number, height: number): number
}

/** `_h264bsdDecode` return value when a whole picture is ready. */
export const PIC_READY = 1

let loading: Promise<TinyH264Module> | undefined

/**
 * Loads tinyh264's h264bsd build (Baseline profile H.264 decoder, Apache-2.0) once per process:
 * the encoder's loop closure decodes its keyframe with it, and the CLI's report decodes Baseline
 * clips with it.
 *
 * The package is written for a web worker and ships untranspiled ES syntax without `"type":
 * "module"`, so Node cannot import it. Its emscripten glue is evaluated here as a function with a
 * stand-in `self`, and the WebAssembly binary embedded in it as a data URI is handed over as
 * `wasmBinary`, so nothing is fetched.
 */
export function loadTinyH264(): Promise<TinyH264Module> {
  loading ??= instantiate().catch((error: unknown) => {
    loading = undefined
    throw error
  })
  return loading
}

async function instantiate(): Promise<TinyH264Module> {
  const path = createRequire(import.meta.url).resolve('tinyh264/lib/TinyH264.js')
  const source = await readFile(path, 'utf8')
  const binary = /"data:application\/octet-stream;base64,([A-Za-z0-9+/=]+)"/.exec(source)?.[1]
  if (!source.includes('export default Module;') || binary === undefined) throw new Error(`${path} does not look like tinyh264's emscripten build`)
  // The glue reads `self.location` (a web worker's global scope) before `wasmBinary` makes it moot.
  const factory = compileFunction(source.replace('export default Module;', 'return Module;'), ['self'], { filename: path })({
    location: { href: 'file:///tinyh264/' },
  }) as (options: Record<string, unknown>) => Promise<TinyH264Module>
  const quiet = (): void => {}
  return factory({ wasmBinary: Buffer.from(binary, 'base64'), print: quiet, printErr: quiet })
}
