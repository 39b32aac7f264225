// Root config: the plugin's unit + integration tests, the e2e suite (real nx runs), and the test support code.
export default {
  projects: ['<rootDir>/packages/nx-autoexp', '<rootDir>/e2e', '<rootDir>/tools'],
};
