import { spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, posix } from 'node:path'
import { readMp4Summary } from '@portrait-animator/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dockerignore, parseDockerfile, type Instruction, type Stage } from './dockerfile.test-helpers.js'
import { firstLine, ROOT, SAMPLE } from './run-cli.test-helpers.js'

/**
 * The image's file tree, built without a Docker engine by running the Dockerfile's own stages:
 * - `build` is this worktree, already built by `npx tsc -b packages/cli` (the stage's last RUN);
 *   only what .dockerignore lets into the context counts, apart from the dist/ folders it builds;
 * - `deps` is run for real: its COPYs from the context, then its RUN (`npm ci --omit=dev`, offline
 *   from npm's cache), in a temporary folder (kept between runs, keyed by the stage's text and the
 *   files it copies);
 * - the final stage's COPYs assemble the tree, and its ENTRYPOINT + CMD start `serve` from it.
 * A runtime dependency listed as a devDependency, or a file the Dockerfile forgets to copy, fails here.
 */

const KEY = 'server-key-for-docker-tree-0004'
const DOCKERFILE = join(ROOT, 'Dockerfile')
let stages: Stage[]
let ignored: (path: string) => boolean
let work = ''
let runtimeRoot = ''
let url = ''
let port = 0
let server: ReturnType<typeof spawn> | undefined
let serverStderr = ''

/** A stage's instructions of one kind. */
const all = (stage: Stage, op: string): Instruction[] => stage.instructions.filter((instruction) => instruction.op === op)

/** Maps a path inside a stage onto the folder standing in for that stage's file system. */
function onHost(root: string, workdir: string, path: string): string {
  return join(root, posix.resolve(workdir, path))
}

