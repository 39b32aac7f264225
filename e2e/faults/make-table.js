#!/usr/bin/env node
/**
 * Renders the outcome table of docs/faults.md from a jest --json result file
 * and the FAULTS_OUTCOMES lines (first error line of each case).
 *
 *   FAULTS_OUTCOMES=/tmp/o.jsonl npx jest -c e2e/jest.config.ts e2e/faults --json --outputFile=/tmp/r.json
 *   node e2e/faults/make-table.js /tmp/r.json /tmp/o.jsonl > table.md
 *
 * A case title reads "<case>: <expected outcome>".
 */
const fs = require('node:fs');
const [resultsFile, outcomesFile] = process.argv.slice(2);
const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
const firstLines = new Map();
if (outcomesFile && fs.existsSync(outcomesFile)) {
  for (const line of fs.readFileSync(outcomesFile, 'utf8').split('\n').filter(Boolean)) {
    const o = JSON.parse(line);
    firstLines.set(o.case, o.first);
  }
}
const cell = (s) => String(s).replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();
const short = (s, n = 160) => (s.length > n ? s.slice(0, n - 1) + '…' : s);
const rows = [];
for (const file of results.testResults.sort((a, b) => a.name.localeCompare(b.name))) {
  for (const t of file.assertionResults) {
    const full = [...t.ancestorTitles, t.title].join(' ');
    const area = t.ancestorTitles[0].replace(/^faults: /, '');
    const i = t.title.indexOf(': ');
    const name = i > 0 ? t.title.slice(0, i) : t.title;
    const expected = i > 0 ? t.title.slice(i + 2) : '(see the test)';
    const first = firstLines.get(full);
    const status = t.status === 'passed' ? 'pass' : t.status;
    rows.push(`| ${area} | ${cell(name)} | ${cell(expected)} | **${status}**${first ? `: \`${cell(short(first)).replace(/`/g, "'")}\`` : ''} |`);
  }
}
console.log('| area | case | expected outcome | observed |');
console.log('|---|---|---|---|');
console.log(rows.join('\n'));
const n = results.numTotalTests;
console.log(`\n${n} tests: ${results.numPassedTests} pass, ${results.numFailedTests} fail.`);
