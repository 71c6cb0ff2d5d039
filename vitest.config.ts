import { defineConfig } from 'vitest/config'

/** One vitest run over every package, resolving workspace packages to their TypeScript sources. */
export default defineConfig({
  resolve: { conditions: ['portrait-animator-dev'] },
  ssr: { resolve: { conditions: ['portrait-animator-dev'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'examples/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['scripts/vitest-build.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', ['json', { outputFile: '.vitest/report.json' }]],
  },
})
