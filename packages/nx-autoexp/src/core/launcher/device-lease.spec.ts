import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PipelineError } from '../pipeline/pipeline-error';
import { DeviceRequest, LOCAL_TRAINING_SLOT, acquireDevices } from './device-lease';
import { deviceLockDir, processStart, slotFile } from './device-lock';
import { DevicePool, resolveDevicePool } from './device-pool';
import { torchrunArgs, torchrunWorkerExit } from './torchrun-command';

const fake = (n: number): DevicePool => resolveDevicePool('auto', { AUTOEXP_FAKE_DEVICES: String(n) });

describe('resolveDevicePool', () => {
  const noGpu = () => [];
  it('AUTOEXP_FAKE_DEVICES=N gives N pseudo-devices "0".."N-1", whatever devices says', () => {
    expect(resolveDevicePool([5, 6], { AUTOEXP_FAKE_DEVICES: '3' }, noGpu)).toEqual({ ids: ['0', '1', '2'], fake: true, source: 'AUTOEXP_FAKE_DEVICES=3' });
  });
  it('rejects a fake count that is not a whole number', () => {
    expect(() => resolveDevicePool('auto', { AUTOEXP_FAKE_DEVICES: 'two' }, noGpu)).toThrow(/AUTOEXP_FAKE_DEVICES must be a whole number.*'two'/);
  });
  it('auto: CUDA_VISIBLE_DEVICES when set ("" and -1 hide every GPU), else what the driver lists', () => {
    expect(resolveDevicePool('auto', { CUDA_VISIBLE_DEVICES: '2, 3' }, () => ['0', '1', '2', '3']).ids).toEqual(['2', '3']);
    expect(resolveDevicePool('auto', { CUDA_VISIBLE_DEVICES: '' }, () => ['0']).ids).toEqual([]);
    expect(resolveDevicePool('auto', { CUDA_VISIBLE_DEVICES: '-1' }, () => ['0']).ids).toEqual([]);
    expect(resolveDevicePool('auto', {}, () => ['0', '1']).ids).toEqual(['0', '1']);
    expect(resolveDevicePool('auto', {}, noGpu).ids).toEqual([]);
  });
  it('a list is taken as given (as strings); none is no pool', () => {
    expect(resolveDevicePool([0, 'GPU-abc'], {}, () => ['0', '1']).ids).toEqual(['0', 'GPU-abc']);
    expect(resolveDevicePool('none', { CUDA_VISIBLE_DEVICES: '0' }, () => ['0']).ids).toEqual([]);
  });
});

