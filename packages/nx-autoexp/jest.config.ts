// Unit tests (src/**/*.spec.ts) and integration tests (tests/integration) of the plugin.
// Integration tests spawn real processes; they run from the compiled dist/ CLI.
export default {
  displayName: 'nx-autoexp',
  testEnvironment: 'node',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/tests/integration/**/*.spec.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
};
