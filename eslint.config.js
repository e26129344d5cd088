import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { boundaries } from './infra/lint/boundaries.js';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.stryker-tmp/', 'reports/', '.cache/', 'data/', 'infra/dev-broker/build/', 'services/api/static/vendor/', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly', performance: 'readonly', fetch: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', TextDecoder: 'readonly', TextEncoder: 'readonly', setImmediate: 'readonly', structuredClone: 'readonly', queueMicrotask: 'readonly', globalThis: 'readonly', document: 'readonly', window: 'readonly', EventSource: 'readonly', navigator: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-explicit-any': 'error',
      'no-control-regex': 'off',
      'no-console': 'error',
    },
  },
  {
    // The CLI's own output, benchmarks' reports and the dashboard's browser code may print.
    files: ['cli/**', 'bench/**', 'bin/**', 'services/api/static/**', 'infra/**'],
    rules: { 'no-console': 'off' },
  },
  // The house layout as lint: services never import each other, only a service's index.ts is
  // imported from outside it, and domain/ stays pure (no adapters, no I/O, no wall clock, no env).
  ...boundaries,
);
