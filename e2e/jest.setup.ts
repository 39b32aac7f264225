// e2e suites train real (tiny) models through real nx: minutes, not seconds.
// Set here, per project, because a root `jest` run ignores a project's testTimeout.
jest.setTimeout(15 * 60 * 1000);
