/**
 * Issue 7, training faults: a trainer that dies, a save killed halfway, a full
 * or unwritable output folder, a trainer that writes nothing. The train target
 * fails (or, for a half-written save, falls back to the previous complete
 * checkpoint) and prediction/ stays byte-identical.
 */
import { addExperiment, expectFault, faultWorkspace, note, predictionSnapshot, realTrainerYaml, standInYaml, trainCmd } from './support';

describe('faults: training', () => {
  const { ws, before } = faultWorkspace('training');

  const noManifest = (exp: string) => expect(ws.exists(`runs/${exp}/train/checkpoint.json`)).toBe(false);
  /** A failed train leaves its record in runs/_failures (what `autoexp report` lists). */
  const failureRecorded = (exp: string) => expect(JSON.parse(ws.read(`runs/_failures/${exp}.json`))).toMatchObject({ experiment: exp, project: `exp-${exp}`, target: 'train' });

  it('trainer exits non-zero mid-run: the exit, the trainer output tail and the rerun command', () => {
    addExperiment(ws, 't-fail', standInYaml({ train: trainCmd('fail') }));
    const r = ws.nx('run', 'exp-t-fail:submit');
    expectFault(ws, r, before, ['training failed (exit code 1', 'stand-in trainer crashed at step 6', 'npx nx run exp-t-fail:train']);
    noManifest('t-fail');
    failureRecorded('t-fail');
  });

  it('save killed halfway, trainer exits 0: the finder takes the previous complete checkpoint and says why', () => {
    addExperiment(ws, 't-partial', standInYaml({ train: trainCmd('partial') }));
    const r = ws.nx('run', 'exp-t-partial:train');
    note(r.out, r.code === 0 ? `ok: ${/checkpoint: (.*)/.exec(r.out)?.[1]}` : undefined);
    expect(r.code).toBe(0);
    const manifest = JSON.parse(ws.read('runs/t-partial/train/checkpoint.json'));
    expect(manifest.step).toBe(10);
    expect(manifest.path).toMatch(/\/checkpoint-10$/);
    // The user learns that the newer checkpoint was skipped, and why.
    expect(r.out).toMatch(/checkpoint-20[^\n]*(incomplete|truncated|shorter|skipp|invalid|missing|no tokenizer)/i);
    expect(predictionSnapshot(ws)).toEqual(before);
  });

  it('trainer killed (SIGKILL) during a checkpoint save: the signal, the rerun command, no manifest', () => {
    addExperiment(ws, 't-killed', standInYaml({ train: trainCmd('killed') }));
    const r = ws.nx('run', 'exp-t-killed:train');
    expectFault(ws, r, before, [/training failed \(killed by SIGKILL/, 'npx nx run exp-t-killed:train']);
    noManifest('t-killed');
    failureRecorded('t-killed');
  });

  it('disk full (stand-in trainer reports ENOSPC while saving): the ENOSPC line and path reach the user, rerun command', () => {
    addExperiment(ws, 't-enospc', standInYaml({ train: trainCmd('enospc') }));
    const r = ws.nx('run', 'exp-t-enospc:train');
    expectFault(ws, r, before, ['training failed (exit code 1', 'No space left on device', /checkpoint-20\/model\.safetensors/, 'npx nx run exp-t-enospc:train']);
    noManifest('t-enospc');
    failureRecorded('t-enospc');
  });

  it('unwritable output folder (real trainer; output_dir runs through a regular file, as root ignores chmod): names the path and train.output_dir, no traceback', () => {
    ws.write('blocker', 'a file where a folder should be\n');
    addExperiment(ws, 't-unwritable', realTrainerYaml(ws, 'sample').replace('train:\n', 'train:\n  output_dir: blocker/out\n'));
    const r = ws.nx('run', 'exp-t-unwritable:train');
    expectFault(ws, r, before, ['blocker/out', /not a directory|ENOTDIR|cannot (create|write)/i, 'train.output_dir']);
    noManifest('t-unwritable');
  });

  it('trainer exits 0 but writes nothing: no checkpoint, where it looked, how to retrain', () => {
    addExperiment(ws, 't-empty', standInYaml({ train: trainCmd('empty') }));
    const r = ws.nx('run', 'exp-t-empty:submit');
    expectFault(ws, r, before, [/no (usable )?checkpoint/, 'outputs/t-empty', 'train.output_dir', 'npx nx run exp-t-empty:train --skip-nx-cache']);
    noManifest('t-empty');
    failureRecorded('t-empty');
  });
});
