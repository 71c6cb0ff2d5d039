import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defineConfig } from 'vitest/config'

/** One vitest run over every package, resolving workspace packages to their TypeScript sources. */
export default defineConfig({
  resolve: { conditions: ['portrait-animator-dev'] },
  ssr: { resolve: { conditions: ['portrait-animator-dev'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'examples/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['scripts/vitest-build.ts'],
    setupFiles: ['scripts/vitest-worker-diagnostics.ts'],
    // Generous: tests that render real videos take 15 s on a busy 2-core machine; a hung test still
    // fails, and no test asserts how long anything took.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // A router whose config names no stateDir keeps its state here, never in the real home's state folder.
    // The offline animator's face analyses likewise go to a temporary folder, never the real home's cache.
    env: { PORTRAIT_ANIMATOR_STATE_DIR: join(tmpdir(), 'portrait-animator-test-state'), PORTRAIT_ANIMATOR_CACHE_DIR: join(tmpdir(), 'portrait-animator-test-cache') },
    reporters: ['default', ['json', { outputFile: '.vitest/report.json' }]],
  },
})
