import type { IncomingMessage, ServerResponse } from 'node:http'
import { abortableSleep } from './abortable-sleep.js'
import type { EmulatorRuntime } from './emulator-runtime.js'
import type { FaultEffect } from './fault-types.js'
import { BodyTooLargeError, readBody } from './read-body.js'
import { jsonReply, type Reply } from './reply.js'
import { matchRoute, type Route } from './router.js'
import { sendReply } from './send-reply.js'

const DEFAULT_BODY_LIMIT = 64 * 1024 * 1024

function withRetryAfter(reply: Reply, effect: FaultEffect): Reply {
  if (effect.retryAfter === undefined) return reply
  return { ...reply, headers: { ...reply.headers, 'retry-after': String(effect.retryAfter) } }
}

/** The provider's 429 when its rate limit refuses this request (recorded in the ledger), else `undefined`. */
function rateLimitedReply(runtime: EmulatorRuntime, faultRoute: string, faultReply: NonNullable<Route['faultReply']>): Reply | undefined {
  const decision = runtime.rateLimiter.admit(faultRoute)
  if (decision.admitted) return undefined
  const retryAfterSeconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000))
  runtime.ledger.recordRateLimited({ provider: decision.provider, route: faultRoute, status: 429, retryAfterSeconds, at: Date.now() })
  const reply = faultReply(429, { message: `Request was throttled: more than ${decision.limit} requests per second.` })
  return { ...reply, headers: { ...reply.headers, 'retry-after': String(retryAfterSeconds) } }
}

/** Aborts when the client goes away before the response is finished, or the emulator stops. */
function requestSignal(response: ServerResponse, stopSignal: AbortSignal): AbortSignal {
  const controller = new AbortController()
  response.on('close', () => {
    if (!response.writableFinished) controller.abort()
  })
  return AbortSignal.any([controller.signal, stopSignal])
}

async function hang(response: ServerResponse, signal: AbortSignal, maxHangMs: number): Promise<void> {
  await abortableSleep(maxHangMs, signal)
  response.destroy()
}

/**
 * Serves one request: finds the route, lets the fault rules decide, runs the handler and writes
 * the reply (damaged if a fault says so).
 */
export async function handleRequest(
  runtime: EmulatorRuntime,
  routes: readonly Route[],
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const signal = requestSignal(response, runtime.stopSignal)
  let route: Route | undefined
  try {
    const url = new URL(request.url ?? '/', runtime.baseUrl)
    const match = matchRoute(routes, request.method ?? 'GET', url.pathname)
    if (!match) {
      request.resume()
      await sendReply(response, jsonReply(404, { message: 'Not Found', detail: 'Not Found' }), signal)
      return
    }
    route = match.route
    if (route.faultRoute !== undefined && route.faultReply) {
      const refused = rateLimitedReply(runtime, route.faultRoute, route.faultReply)
      if (refused) {
        request.resume()
        return await sendReply(response, refused, signal)
      }
    }
    const effect = route.faultRoute === undefined ? undefined : runtime.faults.decide(route.faultRoute)
    if (effect?.latencyMs) await abortableSleep(effect.latencyMs, signal)
    if (signal.aborted) return void response.destroy()
    const maxHangMs = runtime.options.maxHangMs ?? 60_000
    if (effect?.hang && !effect.processed) return await hang(response, signal, maxHangMs)
    if (effect?.reset && effect.processed === false) {
      request.socket.resetAndDestroy()
      return
    }
    if (effect?.retired && route.retiredReply) {
      request.resume()
      return await sendReply(response, withRetryAfter(route.retiredReply(), effect), signal)
    }
    if (effect?.status !== undefined && route.faultReply) {
      request.resume()
      return await sendReply(response, withRetryAfter(route.faultReply(effect.status, effect), effect), signal)
    }
    const reply = await route.handle({
      request,
      url,
      params: match.params,
      signal,
      fault: effect,
      readBody: (limitBytes = DEFAULT_BODY_LIMIT) => readBody(request, limitBytes),
    })
    if (effect?.hang) return await hang(response, signal, maxHangMs)
    await sendReply(response, effect ? withRetryAfter(reply, effect) : reply, signal, {
      ...(effect?.truncate === undefined ? {} : { truncate: effect.truncate }),
      ...(effect?.reset ? { reset: true } : {}),
    })
  } catch (error) {
    if (response.headersSent) {
      response.destroy()
      return
    }
    const status = error instanceof BodyTooLargeError ? 413 : error instanceof URIError ? 400 : 500
    const message = error instanceof Error ? error.message : String(error)
    const text = status === 500 ? `Emulator error: ${message}` : message
    const reply = route?.faultReply ? route.faultReply(status, { message: text }) : jsonReply(status, { message: text })
    // The rest of an oversized body is not worth reading: answer, then close the connection.
    if (status === 413) response.shouldKeepAlive = false
    request.resume()
    await sendReply(response, reply, signal).catch(() => response.destroy())
  }
}
