#!/usr/bin/env node
// Mutation score per area (areas.json) from tools/mutation/results/<area>.{stryker.json,mutmut.txt}.
// score = killed (timeouts count as killed) / (killed + survived + no coverage); goal >= 80% per area.
//   node tools/mutation/summary.js [--survivors]
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const RESULTS = join(__dirname, 'results');
const areas = JSON.parse(readFileSync(join(__dirname, 'areas.json'), 'utf8'));
delete areas._comment;
const KILLED = new Set(['Killed', 'Timeout', 'killed', 'timeout']);
const COUNTED = new Set([...KILLED, 'Survived', 'NoCoverage', 'survived', 'no tests']);

function tallyOf(name) {
  const t = { killed: 0, total: 0, survivors: [], ran: false };
  const add = (status, label) => {
    if (!COUNTED.has(status)) return;
    t.total++;
    if (KILLED.has(status)) t.killed++;
    else t.survivors.push(`${status}: ${label}`);
  };
  const stryker = join(RESULTS, `${name}.stryker.json`);
  if (existsSync(stryker)) {
    t.ran = true;
    for (const [file, { mutants }] of Object.entries(JSON.parse(readFileSync(stryker, 'utf8')).files)) {
      for (const m of mutants) add(m.status, `${file}:${m.location.start.line} ${m.mutatorName} -> ${(m.replacement ?? '').replace(/\s+/g, ' ').slice(0, 60)}`);
    }
  }
  const mutmut = join(RESULTS, `${name}.mutmut.txt`);
  if (existsSync(mutmut)) {
    t.ran = true;
    for (const line of readFileSync(mutmut, 'utf8').split('\n')) {
      const m = /^\s*(\S+__mutmut_\d+): (.+)$/.exec(line);
      if (m) add(m[2].trim(), m[1]);
    }
  }
  return t;
}

const tallies = Object.entries(areas).map(([name, a]) => [name, a.title, tallyOf(name)]);
console.log('| area | killed / mutants | score |\n| --- | --- | --- |');
for (const [name, title, t] of tallies) {
  const score = t.ran && t.total ? `${((100 * t.killed) / t.total).toFixed(1)}%` : 'not run';
  console.log(`| ${name}: ${title} | ${t.killed} / ${t.total} | ${score} |`);
}
if (process.argv.includes('--survivors')) {
  for (const [name, , t] of tallies) if (t.survivors.length) console.log(`\n${name}: ${t.survivors.length} not killed\n  ${t.survivors.join('\n  ')}`);
}
