import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

const routerNames = ['createRouter', 'Router', 'RouterOptions', 'RouterCallOptions', 'JobJournal', 'CircuitBreaker']

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
    // The architecture rule: helpers in core sit beside the router and never depend on it.
    files: ['packages/core/src/{spec,errors,media,http,output,testing,config}/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/router/**', '../router/*'], message: 'Only the router may import the router.' }] }] },
  },
  {
    // Adapters depend on core only: never on each other, never on the router.
    files: ['packages/adapter-*/src/**/*.ts'],
    ignores: ['packages/adapter-*/src/**/*.test.ts', 'packages/adapter-*/src/**/*.test-helpers.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: '@portrait-animator/core', importNames: routerNames, message: 'Adapters never import the router.' }],
          patterns: [{ group: ['@portrait-animator/adapter-*'], message: 'Adapters never import each other.' }],
        },
      ],
    },
  },
)
