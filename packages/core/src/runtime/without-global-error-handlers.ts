const EVENTS = ['uncaughtException', 'unhandledRejection'] as const
type Listener = (...args: unknown[]) => void

function listenersOf(event: (typeof EVENTS)[number]): Listener[] {
  return (process.listeners as (event: string) => Listener[])(event)
}

/**
 * Loads a module (typically an Emscripten WebAssembly bundle such as `h264-mp4-encoder`) and
 * removes the process-wide `uncaughtException`/`unhandledRejection` listeners it installed.
 * Such bundles rethrow every uncaught error from their listener (so Node prints the bundle's whole
 * minified source instead of the real error) and abort their runtime on any unhandled rejection of
 * the host application. A library must not change how its host process handles errors.
 */
export async function withoutGlobalErrorHandlers<T>(load: () => T | Promise<T>): Promise<T> {
  const before = new Map(EVENTS.map((event) => [event, new Set(listenersOf(event))]))
  try {
    return await load()
  } finally {
    for (const event of EVENTS) {
      for (const listener of listenersOf(event)) {
        if (!before.get(event)!.has(listener)) process.removeListener(event, listener)
      }
    }
  }
}
