// Tests of the test support code under tools/ (e.g. tools/testing).
export default {
  displayName: 'tools',
  testEnvironment: 'node',
  rootDir: __dirname,
  testMatch: ['<rootDir>/testing/**/*.spec.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/../e2e/tsconfig.json' }] },
};
