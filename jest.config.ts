// Root config: the plugin's unit + integration tests, and the e2e suite (real nx runs).
export default {
  projects: ['<rootDir>/packages/nx-autoexp', '<rootDir>/e2e'],
};
