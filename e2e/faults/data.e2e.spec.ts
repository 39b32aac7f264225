/**
 * Issue 7, data faults: missing files and columns, empty files, duplicate
 * fnames, bad encodings fail with the file named and prediction/ untouched;
 * BOM + CRLF, quoted multi-line dialogues and a 1 MB dialogue must work.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { Workspace } from '../workspace';
import { addExperiment, copySampleData, dataSection, expectFault, expectOldFilesKept, faultWorkspace, note, predictionSnapshot, realTrainerYaml, standInYaml } from './support';

type Row = Record<string, string>;
const readRows = (ws: Workspace, rel: string): Row[] => parse(readFileSync(join(ws.root, rel)), { columns: true, bom: true }) as Row[];
const writeRows = (ws: Workspace, rel: string, rows: Row[], opts: { bom?: boolean; crlf?: boolean } = {}) =>
  ws.write(rel, stringify(rows, { header: true, columns: Object.keys(rows[0]), bom: opts.bom, record_delimiter: opts.crlf ? '\r\n' : '\n', quoted_match: /[\r\n]/ }));

describe('faults: data', () => {
  const { ws, before } = faultWorkspace('data');

  /** A stand-in experiment on its own copy of the sample data, broken by `breakIt`. */
  function standInOn(exp: string, breakIt: (dir: string) => void, files: Record<string, string> = {}): void {
    copySampleData(ws, exp);
    breakIt(`data/${exp}`);
    addExperiment(ws, exp, standInYaml({ extra: dataSection(exp, files) }));
  }

  describe('through the real trainer (fails at data loading, exit 3)', () => {
    it('missing train file: names the file, bad data, how to rerun', () => {
      copySampleData(ws, 'd-no-train');
      addExperiment(ws, 'd-no-train', realTrainerYaml(ws, 'd-no-train', { train: 'nope.csv' }));
      const r = ws.nx('run', 'exp-d-no-train:train');
      expectFault(ws, r, before, ['data/d-no-train/nope.csv', 'exit code 3: bad data', 'npx nx run exp-d-no-train:train']);
      expect(ws.exists('runs/d-no-train/train/checkpoint.json')).toBe(false);
    });

    it("missing column 'summary' in train.csv: names the column and the file", () => {
      copySampleData(ws, 'd-no-col');
      writeRows(ws, 'data/d-no-col/train.csv', readRows(ws, 'data/d-no-col/train.csv').map(({ summary: _s, ...rest }) => rest));
      addExperiment(ws, 'd-no-col', realTrainerYaml(ws, 'd-no-col'));
      const r = ws.nx('run', 'exp-d-no-col:train');
      expectFault(ws, r, before, ['summary', 'data/d-no-col/train.csv', 'exit code 3: bad data']);
      expect(ws.exists('runs/d-no-col/train/checkpoint.json')).toBe(false);
    });

    it('empty train.csv (0 bytes): names the file', () => {
      copySampleData(ws, 'd-empty-train');
      ws.write('data/d-empty-train/train.csv', '');
      addExperiment(ws, 'd-empty-train', realTrainerYaml(ws, 'd-empty-train'));
      const r = ws.nx('run', 'exp-d-empty-train:train');
      expectFault(ws, r, before, ['data/d-empty-train/train.csv', /empty/i, 'exit code 3: bad data']);
    });
  });

  describe('through the orchestrator (stand-in trainer and predictor)', () => {
    it('missing dev file: names the file and the config keys', () => {
      standInOn('d-no-dev', () => undefined, { dev: 'nope.csv' });
      const r = ws.nx('run', 'exp-d-no-dev:submit');
      expectFault(ws, r, before, ['dev file not found', 'data/d-no-dev/nope.csv', 'experiments/d-no-dev/experiment.yaml']);
    });

    it('missing test file: names the file and the config keys', () => {
      standInOn('d-no-test', () => undefined, { test: 'nope.csv' });
      const r = ws.nx('run', 'exp-d-no-test:submit');
      expectFault(ws, r, before, ['test file not found', 'data/d-no-test/nope.csv', 'experiments/d-no-test/experiment.yaml']);
    });

    it("test.csv without the 'fname' column: names the file and the column, no stack trace", () => {
      standInOn('d-test-no-fname', (d) => writeRows(ws, `${d}/test.csv`, readRows(ws, `${d}/test.csv`).map((r) => ({ id: r.fname, dialogue: r.dialogue }))));
      const r = ws.nx('run', 'exp-d-test-no-fname:submit');
      expectFault(ws, r, before, ['data/d-test-no-fname/test.csv', 'no fname column', 'fix the file']);
    });

    it('empty test.csv (0 bytes): names the file, no stack trace', () => {
      standInOn('d-empty-test', (d) => ws.write(`${d}/test.csv`, ''));
      const r = ws.nx('run', 'exp-d-empty-test:submit');
      expectFault(ws, r, before, ['data/d-empty-test/test.csv', /no fname column|empty|no rows/]);
    });

    it('duplicate fnames in test.csv: names the fname and the row, no stack trace', () => {
      standInOn('d-dup-test', (d) => {
        const rows = readRows(ws, `${d}/test.csv`);
        rows[5].fname = rows[3].fname;
        writeRows(ws, `${d}/test.csv`, rows);
      });
      const r = ws.nx('run', 'exp-d-dup-test:submit');
      expectFault(ws, r, before, ['data/d-dup-test/test.csv', '"test_3" appears twice', 'unique']);
    });

    it('non-UTF-8 bytes (CP949) in test.csv: names the file, the line and UTF-8', () => {
      standInOn('d-cp949', (d) => {
        const text = readFileSync(join(ws.root, d, 'test.csv'));
        const at = text.indexOf(Buffer.from('어서 오세요'));
        // "어서" in CP949, as Excel on a Korean Windows saves it.
        writeFileSync(join(ws.root, d, 'test.csv'), Buffer.concat([text.subarray(0, at), Buffer.from([0xbe, 0xee, 0xbc, 0xad]), text.subarray(at + Buffer.byteLength('어서'))]));
      });
      const r = ws.nx('run', 'exp-d-cp949:submit');
      expectFault(ws, r, before, ['data/d-cp949/test.csv', 'UTF-8', /line \d+/]);
    });
  });

  describe('must work', () => {
    /** Runs submit, expects success, one new valid submission, and nothing old changed. */
    function expectSubmitted(exp: string): void {
      const r = ws.nx('run', `exp-${exp}:submit`);
      note(r.out, r.code === 0 ? `ok: ${/submission: (\S+)/.exec(r.out)?.[1]}` : undefined);
      expect(r.out).toContain(`Successfully ran target submit for project exp-${exp}`);
      expect(r.code).toBe(0);
      const now = expectOldFilesKept(ws, before);
      const out = [...now.keys()].find((k) => k.startsWith(`${exp}_`) && k.endsWith('/output.csv'));
      expect(out).toBeDefined();
      const v = ws.autoexp('validate-submission', join(ws.root, 'prediction', out!), '--sample', join(ws.root, 'data', exp, 'sample_submission.csv'));
      expect(v.out).not.toMatch(/error/i);
      expect(v.code).toBe(0);
      const rows = parse(readFileSync(join(ws.root, 'prediction', out!)), { columns: true }) as Row[];
      expect(rows.map((x) => x.fname)).toEqual(readRows(ws, `data/${exp}/sample_submission.csv`).map((x) => x.fname));
    }

    it('BOM + CRLF in test.csv, dev.csv and sample_submission.csv: must work (one valid submission, header without BOM)', () => {
      standInOn('d-bom-crlf', (d) => {
        for (const f of ['test.csv', 'dev.csv', 'sample_submission.csv']) writeRows(ws, `${d}/${f}`, readRows(ws, `${d}/${f}`), { bom: true, crlf: true });
      });
      expect(readFileSync(join(ws.root, 'data/d-bom-crlf/test.csv')).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      expectSubmitted('d-bom-crlf');
      // The submission's header is the sample's, without a BOM glued to "fname".
      const out = [...predictionSnapshot(ws).keys()].find((k) => k.startsWith('d-bom-crlf_') && k.endsWith('/output.csv'))!;
      expect(ws.read(`prediction/${out}`).replace(/^\ufeff/, '').split(/\r?\n/)[0]).toBe('fname,summary');
    });

    it('a dialogue with quotes, commas and newlines: must work (one valid submission)', () => {
      standInOn('d-quotes', (d) => {
        for (const f of ['test.csv', 'dev.csv']) {
          const rows = readRows(ws, `${d}/${f}`);
          rows[0].dialogue = `#Person1#: 그가 "안녕, 반가워"라고 했어요, 정말로.\n#Person2#: "따옴표" 안에 "" 두 개, 쉼표, 그리고\r\n새 줄.`;
          writeRows(ws, `${d}/${f}`, rows);
        }
      });
      expectSubmitted('d-quotes');
    });

    it('a 1 MB dialogue in test.csv (stand-in predictor): must work (one valid submission)', () => {
      standInOn('d-1mb', (d) => {
        const rows = readRows(ws, `${d}/test.csv`);
        rows[1].dialogue = `#Person1#: ${'아주 긴 대화, "인용" 포함. '.repeat(Math.ceil((1 << 20) / 20))}`;
        expect(Buffer.byteLength(rows[1].dialogue)).toBeGreaterThan(1 << 20);
        writeRows(ws, `${d}/test.csv`, rows);
      });
      expectSubmitted('d-1mb');
    });
  });
});
