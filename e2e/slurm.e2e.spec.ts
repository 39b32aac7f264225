/**
 * Issue 9 acceptance: train and infer through a real single-node SLURM cluster
 * (tools/slurm/start-test-cluster.sh, as root), with real nx and the real
 * trainer. Skipped, with the reason printed, when the cluster cannot start or
 * AUTOEXP_SLURM_TESTS=0.
 */
import { parse } from 'csv-parse/sync';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describeWithCluster, startTestCluster } from '../tools/slurm/test-cluster';
import { Workspace, taskRan } from './workspace';

const cluster = startTestCluster();

/** Switches an experiment to the slurm launcher on the test cluster's partition. */
function useSlurm(ws: Workspace, exp: string): void {
  ws.edit(`experiments/${exp}/experiment.yaml`, (t) => `${t.trimEnd()}\nlauncher: slurm\nslurm:\n  partition: debug\n  cpus: 1\n  time: "00:30:00"\n  poll_interval_s: 1\n`);
}

const jobIds = (out: string): string[] => [...new Set([...out.matchAll(/submitted job (\d+)/g)].map((m) => m[1]))];
const scontrol = (id: string): string => spawnSync('scontrol', ['show', 'job', id], { encoding: 'utf8' }).stdout;
const inQueue = (id: string): string => spawnSync('squeue', ['-h', '-j', id, '-o', '%T'], { encoding: 'utf8' }).stdout.trim();
const index = (ws: Workspace) => parse(ws.read('prediction/experiment_index.csv'), { columns: true }) as Record<string, string>[];

describeWithCluster(cluster)('experiments on a SLURM cluster (launcher: slurm)', () => {
  it('a tiny experiment trains and infers through slurm end to end', () => {
    const ws = new Workspace('slurm-one');
    useSlurm(ws, 'demo');
    const r = ws.nx('run', 'exp-demo:submit');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Successfully ran target submit for project exp-demo');
    // Train and infer each ran as slurm jobs, which ended COMPLETED; the trainer's progress was streamed into the nx log.
    const ids = jobIds(r.out);
    expect(ids.length).toBeGreaterThanOrEqual(2);
    for (const id of ids) expect(r.out).toContain(`slurm job ${id} ended COMPLETED (exit code 0:0)`);
    for (const id of ids) expect(inQueue(id)).toBe('');
    expect(r.out).toMatch(/train started: run \S+, 60 steps/);
    expect(r.out).toMatch(/step \d+\/60/);
    expect(ws.exists('runs/demo/train/checkpoint.json')).toBe(true);
    expect(ws.exists('runs/demo/infer/predictions/test.csv')).toBe(true);
    const rows = index(ws);
    expect(rows.map((x) => x.experiment)).toEqual(['exp-demo']);
    expect(Number(rows[0].score)).toBeGreaterThan(0);
  });

  it('three experiments submitted in parallel all land in the index', () => {
    const ws = new Workspace('slurm-three');
    for (const e of ['demo', 'demo-t5', 'demo-lora']) useSlurm(ws, e);
    const r = ws.nx('run-many', '-t', 'submit', '--projects=tag:offline', '--parallel=3');
    expect(r.out).toContain('Successfully ran target submit for 3 projects');
    expect(r.code).toBe(0);
    for (const p of ['exp-demo', 'exp-demo-t5', 'exp-demo-lora']) expect(taskRan(r.out, `${p}:train`)).toBe(true);
    // At least a train and an infer job per experiment, none left in the queue.
    const ids = jobIds(r.out);
    expect(ids.length).toBeGreaterThanOrEqual(6);
    for (const id of ids) expect(inQueue(id)).toBe('');
    expect(index(ws).map((x) => x.experiment).sort()).toEqual(['exp-demo', 'exp-demo-lora', 'exp-demo-t5']);
  });

  it('Ctrl-C of nx cancels the running job (squeue empty afterwards) and caches nothing', async () => {
    const ws = new Workspace('slurm-sigint');
    useSlurm(ws, 'demo');
    // Like a terminal's Ctrl-C: SIGINT to nx's whole process group once the train job is submitted.
    const child = spawn(join(ws.root, 'node_modules', '.bin', 'nx'), ['run', 'exp-demo:train'], {
      cwd: ws.root,
      detached: true,
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1', FORCE_COLOR: '0' },
    });
    let out = '';
    let id = '';
    const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
    const onData = (b: Buffer) => {
      out += b.toString();
      if (!id && (id = jobIds(out)[0] ?? '')) process.kill(-(child.pid as number), 'SIGINT');
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const code = await exited;
    expect(id).not.toBe('');
    expect(code).not.toBe(0);
    // The executor waits for scancel to take effect before it returns; allow slurm's KillWait for the last step.
    let state = inQueue(id);
    for (let i = 0; i < 30 && state !== ''; i++) {
      await new Promise((ok) => setTimeout(ok, 1000));
      state = inQueue(id);
    }
    expect(state).toBe('');
    expect(scontrol(id)).toMatch(/JobState=CANCELLED/);
    expect(ws.exists('runs/demo/train/checkpoint.json')).toBe(false);
  });
});