describe('acquireDevices', () => {
  let root: string;
  let logs: string[];
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'devpool-'));
    logs = [];
    process.env.NX_WORKSPACE_DATA_DIRECTORY = join(root, 'wsdata');
  });
  afterEach(() => {
    delete process.env.NX_WORKSPACE_DATA_DIRECTORY;
    rmSync(root, { recursive: true, force: true });
  });
  const req = (label: string, pool: DevicePool, extra: Partial<DeviceRequest> = {}): DeviceRequest => ({
    workspaceRoot: root,
    pool,
    count: 1,
    step: 'train',
    configFile: `experiments/${label}/experiment.yaml`,
    label: `exp-${label}`,
    log: (l) => logs.push(l),
    pollMs: 20,
    ...extra,
  });

  it('hands out different devices, makes the next task wait with the holders named, then gives it the freed one', async () => {
    const pool = fake(2);
    const a = await acquireDevices(req('a', pool));
    const b = await acquireDevices(req('b', pool));
    expect(new Set([...a.ids, ...b.ids])).toEqual(new Set(['0', '1']));
    expect(a.env).toEqual({ CUDA_VISIBLE_DEVICES: a.ids[0] });
    let got: string[] | null = null;
    const c = acquireDevices(req('c', pool)).then((l) => (got = l.ids));
    await new Promise((r) => setTimeout(r, 150));
    expect(got).toBeNull();
    expect(logs).toEqual(['waiting for a GPU (2 of 2 busy: exp-a, exp-b)']); // logged once, not on every poll
    b.release();
    await c;
    expect(got).toEqual(b.ids);
    a.release();
  });

  it('takes several devices all at once, and waits rather than holding part of them', async () => {
    const pool = fake(2);
    const one = await acquireDevices(req('one', pool));
    let two: string[] | null = null;
    const p = acquireDevices(req('two', pool, { count: 2 })).then((l) => (two = l.ids));
    await new Promise((r) => setTimeout(r, 100));
    expect(two).toBeNull();
    expect(logs[0]).toBe('waiting for 2 GPUs (1 of 2 busy: exp-one)');
    // Meanwhile the free device is not held by the waiter: a one-device task still gets it.
    const other = await acquireDevices(req('other', pool));
    expect(other.ids).not.toEqual(one.ids);
    one.release();
    other.release();
    await p;
    expect(two).toEqual(['0', '1']);
  });

  it('fails at once when the task needs more devices than the pool has, naming both numbers', async () => {
    const err = await acquireDevices(req('big', fake(2), { count: 3 })).catch((e) => e);
    expect(err).toBeInstanceOf(PipelineError);
    expect(err.message).toMatch(/train\.gpus is 3 but the device pool has 2 devices \(AUTOEXP_FAKE_DEVICES=2\)/);
    expect(err.message).toContain('experiments/big/experiment.yaml');
    const none = await acquireDevices(req('ddp', resolveDevicePool('none', {}), { count: 2, step: 'infer' })).catch((e) => e);
    expect(none.message).toMatch(/infer\.gpus is 2 but the device pool has 0 devices \(devices: none\)/);
  });

  it('without devices: trainings take the one local training slot in turn; infer takes nothing', async () => {
    const pool = resolveDevicePool('none', {});
    const a = await acquireDevices(req('a', pool));
    expect(a.ids).toEqual([]);
    expect(a.env).toEqual({}); // the trainer sees the machine as before
    let bDone = false;
    const b = acquireDevices(req('b', pool)).then((l) => ((bDone = true), l));
    const infer = await acquireDevices(req('c', pool, { step: 'infer' }));
    expect(infer.ids).toEqual([]);
    await new Promise((r) => setTimeout(r, 100));
    expect(bDone).toBe(false);
    expect(logs[0]).toMatch(/^waiting for the local training slot \(1 of 1 busy: exp-a\)/);
    a.release();
    (await b).release();
    expect(bDone).toBe(true);
  });

  it('gpus: 0 with a pool takes no device and hides the GPUs', async () => {
    const l = await acquireDevices(req('cpu', fake(1), { count: 0 }));
    expect(l.ids).toEqual([]);
    expect(l.env).toEqual({ CUDA_VISIBLE_DEVICES: '' });
    // ... so the one device is still free.
    expect((await acquireDevices(req('gpu', fake(1)))).ids).toEqual(['0']);
  });

  it('a lock whose holder processes are all gone is taken over', async () => {
    const child = spawnSync('sh', ['-c', 'echo $$']);
    const deadPid = Number(child.stdout.toString().trim()); // exited already
    const dir = deviceLockDir(root);
    mkdirSync(dir, { recursive: true });
    writeFileSync(slotFile(dir, 'fake-0'), JSON.stringify({ label: 'exp-dead', host: 'h', since: '', procs: [{ pid: deadPid, start: null }], token: 't' }));
    const l = await acquireDevices(req('next', fake(1)));
    expect(l.ids).toEqual(['0']);
    expect(JSON.parse(readFileSync(slotFile(dir, 'fake-0'), 'utf8')).label).toBe('exp-next');
  });

  it('a live pid whose start time differs (the pid was reused) does not keep the lock', async () => {
    const dir = deviceLockDir(root);
    mkdirSync(dir, { recursive: true });
    const start = processStart(process.pid);
    if (start === null) return expect(process.platform).not.toBe('linux'); // only Linux exposes start times
    writeFileSync(slotFile(dir, 'fake-0'), JSON.stringify({ label: 'exp-old', host: 'h', since: '', procs: [{ pid: process.pid, start: String(Number(start) - 1) }], token: 't' }));
    expect((await acquireDevices(req('new', fake(1)))).ids).toEqual(['0']);
  });

  it('the slot stays busy while a process the holder started lives, even after the holder is gone', async () => {
    const pool = fake(1);
    const lease = await acquireDevices(req('a', pool));
    const sleeper = spawn('sleep', ['30']);
    lease.addProcess(sleeper.pid);
    // Make the task process itself look dead (as after kill -9): only the trainer keeps the slot.
    const file = slotFile(deviceLockDir(root), 'fake-0');
    const h = JSON.parse(readFileSync(file, 'utf8'));
    h.procs[0] = { pid: Number(spawnSync('sh', ['-c', 'echo $$']).stdout.toString().trim()), start: null };
    writeFileSync(file, JSON.stringify(h));
    let got = false;
    const next = acquireDevices(req('b', pool)).then((l) => ((got = true), l));
    await new Promise((r) => setTimeout(r, 150));
    expect(got).toBe(false);
    sleeper.kill('SIGKILL');
    expect((await next).ids).toEqual(['0']);
  });

  it('an abort while waiting ends the wait with an error', async () => {
    const held = await acquireDevices(req('a', fake(1)));
    const ctl = new AbortController();
    const p = acquireDevices(req('b', fake(1), { signal: ctl.signal })).catch((e) => e);
    setTimeout(() => ctl.abort(), 50);
    expect((await p).message).toMatch(/interrupted while waiting for a device/);
    held.release();
  });

  it('locks live under the workspace data folder, one file per device, gone after release', async () => {
    const l = await acquireDevices(req('a', fake(1)));
    const file = slotFile(deviceLockDir(root), 'fake-0');
    expect(file.startsWith(join(root, 'wsdata', 'autoexp', 'devices'))).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8')).procs[0].pid).toBe(process.pid);
    l.release();
    expect(() => readFileSync(file)).toThrow(/ENOENT/);
    expect(slotFile('d', LOCAL_TRAINING_SLOT)).toBe(join('d', 'local-training.lock'));
  });
});

describe('torchrun', () => {
  it('wraps the trainer in one process per device', () => {
    expect(torchrunArgs(2, ['-m', 'autoexp_trainer', 'train'])).toEqual(['-m', 'torch.distributed.run', '--standalone', '--nproc_per_node=2', '-m', 'autoexp_trainer', 'train']);
  });
  it("reads the failed worker's exit code from torchrun's summary (root cause first)", () => {
    const tail = ['Failures:', '  exitcode  : 1 (pid: 12)', 'Root Cause (first observed failure):', '[0]:', '  exitcode  : 3 (pid: 11)'];
    expect(torchrunWorkerExit(tail)).toBe(3);
    expect(torchrunWorkerExit(['plain error'])).toBeNull();
  });
});
