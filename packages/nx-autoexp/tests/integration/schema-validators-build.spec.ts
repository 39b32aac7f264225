// The build (npm run build, run by tools/setup.sh) precompiles the schema's
// validators; dist/ must pick them up, or every createNodes and step that
// parses a config pays ajv's compile again (tools/bench/orchestration).
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runProcess } from '../../src/core/process/run-process';
import { PKG, WS } from './support/build-cli';

type Api = typeof import('../../src/core/config/schema-validators');
const dist = (): Api => require(join(PKG, 'dist', 'core', 'config', 'schema-validators.js'));

describe('precompiled schema validators from the build', () => {
  it('the build made them for the current schema, and dist/ validates with them', () => {
    const api = dist();
    const pre = api.readGeneratedValidators(api.GENERATED_VALIDATORS_PATH);
    if (!pre) throw new Error(`${api.GENERATED_VALIDATORS_PATH} is missing or was made from another schema: run \`npm run build\``);
    for (const id of ['experiment', ...api.PRECOMPILED_SECTIONS.map((s) => `section_${s}`)]) expect(typeof pre[id]).toBe('function');
    const validate = api.schemaValidator(null);
    expect(validate).toBe(pre.experiment);
    expect(validate({ model: { type: 'seq2seq' } })).toBe(true);
    expect(validate({ model: { type: 'seq2seq' }, train: { learning_rat: 1 } })).toBe(false);
  });

  it('scripts/generate-validators.js writes them from the schema', async () => {
    const api = dist();
    const path = api.GENERATED_VALIDATORS_PATH;
    // Aside, not deleted: a process that finds none compiles instead (correct, only slower), and this puts it back.
    renameSync(path, `${path}.aside`);
    try {
      const res = await runProcess('node', [join(PKG, 'scripts', 'generate-validators.js')], { cwd: WS, tailLines: 20 });
      expect(res.exitCode).toBe(0);
      expect(res.tail.join('\n')).toContain('generated packages/nx-autoexp/generated/schema-validators.js');
      expect(readFileSync(path, 'utf8')).toBe(readFileSync(`${path}.aside`, 'utf8')); // deterministic: the same schema gives the same code
    } finally {
      if (existsSync(path)) rmSync(`${path}.aside`);
      else renameSync(`${path}.aside`, path);
    }
  });
});
