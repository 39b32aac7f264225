#!/usr/bin/env node
/**
 * Stand-in predictor for the fault suite: reads the input CSV (fname,dialogue,...)
 * and writes fname,summary to the output, correct or broken on purpose.
 *
 * usage: node fake-predict.js <mode> <input> <output> [pid_file]
 *   ok       one summary per input fname, in order (summary quotes, commas, a newline);
 *            the 4th argument, when given, is put in every summary (distinct submissions)
 *   fail     exits 1 with an error on stderr
 *   missing  drops the last fname          extra  adds fname "not_in_test"
 *   dup      repeats the first fname        empty  the second summary is ""
 *   constant the same summary on every row (a degenerate model)
 *   hang     writes its pid to pid_file, then never finishes
 *   stubborn as hang, and ignores SIGTERM (a process stuck in a driver call)
 */
const fs = require('node:fs');
const { parse } = require('csv-parse/sync');
const { stringify } = require('csv-stringify/sync');

const [mode, input, output, pidFile] = process.argv.slice(2);
const rows = parse(fs.readFileSync(input), { columns: true, bom: true, relax_column_count: true });
const tag = mode === 'ok' && pidFile ? `${pidFile} ` : '';
let out = rows.map((r) => [r.fname, `${tag}요약 ${r.fname}: "${(r.dialogue ?? '').slice(0, 12).replace(/\s+/g, ' ')}", 끝\n둘째 줄`]);

switch (mode) {
  case 'ok':
    break;
  case 'fail':
    console.error('RuntimeError: stand-in predictor failed (simulated)');
    process.exit(1);
  case 'missing':
    out = out.slice(0, -1);
    break;
  case 'extra':
    out.push(['not_in_test', '추가 요약']);
    break;
  case 'dup':
    out.push([out[0][0], '중복 요약']);
    break;
  case 'empty':
    out[1][1] = '';
    break;
  case 'constant':
    out = out.map(([fname]) => [fname, '#Person1#는 #Person2#에게 이야기합니다.']);
    break;
  case 'stubborn':
    process.on('SIGTERM', () => console.error('stand-in predictor: ignoring SIGTERM'));
  // falls through
  case 'hang':
    if (pidFile) {
      // Renamed into place: a test polling for the file must never read it empty (pid 0).
      fs.writeFileSync(`${pidFile}.tmp`, String(process.pid));
      fs.renameSync(`${pidFile}.tmp`, pidFile);
    }
    setInterval(() => {}, 1000);
    return;
  default:
    console.error(`fake-predict.js: unknown mode ${mode}`);
    process.exit(2);
}
fs.writeFileSync(output, stringify([['fname', 'summary'], ...out]));
