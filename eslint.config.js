import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', '.vitest/**', 'out/**', '.portrait-animator/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The architecture rule: core never depends on the router (the router depends on core).
    files: ['packages/core/src/**/*.ts', 'packages/core/test/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['@portrait-animator/router', '@portrait-animator/router/*', '**/router/src/**'], message: 'Core never imports the router.' }] }] },
  },
  {
    // Adapters depend on core only: never on each other, never on the router.
    files: ['packages/adapter-*/src/**/*.ts'],
    ignores: ['packages/adapter-*/src/**/*.test.ts', 'packages/adapter-*/src/**/*.test-helpers.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: '@portrait-animator/router', message: 'Adapters never import the router.' }],
          patterns: [
            { group: ['@portrait-animator/adapter-*'], message: 'Adapters never import each other.' },
            { group: ['@portrait-animator/router/*', '**/router/src/**'], message: 'Adapters never import the router.' },
          ],
        },
      ],
    },
  },
  {
    // The router is read by newcomers: every function fits on a screen (tests are exempt).
    files: ['packages/router/src/**/*.ts'],
    ignores: ['packages/router/src/**/*.test.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 80, skipBlankLines: false, skipComments: false }] },
  },
)
