/** @type {import('jest').Config} */
const swc = JSON.parse(require('node:fs').readFileSync(`${__dirname}/.swcrc`, 'utf8'));

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { ...swc, swcrc: false }],
    // ESM-only dependencies: jest's CommonJS runtime needs them compiled (Node itself requires them natively).
    '^.+/node_modules/(jose|marked)/.+\\.js$': ['@swc/jest', { ...swc, swcrc: false }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(jose|marked)/)'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  setupFiles: ['reflect-metadata'],
  // A ceiling, not a pace: generous so a loaded machine (CI beside other work) does not fail a
  // test that waits on a condition; a test that hangs still ends.
  testTimeout: 180_000,
  maxWorkers: 2,
};
