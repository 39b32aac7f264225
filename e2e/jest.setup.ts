// e2e suites train real (tiny) models through real nx: minutes, not seconds.
// Set here, per project, because a root `jest` run ignores a project's testTimeout.
jest.setTimeout(15 * 60 * 1000);

// Each test file's workspaces (copies of the repo, with trained checkpoints) go when its tests are done.
// Imported lazily so a test file that never makes a workspace pays nothing.
afterAll(() => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  require('./workspace').Workspace.removeAll();
});
