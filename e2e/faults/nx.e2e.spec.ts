/**
 * Issue 7, Nx faults: a train cache hit whose checkpoint was deleted, and Ctrl-C
 * (SIGINT to nx's process group) while the trainer runs.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { taskCached, taskRan } from '../workspace';
import { addExperiment, expectFault, faultWorkspace, note, predictionSnapshot, processGone, standInYaml, trainCmd, waitGone, waitGroupGone } from './support';

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

describe('faults: nx', () => {
  const { ws, before } = faultWorkspace('nx');

  it('train cache hit whose checkpoint was deleted, then an infer edit: infer fails with the retrain command (unchanged, its predictions stay cache hits)', () => {
    addExperiment(ws, 'n-deleted', standInYaml());
    expect(ws.nx('run', 'exp-n-deleted:infer').code).toBe(0);
    const good = ws.read('runs/n-deleted/infer/predictions/test.csv');
    rmSync(join(ws.root, 'outputs', 'n-deleted'), { recursive: true, force: true });
    // Nothing changed: the predictions made from that checkpoint are still the right ones.
    const same = ws.nx('run', 'exp-n-deleted:infer');
    expect(same.code).toBe(0);
    for (const t of ['train', 'infer']) expect(taskCached(same.out, `exp-n-deleted:${t}`)).toBe(true);
    ws.edit('experiments/n-deleted/experiment.yaml', (t) => t.replace('timeout_s: 60', 'timeout_s: 61'));
    const r = ws.nx('run', 'exp-n-deleted:submit');
    expectFault(ws, r, before, ['the checkpoint recorded by train cannot be used', 'retrain with: npx nx run exp-n-deleted:train --skip-nx-cache']);
    expect(taskCached(r.out, 'exp-n-deleted:train')).toBe(true);
    expect(taskRan(r.out, 'exp-n-deleted:infer')).toBe(true);
    // The old predictions are not silently reused for a new submission, nor destroyed.
    expect(ws.read('runs/n-deleted/infer/predictions/test.csv')).toBe(good);
  });

  it('Ctrl-C (SIGINT to the nx process group) while training: no process left, nothing half-written, nothing cached', async () => {
    const pidFile = join(ws.root, 'tmp', 'train.pid');
    addExperiment(ws, 'n-sigint', standInYaml({ train: trainCmd('sleep', pidFile) }));
    const { child, output, exited } = ws.spawnNx(['run', 'exp-n-sigint:submit']);
    for (let i = 0; i < 600 && !existsSync(pidFile); i++) await sleep(100);
    expect(existsSync(pidFile)).toBe(true);
    const trainerPid = Number(readFileSync(pidFile, 'utf8'));
    expect(processGone(trainerPid)).toBe(false);
    process.kill(-(child.pid as number), 'SIGINT');
    const res = await exited;
    // The trainer is gone right away or within the kill grace of run-process.
    const trainerLeft = !(await waitGone(trainerPid, 10_000));
    const groupLeft = await waitGroupGone(child.pid as number);
    if (trainerLeft) process.kill(trainerPid, 'SIGKILL');
    // What matters most first: nothing left running, nothing half-written, prediction/ as it was.
    expect(trainerLeft).toBe(false);
    expect(groupLeft).toEqual([]);
    expect(res.code === 0 && res.signal === null).toBe(false);
    const manifest = join(ws.root, 'runs/n-sigint/train/checkpoint.json');
    if (existsSync(manifest)) expect(() => JSON.parse(readFileSync(manifest, 'utf8'))).not.toThrow();
    expect(existsSync(manifest)).toBe(false);
    expect(predictionSnapshot(ws)).toEqual(before);
    // Nothing was cached: the same command trains again (the stand-in finishes when its pid file exists).
    const again = ws.nx('run', 'exp-n-sigint:train');
    expect(again.code).toBe(0);
    expect(taskRan(again.out, 'exp-n-sigint:train')).toBe(true);
    // No message is required: the user pressed Ctrl-C, and nx exits on SIGINT before the
    // executor's "interrupted" line reaches the terminal. Recorded for docs/faults.md.
    note(output(), `ok: nx exit ${res.code ?? res.signal}; trainer pid ${trainerPid} gone, no manifest, train not cached${/interrupted/.test(output()) ? '' : ' (the executor\'s "interrupted" line is not shown)'}`);
  });
  /**
   * Ctrl-C while a user train.command saves on SIGTERM (3 s of progress lines, then checkpoint-10 and a
   * marker file); `afterSignal` runs right after the signal. The save must complete: the
   * trainer gets its grace, and the step, which records the interruption, ends after it.
   */
  async function interruptSavingTrainer(name: string, afterSignal: (nxPid: number) => void) {
    const pidFile = join(ws.root, 'tmp', `${name}.pid`);
    addExperiment(ws, name, standInYaml({ train: trainCmd('save-on-term', pidFile) }));
    const { child, output, exited } = ws.spawnNx(['run', `exp-${name}:train`]);
    for (let i = 0; i < 600 && !existsSync(pidFile); i++) await sleep(100);
    expect(existsSync(pidFile)).toBe(true);
    const trainerPid = Number(readFileSync(pidFile, 'utf8'));
    process.kill(-(child.pid as number), 'SIGINT');
    afterSignal(child.pid as number);
    const res = await exited;
    expect(res.code === 0 && res.signal === null).toBe(false);
    const saved = `${pidFile}.saved`;
    for (let i = 0; i < 200 && !existsSync(saved) && !processGone(trainerPid); i++) await sleep(100);
    expect({ saved: existsSync(saved), output: existsSync(saved) ? '' : output().slice(-2000) }).toEqual({ saved: true, output: '' });
    expect(await waitGone(trainerPid, 10_000)).toBe(true);
    // The step is in nx's group: it ended too, having recorded the interruption. Nothing cached.
    expect(await waitGroupGone(child.pid as number)).toEqual([]);
    expect(existsSync(join(ws.root, `runs/${name}/train/checkpoint.json`))).toBe(false);
    expect(JSON.parse(ws.read(`runs/_failures/${name}.json`)).reason).toContain('training was interrupted');
    const runs = ws.list(`outputs/${name}`);
    expect(runs.map((r) => ws.exists(`outputs/${name}/${r}/checkpoint-10/trainer_state.json`))).toEqual([true]);
    note(output(), `ok: nx exit ${res.code ?? res.signal}; the trainer saved checkpoint-10 after SIGTERM and ended, the step recorded the interruption, nothing cached`);
  }

  it('Ctrl-C while a user train.command saves on SIGTERM: it gets its grace after /bin/sh, which dies at once, has gone', async () => {
    await interruptSavingTrainer('n-save-sh', () => undefined);
  });

  it('Ctrl-C, then nx goes away (killed, its terminal closed) while the trainer saves: the step outlives its closed output', async () => {
    // nx normally waits for its task. Without it, every line the step passes on meets a closed socket
    // (EPIPE); the step must not die of it and take the saving trainer with it.
    await interruptSavingTrainer('n-save-nx-gone', (nxPid) => process.kill(nxPid, 'SIGKILL'));
  });

  it('Ctrl-C while inferring after a good infer: predictor gone, the last good predictions kept, nothing submitted', async () => {
    const pidFile = join(ws.root, 'tmp', 'infer.pid');
    addExperiment(ws, 'n-sigint-infer', standInYaml());
    expect(ws.nx('run', 'exp-n-sigint-infer:infer').code).toBe(0);
    const good = ws.read('runs/n-sigint-infer/infer/predictions/test.csv');
    ws.edit('experiments/n-sigint-infer/experiment.yaml', (t) => t.replace(/fake-predict\.js ok \{input\} \{output\}/, `fake-predict.js hang {input} {output} ${pidFile}`));
    const { child, output, exited } = ws.spawnNx(['run', 'exp-n-sigint-infer:submit']);
    for (let i = 0; i < 600 && !existsSync(pidFile); i++) await sleep(100);
    expect(existsSync(pidFile)).toBe(true);
    const predictorPid = Number(readFileSync(pidFile, 'utf8'));
    process.kill(-(child.pid as number), 'SIGINT');
    const res = await exited;
    const predictorLeft = !(await waitGone(predictorPid, 10_000));
    if (predictorLeft) process.kill(predictorPid, 'SIGKILL');
    expect(await waitGroupGone(child.pid as number)).toEqual([]);
    note(output(), `ok: nx exit ${res.code ?? res.signal}; predictor pid ${predictorPid} gone, predictions unchanged`);
    expect(predictorLeft).toBe(false);
    expect(res.code === 0 && res.signal === null).toBe(false);
    expect(ws.read('runs/n-sigint-infer/infer/predictions/test.csv')).toBe(good);
    expect(ws.list('runs/n-sigint-infer/infer/predictions').filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(predictionSnapshot(ws)).toEqual(before);
  });
});
