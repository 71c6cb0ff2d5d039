// Benchmark of a retired or dead first target: what a route pays per request for a first target
// that no longer answers, once its breaker is open.
// Target (project issue 8): after the first request, a retired or dead first target adds at most
// 1 ms per request (median, against the same route without it) and receives no requests while its
// breaker is open.
//
// Three routes on one router, all served by AILab live-photo on the emulator (own process, instant
// jobs): `baseline` is that target alone; `retired` puts first an AILab target whose server answers
// as the retired API does (404 ERROR_AI_NOT_EXISTS; a second emulator in `--ailab retired` mode,
// behind a proxy here that counts every request it receives); `dead` puts first an AILab target on a
// port where nothing listens (connection refused). Requests rotate over the three routes, one at a
// time. The breaker opens after `failureThreshold` failures; it is set to the retry count (3) so the
// first request's retries open it (with the default of 5 the second request would still try twice).
// The cooldown is the default 30 s: a call that goes through after it is the breaker's half-open
// probe, reported apart from calls made while the breaker was open.
//
// Run after building:
//   npx tsc -b packages/cli && node bench/router-dead-target.mjs [requests per route]
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import sharp from 'sharp'
import { createRouter } from '@portrait-animator/router'
import { startEmulatorProcess } from './support/emulator-process.mjs'

const BUDGET_ADDED_MS = 1
const REQUESTS = Number(process.argv[2] ?? process.env.REQUESTS ?? 1000)

/** A loopback HTTP proxy in front of `target` that counts the requests it receives. */
async function countingProxy(target) {
  const proxy = { requests: 0, close: undefined, baseUrl: '' }
  const server = createServer(async (request, response) => {
    proxy.requests++
    const chunks = []
    for await (const chunk of request) chunks.push(chunk)
    const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => !['host', 'connection', 'content-length'].includes(name)))
    const upstream = await fetch(new URL(request.url, target), { method: request.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined })
    response.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' })
    response.end(Buffer.from(await upstream.arrayBuffer()))
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  proxy.baseUrl = `http://127.0.0.1:${server.address().port}`
  proxy.close = () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve) })
  return proxy
}

/** A loopback port on which nothing listens. */
async function closedPort() {
  const server = createServer()
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  await new Promise((resolve) => server.close(resolve))
  return port
}

const live = await startEmulatorProcess(['--job-ms', '0'])
const retired = await startEmulatorProcess(['--job-ms', '0', '--ailab', 'retired'])
const proxy = await countingProxy(retired.baseUrl)
const deadUrl = `http://127.0.0.1:${await closedPort()}`
const stateDir = await mkdtemp(join(tmpdir(), 'pa-bench-dead-'))
const key = 'bench-dead-target-key'
const events = []
const router = await createRouter(
  {
    providers: {
      ailab: { adapter: 'ailab', apiKey: key, baseUrl: live.baseUrl },
      retiredlab: { adapter: 'ailab', apiKey: key, baseUrl: proxy.baseUrl },
      deadlab: { adapter: 'ailab', apiKey: key, baseUrl: deadUrl },
    },
    routes: {
      default: { strategy: 'fallback', targets: ['ailab/live-photo'] },
      retired: { strategy: 'fallback', targets: ['retiredlab/live-photo', 'ailab/live-photo'] },
      dead: { strategy: 'fallback', targets: ['deadlab/live-photo', 'ailab/live-photo'] },
    },
    breaker: { failureThreshold: 3 },
    stateDir,
  },
  { onEvent: (event) => events.push(event) },
)

// A small portrait keeps the served call short, so that a millisecond shows.
const image = new Uint8Array(await sharp(fileURLToPath(new URL('../examples/assets/astronaut.png', import.meta.url))).resize(128, 128).png().toBuffer())
const request = { image, motion: { type: 'preset', preset: 'live-photo' } }

async function timeRequest(route) {
  const started = performance.now()
  const result = await router.animate(request, { route })
  const elapsed = performance.now() - started
  if (result.servedBy.target !== 'ailab/live-photo') throw new Error(`served by ${result.servedBy.target}`)
  return { elapsed, result }
}

