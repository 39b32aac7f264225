#!/usr/bin/env node
// `npm run mutation [-- area ...]`: mutation testing of the code where a wrong answer is
// silent (areas.json), then the score per area (summary.js). Not part of `npm test`.
//   TypeScript: StrykerJS + jest runner over the plugin's unit specs (stryker.config.json).
//   Python: mutmut over the trainer ([tool.mutmut] in packages/trainer/pyproject.toml).
// Incremental per area: a rerun tests only mutants in changed code (minutes on 2 cores).
const { spawnSync } = require('node:child_process');
const { mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..', '..');
const RESULTS = join(__dirname, 'results');
const areas = JSON.parse(readFileSync(join(__dirname, 'areas.json'), 'utf8'));
delete areas._comment;
const wanted = process.argv.slice(2);
for (const a of wanted) if (!areas[a]) { console.error(`unknown area '${a}'; areas: ${Object.keys(areas).join(', ')}`); process.exit(2); }
const run = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', ...opts });
  if (r.status !== 0 && !opts.allowFail) { console.error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal})`); process.exit(1); }
};

mkdirSync(RESULTS, { recursive: true });
run('bash', ['tools/setup.sh'], { stdio: ['ignore', 'ignore', 'inherit'] });
let mutmutReady = false;
for (const [name, area] of Object.entries(areas)) {
  if (wanted.length && !wanted.includes(name)) continue;
  console.log(`=== ${name}: ${area.title} ===`);
  if (area.ts) {
    const base = JSON.parse(readFileSync(join(__dirname, 'stryker.config.json'), 'utf8'));
    const config = { ...base, mutate: area.ts, incrementalFile: `tools/mutation/results/${name}.incremental.json`, jsonReporter: { fileName: `tools/mutation/results/${name}.stryker.json` } };
    const file = join(ROOT, 'tmp', `stryker-${name}.config.json`);
    mkdirSync(join(ROOT, 'tmp'), { recursive: true });
    writeFileSync(file, JSON.stringify(config, null, 2));
    run(join(ROOT, 'node_modules', '.bin', 'stryker'), ['run', file]);
  } else {
    if (!mutmutReady) {
      run(join(ROOT, '.venv', 'bin', 'python'), ['-m', 'pip', 'install', '-q', '-c', 'tools/python-constraints.txt', 'mutmut']);
      mutmutReady = true;
    }
    const cwd = join(ROOT, 'packages', 'trainer');
    const env = { ...process.env, HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1' };
    // mutmut exits non-zero when mutants survive; the summary reports them.
    run(join(ROOT, '.venv', 'bin', 'mutmut'), ['run', area.py], { cwd, env, allowFail: true });
    const results = spawnSync(join(ROOT, '.venv', 'bin', 'mutmut'), ['results', '--all', 'true'], { cwd, env, encoding: 'utf8' });
    const mine = results.stdout.split('\n').filter((l) => l.includes(area.py.replace('*', '')));
    writeFileSync(join(RESULTS, `${name}.mutmut.txt`), `${mine.join('\n')}\n`);
  }
}
run(process.execPath, [join(__dirname, 'summary.js')]);
