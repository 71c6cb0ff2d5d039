// Benchmark of the shared rate limiter alone (issue 14): RedisRateLimitStore on a real
// redis-server, 2 processes x 4 callers asking for starts on one key limited to R per second,
// each doing 5 ms of CPU work after a start. No jobs, uploads or emulator: what the limiter
// achieves when demand always exceeds R, apart from the rest of the pipeline.
// - achieved rate: the starts after the first R (which go at once), over the time from the
//   first to the last, as Redis counted them (TIME right after each start), as a fraction of R;
// - the spacing of each start from the start R places before it (p50, p90, max): the limit makes
//   it at least a second (plus the store's margin); anything above is budget lost.
// Needs redis-server on the PATH (Debian's package).
//
// Run after building:
//   npx tsc -b packages/cli && node bench/queue-limiter.mjs [R] [seconds] [margin ms]
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import { RedisRateLimitStore } from '@portrait-animator/queue'
import { startRedisServer } from '@portrait-animator/queue/testing'

const CALLERS = 4

async function child(url, rate, seconds, margin) {
  const redis = new Redis(url)
  const store = new RedisRateLimitStore(redis, { prefix: 'bench:', ...(margin === '' ? {} : { rateMarginMs: Number(margin) }) })
  const end = Date.now() + seconds * 1000
  const times = []
  await Promise.all(Array.from({ length: CALLERS }, async () => {
    while (Date.now() < end) {
      const release = await store.acquire('fal/live-portrait', { ratePerSecond: rate })
      const [s, us] = await redis.time()
      times.push(Number(s) * 1000 + Number(us) / 1000)
      await release()
      const busy = Date.now()
      while (Date.now() - busy < 5);
    }
  }))
  process.send(times)
  redis.disconnect()
}

if (process.argv[2] === 'child') {
  await child(process.argv[3], Number(process.argv[4]), Number(process.argv[5]), process.argv[6] ?? '')
} else {
  const rate = Number(process.argv[2] ?? 4)
  const seconds = Number(process.argv[3] ?? 15)
  const margin = process.argv[4] ?? ''
  const redis = await startRedisServer()
  const self = fileURLToPath(import.meta.url)
  const children = [0, 1].map(() => fork(self, ['child', redis.url, String(rate), String(seconds), margin]))
  const starts = (await Promise.all(children.map((c) => new Promise((resolve) => c.once('message', resolve))))).flat().sort((a, b) => a - b)
  await redis.stop()
  const span = (starts.at(-1) - starts[0]) / 1000
  const achieved = (starts.length - rate) / span
  const gaps = starts.slice(rate).map((at, index) => at - starts[index]).sort((a, b) => a - b)
  const at = (p) => gaps[Math.min(gaps.length - 1, Math.floor(p * gaps.length))].toFixed(0)
  console.log(`R=${rate}/s, margin ${margin === '' ? 'default' : `${margin} ms`}, 2 processes x ${CALLERS} callers, ${starts.length} starts in ${span.toFixed(1)} s: achieved ${achieved.toFixed(2)}/s (${(achieved / rate).toFixed(3)} of R); start to the start ${rate} before: p50 ${at(0.5)} ms, p90 ${at(0.9)} ms, max ${gaps.at(-1).toFixed(0)} ms`)
}