// The first request of each route: the dead and retired targets are discovered here.
const firsts = {}
for (const route of ['default', 'retired', 'dead']) firsts[route] = await timeRequest(route)
const deadCallsInFirst = events.filter((event) => event.type === 'attempt-started' && event.target === 'deadlab/live-photo').length
const retiredRequestsInFirst = proxy.requests
const breakers = Object.fromEntries(router.targets().map((target) => [target.target, target.breaker]))

// Warm-up, then the measured rotation.
for (let index = 0; index < 30; index++) for (const route of ['default', 'retired', 'dead']) await timeRequest(route)
const times = { default: [], retired: [], dead: [] }
const skips = { retired: 0, dead: 0 }
/** Calls to the first target made while its breaker was open (must stay 0), and half-open probes after a cooldown. */
const callsWhileOpen = { retired: 0, dead: 0 }
const probes = { retired: 0, dead: 0 }
const firstTarget = { retired: 'retiredlab/live-photo', dead: 'deadlab/live-photo' }
const rotations = [['default', 'retired', 'dead'], ['retired', 'dead', 'default'], ['dead', 'default', 'retired']]
const measureStarted = performance.now()
for (let index = 0; index < REQUESTS; index++) {
  for (const route of rotations[index % 3]) {
    const target = firstTarget[route]
    const stateBefore = target && router.targets().find((item) => item.target === target).breaker
    const proxyBefore = proxy.requests
    const eventsBefore = events.length
    const { elapsed, result } = await timeRequest(route)
    times[route].push(elapsed)
    if (!target) continue
    if (result.attempts[0]?.outcome === 'skipped') skips[route]++
    const calls = route === 'retired' ? proxy.requests - proxyBefore : events.slice(eventsBefore).filter((event) => event.type === 'attempt-started' && event.target === target).length
    if (stateBefore === 'open' || stateBefore === 'retired') callsWhileOpen[route] += calls
    else probes[route] += calls
  }
}
const measureSeconds = (performance.now() - measureStarted) / 1000

await Promise.all([live.stop(), retired.stop(), proxy.close()])
await rm(stateDir, { recursive: true, force: true })

const median = (values) => {
  const sorted = [...values].sort((first, second) => first - second)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
const ms = (value) => `${value.toFixed(2)} ms`
const addedRetired = median(times.retired) - median(times.default)
const addedDead = median(times.dead) - median(times.default)

console.log(`dead/retired first target benchmark: node ${process.version}, ${availableParallelism()} cores, ${REQUESTS} requests per route after the first (sequential), ${measureSeconds.toFixed(0)} s`)
console.log(`first request: baseline ${ms(firsts.default.elapsed)}, retired first ${ms(firsts.retired.elapsed)} (${retiredRequestsInFirst} request to it), dead first ${ms(firsts.dead.elapsed)} (${deadCallsInFirst} connection attempts)`)
console.log(`breakers after the first requests: retiredlab ${breakers['retiredlab/live-photo']}, deadlab ${breakers['deadlab/live-photo']}`)
console.log(`median per request: baseline ${ms(median(times.default))}, retired first ${ms(median(times.retired))}, dead first ${ms(median(times.dead))}`)
console.log(`added by the first target: retired ${ms(addedRetired)}, dead ${ms(addedDead)}`)
console.log(`requests to the first target while its breaker was open: retired ${callsWhileOpen.retired} (counted by the proxy), dead ${callsWhileOpen.dead} (attempts started); half-open probes after a cooldown: retired ${probes.retired}, dead ${probes.dead}`)
console.log(`requests that skipped the first target without calling it: retired ${skips.retired}/${REQUESTS}, dead ${skips.dead}/${REQUESTS}`)
const withinBudget = addedRetired <= BUDGET_ADDED_MS && addedDead <= BUDGET_ADDED_MS && callsWhileOpen.retired === 0 && callsWhileOpen.dead === 0
console.log(`budget (added <= ${BUDGET_ADDED_MS} ms, no requests while open): ${withinBudget ? 'PASS' : 'FAIL'}`)
process.exitCode = withinBudget ? 0 : 1
