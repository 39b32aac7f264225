/** Issue 3 acceptance 8: every offline experiment trains, infers and submits on a fresh clone. */
import { parse } from 'csv-parse/sync';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Workspace, taskRan } from './workspace';

describe('run-many over the offline experiments', () => {
  it('8. three experiments, three submissions, three index rows', () => {
    const ws = new Workspace('offline');
    const r = ws.nx('run-many', '-t', 'submit', '--projects=tag:offline');
    expect(r.out).toContain('Successfully ran target submit for 3 projects');
    expect(r.code).toBe(0);
    for (const p of ['exp-demo', 'exp-demo-t5', 'exp-demo-lora']) expect(taskRan(r.out, `${p}:train`)).toBe(true);
    const rows = parse(ws.read('prediction/experiment_index.csv'), { columns: true }) as Record<string, string>[];
    expect(rows.map((x) => [x.experiment, x.project]).sort()).toEqual([['demo', 'exp-demo'], ['demo-lora', 'exp-demo-lora'], ['demo-t5', 'exp-demo-t5']]);
    expect(ws.list('prediction').filter((d) => /^demo(-t5|-lora)?_/.test(d))).toHaveLength(3);

    // Continue on error: a broken experiment fails, the others still run, and the leaderboard lists it as failed.
    mkdirSync(join(ws.root, 'experiments/broken'), { recursive: true });
    ws.write('experiments/broken/experiment.yaml', ws.read('experiments/demo/experiment.yaml').replace('  num_beams: 2', '  num_beam: 2'));
    const again = ws.nx('run-many', '-t', 'submit', '--projects=tag:offline');
    expect(again.code).not.toBe(0);
    for (const p of ['exp-demo', 'exp-demo-t5', 'exp-demo-lora']) expect(again.out).toMatch(new RegExp(`${p}:submit +\\[(local cache|existing outputs match the cache, left as is)\\]`));
    const board = ws.autoexp('leaderboard');
    expect(board.code).toBe(0);
    // Listed by experiment name, as every row is; the record is runs/_failures/broken.json.
    expect(board.out).toMatch(/\d +broken \(failed\)/);
    expect(board.out).toMatch(/\n {2}broken: train failed at .*unknown key 'num_beam'/);
    expect(JSON.parse(ws.read('runs/_failures/broken.json'))).toMatchObject({ experiment: 'broken', project: 'exp-broken', target: 'train' });
  });
});
