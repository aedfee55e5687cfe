/**
 * Every server-backed test shares one Temporal dev server and one FerretDB, started by
 * test/global-setup.ts on free ports; each test file uses its own database and task queue.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  // test/cluster/ runs against `npm run cluster` (npm run test:cluster), never in `npm test`.
  testMatch: ['<rootDir>/test/**/*.test.ts', '!<rootDir>/test/cluster/**'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  setupFiles: ['<rootDir>/test/setup-runtime.ts'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  // Workflow tests wait on real timers of a real server.
  testTimeout: 60_000,
  maxWorkers: 2,
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.tools/', '<rootDir>/.data/'],
};
