/**
 * Throwaway workspace folders for unit tests: files written from a map of
 * relative path -> text, every folder removed after the test file that made it
 * (importing this module registers the afterAll).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const made: string[] = [];
afterAll(() => made.splice(0).forEach((root) => rmSync(root, { recursive: true, force: true })));

export function tempWorkspace(prefix: string, files: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), `${prefix}-`));
  made.push(root);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}
