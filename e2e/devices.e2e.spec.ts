/**
 * Issue 20 acceptance with real nx and the real trainer (tiny recipe, -c smoke):
 * the device pool on pseudo-devices (AUTOEXP_FAKE_DEVICES), waiting, lock
 * recovery after kill -9, too-many-devices, torchrun on two CPU processes, and
 * one training at a time without any device.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Run, Workspace } from './workspace';

interface RunRecord {
  status: string;
  started_at: string;
  finished_at: string;
  devices: string[];
}

const ws = new Workspace('devices');
const nxBin = join(ws.root, 'node_modules', '.bin', 'nx');
const nx = (env: NodeJS.ProcessEnv, ...args: string[]): Run => ws.run(nxBin, args, env);

/** Copies of the demo experiment (tiny BART), with `trainExtra` lines added under train:. */
function addExperiments(names: string[], trainExtra = ''): void {
  const demo = ws.read('experiments/demo/experiment.yaml');
  for (const n of names) {
    ws.run('mkdir', ['-p', `experiments/${n}`]);
    ws.write(`experiments/${n}/experiment.yaml`, trainExtra ? demo.replace('\ntrain:\n', `\ntrain:\n${trainExtra}`) : demo);
  }
}

/** The run folders of an experiment's smoke trainings, oldest first. */
const smokeRuns = (name: string): string[] => ws.list(`outputs/${name}/smoke`).map((d) => `outputs/${name}/smoke/${d}`);
const record = (runDir: string): RunRecord => JSON.parse(ws.read(`${runDir}/autoexp_run.json`));
const latestRecord = (name: string): RunRecord => record(smokeRuns(name).slice(-1)[0]);
const interval = (r: RunRecord): [number, number] => [Date.parse(r.started_at), Date.parse(r.finished_at)];
const overlaps = (a: RunRecord, b: RunRecord) => interval(a)[0] < interval(b)[1] && interval(b)[0] < interval(a)[1];
/** The most records running at one instant (some interval's start is where the maximum is reached). */
const maxConcurrent = (rs: RunRecord[]) => Math.max(...rs.map((r) => rs.filter((o) => interval(o)[0] <= interval(r)[0] && interval(r)[0] < interval(o)[1]).length));