/** COPY's semantics for one source: a folder's contents go into the destination, a file into it or onto it. */
async function copy(from: string, dest: string, destIsFolder: boolean, options: { link?: boolean } = {}): Promise<void> {
  const folder = (await stat(from)).isDirectory()
  await mkdir(folder || destIsFolder ? dest : dirname(dest), { recursive: true })
  const result = spawnSync('cp', [options.link ? '-al' : '-a', folder ? `${from}/.` : from, folder || destIsFolder ? `${dest}/` : dest], { encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`cp ${from} ${dest}: ${result.stderr}`)
}

/** Runs the COPYs of a stage whose sources are in the build context, then its RUNs, in `root`. */
async function runContextStage(stage: Stage, root: string): Promise<void> {
  let workdir = '/'
  for (const instruction of stage.instructions) {
    if (instruction.op === 'WORKDIR') {
      workdir = posix.resolve(workdir, instruction.args[0]!)
      await mkdir(onHost(root, '/', workdir), { recursive: true })
    } else if (instruction.op === 'COPY') {
      expect(instruction.flags.from, 'the deps stage copies from the context only').toBeUndefined()
      const sources = instruction.args.slice(0, -1)
      const dest = instruction.args.at(-1)!
      for (const source of sources) {
        expect(ignored(source), `${source} is in the build context (.dockerignore)`).toBe(false)
        await copy(join(ROOT, source), onHost(root, workdir, dest), sources.length > 1 || dest.endsWith('/'))
      }
    } else if (instruction.op === 'RUN') {
      // Tests never reach the network: npm installs from its cache, which the repository's own `npm ci` filled.
      const inherited = Object.entries(process.env).filter(([name]) => !/^npm_(?!config_cache)/i.test(name) && name !== 'NODE_OPTIONS')
      const env = { ...Object.fromEntries(inherited), npm_config_offline: 'true' }
      const result = spawnSync('sh', ['-c', instruction.raw], { cwd: onHost(root, '/', workdir), env, encoding: 'utf8', timeout: 600_000 })
      if (result.status !== 0) throw new Error(`RUN ${instruction.raw} failed (offline, from npm's cache):\n${result.stderr}`)
    } else {
      expect(['ENV', 'ARG'], `${instruction.op} in the deps stage`).toContain(instruction.op)
    }
  }
}

/** The deps stage's folder, from the cache when the stage and the files it copies are unchanged. */
async function depsStage(stage: Stage): Promise<string> {
  const hash = createHash('sha256')
  for (const instruction of stage.instructions) {
    hash.update(`${instruction.op} ${instruction.raw}\n`)
    if (instruction.op === 'COPY') for (const source of instruction.args.slice(0, -1)) hash.update(await readFile(join(ROOT, source)))
  }
  const cached = join(tmpdir(), `pa-dockerfile-deps-${hash.digest('hex').slice(0, 16)}`)
  if (existsSync(join(cached, '.complete'))) return cached
  const building = await mkdtemp(join(tmpdir(), 'pa-dockerfile-deps-building-'))
  await runContextStage(stage, building)
  await writeFile(join(building, '.complete'), '')
  await rm(cached, { recursive: true, force: true })
  await rename(building, cached)
  return cached
}

/** Assembles the final stage in `root` from the other stages' folders; returns its ENV, WORKDIR, USER and commands. */
async function runFinalStage(stage: Stage, root: string, stageRoots: Record<string, string>, buildWorkdir: string) {
  const env: Record<string, string> = {}
  let workdir = '/'
  let user = 'root'
  for (const instruction of stage.instructions) {
    if (instruction.op === 'WORKDIR') {
      workdir = posix.resolve(workdir, instruction.args[0]!)
      await mkdir(onHost(root, '/', workdir), { recursive: true })
    } else if (instruction.op === 'ENV') {
      const [name, ...value] = instruction.raw.split('=')
      env[name!.trim()] = value.join('=').trim()
    } else if (instruction.op === 'USER') {
      user = instruction.args[0]!
    } else if (instruction.op === 'COPY') {
      const from = instruction.flags.from
      expect(from, 'the runtime stage copies from the other stages only').toBeDefined()
      const sources = instruction.args.slice(0, -1)
      const dest = instruction.args.at(-1)!
      const target = onHost(root, workdir, dest)
      const destIsFolder = sources.length > 1 || dest.endsWith('/')
      for (const source of sources) {
        if (from === 'build') {
          // The build stage is this worktree: its paths are relative to the stage's WORKDIR.
          const relative = posix.relative(buildWorkdir, source)
          if (!relative.split('/').includes('dist')) expect(ignored(relative), `${relative} is in the build context (.dockerignore)`).toBe(false)
          await copy(join(ROOT, relative), target, destIsFolder)
        } else {
          await copy(onHost(stageRoots[from!]!, '/', source), target, destIsFolder, { link: source.endsWith('node_modules') })
        }
      }
    } else {
      expect(['EXPOSE', 'HEALTHCHECK', 'ENTRYPOINT', 'CMD', 'ARG'], `${instruction.op} in the runtime stage (no RUN: the tree is assembled, not built)`).toContain(instruction.op)
    }
  }
  const only = (op: string) => all(stage, op).at(-1)
  return { env, workdir, user, entrypoint: only('ENTRYPOINT')!.args, cmd: only('CMD')!.args, healthcheck: only('HEALTHCHECK')! }
}

let final: Awaited<ReturnType<typeof runFinalStage>>

beforeAll(async () => {
  expect(existsSync(join(ROOT, 'packages', 'cli', 'dist', 'bin.js')), 'run `npx tsc -b packages/cli` first (the build stage)').toBe(true)
  stages = parseDockerfile(await readFile(DOCKERFILE, 'utf8'))
  ignored = dockerignore(await readFile(join(ROOT, '.dockerignore'), 'utf8'))
  const build = stages.find((stage) => stage.name === 'build')!
  const deps = stages.find((stage) => stage.name === 'deps')!
  expect(all(build, 'RUN').map((run) => run.raw)).toEqual(['npm ci', 'npx tsc -b packages/cli'])
  expect(all(build, 'COPY').map((copyLine) => copyLine.raw)).toEqual(['. .'])
  work = await mkdtemp(join(tmpdir(), 'pa-dockerfile-tree-'))
  runtimeRoot = join(work, 'runtime')
  final = await runFinalStage(stages.at(-1)!, runtimeRoot, { deps: await depsStage(deps) }, all(build, 'WORKDIR').at(-1)!.args[0]!)

  // ENTRYPOINT + CMD as the container runs them, on loopback and a free port.
  const command = [...final.entrypoint, ...final.cmd].map((arg) => (arg.startsWith('/') ? join(runtimeRoot, arg) : arg === '0.0.0.0' ? '127.0.0.1' : arg === '8080' ? '0' : arg))
  expect(command[0]).toBe('node')
  const env = { PATH: process.env.PATH ?? '', HOME: join(runtimeRoot, final.workdir), ...final.env, PORTRAIT_ANIMATOR_SERVER_KEYS: KEY }
  server = spawn(process.execPath, command.slice(1), { cwd: join(runtimeRoot, final.workdir), env, stdio: ['ignore', 'pipe', 'pipe'] })
  server.stderr!.setEncoding('utf8').on('data', (chunk: string) => (serverStderr += chunk))
  url = (JSON.parse(await firstLine(server).catch((error: Error) => Promise.reject(new Error(`${error.message}: ${serverStderr}`)))) as { url: string }).url
  port = Number(new URL(url).port)
}, 600_000)

afterAll(async () => {
  if (server && server.exitCode === null) {
    server.kill('SIGTERM')
    await new Promise((resolve) => server!.once('close', resolve))
  }
  if (work) await rm(work, { recursive: true, force: true })
})

describe('the Dockerfile\'s production tree (its stages run without Docker)', () => {
  it('runs as a user other than root, with production dependencies only', async () => {
    expect(final.user).not.toMatch(/^(root|0)(:|$)/)
    expect(final.env.NODE_ENV).toBe('production')
    const modules = join(runtimeRoot, 'app', 'node_modules')
    expect(existsSync(join(modules, 'prom-client'))).toBe(true)
    for (const devOnly of ['typescript', 'vitest', 'eslint', 'nock', 'turbo']) expect(existsSync(join(modules, devOnly)), `${devOnly} is left out`).toBe(false)
  })

  it('holds every file each workspace package ships (its package.json "files")', async () => {
    for (const name of ['core', 'router', 'adapter-ailab', 'adapter-fal', 'adapter-local', 'adapter-magichour', 'emulator', 'cli']) {
      const folder = join(runtimeRoot, 'app', 'packages', name)
      const manifest = JSON.parse(await readFile(join(folder, 'package.json'), 'utf8')) as { files: string[] }
      for (const entry of manifest.files.filter((file) => !file.startsWith('!') && file !== 'README.md')) {
        expect(existsSync(join(folder, entry)), `packages/${name}/${entry}`).toBe(true)
      }
      expect((await stat(join(folder, 'dist', 'index.js'))).isFile()).toBe(true)
    }
  })

  it('starts serve from it: /healthz, the HEALTHCHECK command, and one live-photo request offline', async () => {
    expect((await fetch(`${url}/healthz`)).status).toBe(200)
    const check = final.healthcheck.args.slice(1).map((arg) => arg.replaceAll('8080', String(port)))
    expect(final.healthcheck.args[0]).toBe('CMD')
    expect(check[0]).toBe('node')
    const probe = spawnSync(process.execPath, check.slice(1), { encoding: 'utf8', timeout: 30_000 })
    expect(probe.status, probe.stderr).toBe(0)

    const form = new FormData()
    form.append('image_target', new Blob([new Uint8Array(await readFile(SAMPLE))], { type: 'image/png' }), 'portrait.png')
    const response = await fetch(`${url}/api/portrait/effects/live-photo`, { method: 'POST', headers: { 'ailabapi-api-key': KEY }, body: form })
    const body = (await response.json()) as { data?: { video: string } }
    expect(response.status, serverStderr).toBe(200)
    expect(readMp4Summary(Buffer.from(body.data!.video, 'base64'))).toMatchObject({ codec: 'avc1' })
  })
})
