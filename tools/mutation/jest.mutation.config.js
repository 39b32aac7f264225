// The plugin's unit specs only (see stryker.config.json for why).
const path = require('node:path');
const root = path.join(__dirname, '..', '..', 'packages', 'nx-autoexp');
module.exports = {
  rootDir: root,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(root, 'tsconfig.spec.json'), isolatedModules: true }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
};