describe('device pool (issue 20)', () => {
  beforeAll(() => addExperiments(['p1', 'p2', 'p3']));

  it('AUTOEXP_FAKE_DEVICES=2, three experiments, --parallel=3: at most two train at once, on different devices; all complete', () => {
    const r = nx({ AUTOEXP_FAKE_DEVICES: '2' }, 'run-many', '-t', 'train', '--projects=exp-p1,exp-p2,exp-p3', '--parallel=3', '-c', 'smoke');
    expect(r.code).toBe(0);
    const recs = ['p1', 'p2', 'p3'].map(latestRecord);
    for (const rec of recs) {
      expect(rec.status).toBe('completed');
      expect(rec.devices).toHaveLength(1);
      expect(['0', '1']).toContain(rec.devices[0]);
    }
    expect(maxConcurrent(recs)).toBeLessThanOrEqual(2);
    for (let i = 0; i < recs.length; i++) {
      for (let j = i + 1; j < recs.length; j++) if (overlaps(recs[i], recs[j])) expect(recs[i].devices).not.toEqual(recs[j].devices);
    }
    // The third waited while both devices were held by the other two.
    expect(r.out).toMatch(/waiting for a GPU \(2 of 2 busy: exp-p\d, exp-p\d\)/);
    expect(r.out).toMatch(/train: on pseudo-device [01] \(CUDA_VISIBLE_DEVICES=[01]; pool AUTOEXP_FAKE_DEVICES=2, trainer on CPU\)/);
  });

  it('without any device (CUDA_VISIBLE_DEVICES empty, no fake devices): local trainings still run one at a time', () => {
    const r = nx({ CUDA_VISIBLE_DEVICES: '' }, 'run-many', '-t', 'train', '--projects=exp-p1,exp-p2', '--parallel=3', '-c', 'smoke', '--skip-nx-cache');
    expect(r.code).toBe(0);
    const [a, b] = ['p1', 'p2'].map(latestRecord);
    expect(a.status).toBe('completed');
    expect(b.status).toBe('completed');
    expect(overlaps(a, b)).toBe(false);
    expect(a.devices).toEqual([]);
    expect(r.out).toMatch(/waiting for the local training slot \(1 of 1 busy: exp-p[12]\)/);
  });

  it('train.gpus: 3 with 2 devices fails at once, naming both numbers, before any training starts', () => {
    addExperiments(['g3'], '  gpus: 3\n');
    const r = nx({ AUTOEXP_FAKE_DEVICES: '2' }, 'run', 'exp-g3:train', '-c', 'smoke');
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('train.gpus is 3 but the device pool has 2 devices (AUTOEXP_FAKE_DEVICES=2)');
    expect(r.out).toContain('experiments/g3/experiment.yaml');
    expect(ws.exists('outputs/g3')).toBe(false);
  });

  it('kill -9 of the holder (task and trainer) frees its device for the waiting task', async () => {
    addExperiments(['k1', 'k2']);
    const lockFile = join(ws.root, '.nx', 'workspace-data', 'autoexp', 'devices', hostname(), 'fake-0.lock');
    let killedAt = 0;
    let holder = '';
    const saved = process.env.AUTOEXP_FAKE_DEVICES;
    process.env.AUTOEXP_FAKE_DEVICES = '1'; // spawnNx passes this process's environment on
    const run = ws.spawnNx(['run-many', '-t', 'train', '--projects=exp-k1,exp-k2', '--parallel=2', '-c', 'smoke', '--outputStyle=stream']);
    if (saved === undefined) delete process.env.AUTOEXP_FAKE_DEVICES;
    else process.env.AUTOEXP_FAKE_DEVICES = saved;
    // Kill once one task holds the device with its trainer running and the other is waiting for it.
    const poll = setInterval(() => {
      if (killedAt || !/waiting for a GPU \(1 of 1 busy: exp-k\d\)/.test(run.output())) return;
      let lock: { label: string; procs: { pid: number }[] };
      try {
        lock = JSON.parse(readFileSync(lockFile, 'utf8'));
      } catch {
        return; // between holders
      }
      if (lock.procs.length < 2) return; // its trainer is not started yet
      holder = lock.label;
      killedAt = Date.now();
      for (const p of lock.procs) process.kill(p.pid, 'SIGKILL');
    }, 200);
    const end = await run.exited;
    clearInterval(poll);
    expect(killedAt).toBeGreaterThan(0);
    expect(end.code).not.toBe(0); // the killed task failed
    const waiter = holder === 'exp-k1' ? 'k2' : 'k1';
    const rec = latestRecord(waiter);
    expect(rec.status).toBe('completed');
    expect(rec.devices).toEqual(['0']);
    expect(Date.parse(rec.started_at)).toBeGreaterThanOrEqual(killedAt - 1000);
    expect(run.output()).toMatch(new RegExp(`Failed tasks:\\s+- ${holder}:train:smoke\\s*$`, 'm'));
  });

  it('train.gpus: 2 runs one training under torchrun on both devices (2 CPU processes, gloo); checkpoints and the run record once', () => {
    addExperiments(['ddp'], '  gpus: 2\n');
    const r = nx({ AUTOEXP_FAKE_DEVICES: '2' }, 'run', 'exp-ddp:train', '-c', 'smoke');
    expect(r.code).toBe(0);
    expect(r.out).toContain('(torchrun, 2 processes)');
    const runs = smokeRuns('ddp');
    expect(runs).toHaveLength(1);
    const rec = record(runs[0]);
    expect(rec.status).toBe('completed');
    expect(rec.devices).toEqual(['0', '1']);
    const ckpts = ws.list(runs[0]).filter((d) => d.startsWith('checkpoint-'));
    expect(ckpts).toEqual(['checkpoint-4']);
    // Both ranks took part (one RNG state each), yet progress was reported once.
    expect(ws.list(`${runs[0]}/checkpoint-4`)).toEqual(expect.arrayContaining(['rng_state_0.pth', 'rng_state_1.pth', 'model.safetensors']));
    expect(r.out.match(/train done: best checkpoint/g)).toHaveLength(1);
    expect(r.out.match(/train started: run/g)).toHaveLength(1);
    const manifest = JSON.parse(ws.read('runs/ddp/smoke/train/checkpoint.json'));
    expect(manifest.path).toBe(`${runs[0]}/checkpoint-4`);
    // The demo's infer says device: cpu: it holds no device (a GPU slot would only keep a training waiting).
    const cpu = nx({ AUTOEXP_FAKE_DEVICES: '2' }, 'run', 'exp-ddp:infer', '-c', 'smoke');
    expect(cpu.code).toBe(0);
    expect(cpu.out).toContain('infer: checkpoint');
    expect(cpu.out).not.toMatch(/infer: on pseudo-device/);
    // device: auto takes one (infer.gpus default 1) and uses the DDP checkpoint like any other.
    ws.edit('experiments/ddp/experiment.yaml', (t) => t.replace(/(\ninfer:\n(?: {2}.*\n)*? {2})device: cpu\n/, '$1device: auto\n'));
    expect(ws.read('experiments/ddp/experiment.yaml')).toMatch(/\ninfer:\n(?: {2}.*\n)* {2}device: auto\n/);
    const inf = nx({ AUTOEXP_FAKE_DEVICES: '2' }, 'run', 'exp-ddp:infer', '-c', 'smoke');
    expect(inf.code).toBe(0);
    expect(inf.out).toMatch(/infer: on pseudo-device [01] \(CUDA_VISIBLE_DEVICES=[01];/);
    expect(ws.exists('runs/ddp/smoke/infer/predictions/test.csv')).toBe(true);
  });
});
