// One Temporal dev server and one PostgreSQL for the whole run (test/global-setup.ts); each test file gets its
// own database (from a migrated, seeded template) and its own task queue, so files run in parallel safely.
const ESM_ONLY = '(content-disposition|cookie|@apidevtools/json-schema-ref-parser)';
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
    // A few dependencies ship ES modules only (content-disposition via @fastify/swagger-ui, cookie via
    // light-my-request, json-schema-ref-parser via swagger-parser). Node 20 loads them natively; Jest's module
    // system cannot, so they are compiled to CommonJS like our own code.
    [`/node_modules/${ESM_ONLY}/.+\\.js$`]: ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: [`/node_modules/(?!${ESM_ONLY}/)`],
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 120000,
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/test/count-reporter.js'],
};
