/**
 * Issue 18: long trainings survive interruptions. Real nx, the real trainer,
 * real signals: kill -9 of every process of the task after checkpoint-60 of
 * 200, then Ctrl-C (SIGINT to nx's process group), then a truncated newest
 * checkpoint; each rerun of `nx run exp-resume:train` continues the same run.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { TINY_BART_YAML } from './faults/support';
import { Workspace } from './workspace';

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

const YAML = `${TINY_BART_YAML}train:
  max_steps: 200
  per_device_train_batch_size: 4
  eval_strategy: "no"
  eval_steps: 20
  save_steps: 20
  save_total_limit: null
  load_best_model_at_end: false
  logging_steps: 5
  max_train_samples: 32
  interrupt_grace_s: 60
checkpoint: { policy: latest }
`;

/** Every live process below `pid` (any process group: the trainer leads its own). */
function descendants(pid: number): number[] {
  const rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number));
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [c, pp] of rows) if (pp === p) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

describe('resume (real nx, real trainer)', () => {
  const ws = new Workspace('resume');
  ws.write('experiments/resume/experiment.yaml', YAML);
  const out = () => join(ws.root, 'outputs', 'resume');
  const runDirs = () => (existsSync(out()) ? readdirSync(out()).filter((n) => existsSync(join(out(), n, 'autoexp_run.json'))) : []);
  const steps = (run: string) =>
    readdirSync(join(out(), run))
      .map((n) => /^checkpoint-(\d+)$/.exec(n))
      .filter((m): m is RegExpExecArray => !!m)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
  const record = (run: string) => JSON.parse(readFileSync(join(out(), run, 'autoexp_run.json'), 'utf8'));

  it('kill -9 after checkpoint-60, Ctrl-C, a truncated checkpoint: the same run resumes each time and ends at step 200', async () => {
    // 1. kill -9 every process of the task once checkpoint-60 is complete (trainer_state.json is written last).
    const first = ws.spawnNx(['run', 'exp-resume:train']);
    let firstDone = false;
    void first.exited.then(() => (firstDone = true));
    let run = '';
    for (let i = 0; i < 3000 && !firstDone; i++) {
      run = runDirs()[0] ?? '';
      if (run && existsSync(join(out(), run, 'checkpoint-60', 'trainer_state.json'))) break;
      await sleep(100);
    }
    expect({ ckpt60: existsSync(join(out(), run, 'checkpoint-60', 'trainer_state.json')), output: firstDone ? first.output().slice(-3000) : '' }).toEqual({ ckpt60: true, output: '' });
    const victims = [first.child.pid as number, ...descendants(first.child.pid as number)];
    for (const p of victims) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    const killed = await first.exited;
    expect(killed.signal).toBe('SIGKILL'); // the kill landed on a running task
    await sleep(500);
    expect(victims.filter((p) => existsSync(`/proc/${p}`) && !readFileSync(`/proc/${p}/stat`, 'utf8').replace(/^.*\) /, '').startsWith('Z'))).toEqual([]);
    expect(record(run).status).toBe('running'); // nobody got to write an end
    const beforeKill = Math.max(...steps(run));
    expect(beforeKill).toBeGreaterThanOrEqual(60);

    // The killed task's training lock is taken over 10 s after its holder died (core/pipeline training lock).
    await sleep(11_000);
    // 2. Rerun; Ctrl-C it once it has trained a little past its resume point.
    const second = ws.spawnNx(['run', 'exp-resume:train']);
    let secondDone = false;
    void second.exited.then(() => (secondDone = true));
    let resumedAt = -1;
    for (let i = 0; i < 3000 && !secondDone; i++) {
      const m = /resuming run (\S+) \(running\) from (\S+) \(step (\d+)\)/.exec(second.output());
      const past = m && new RegExp(`step (\\d+)/200`, 'g');
      if (m && past) {
        resumedAt = Number(m[3]);
        const seen = [...second.output().matchAll(past)].map((x) => Number(x[1]));
        if (seen.some((s) => s >= resumedAt + 25)) break;
      }
      await sleep(100);
    }
    expect({ resumedAt: resumedAt >= 60, output: secondDone ? second.output().slice(-3000) : '' }).toEqual({ resumedAt: true, output: '' });
    expect(second.output()).toContain(`resuming run ${run} (running) from outputs/resume/${run}/checkpoint-${resumedAt} (step ${resumedAt})`);
    process.kill(-(second.child.pid as number), 'SIGINT');
    const stopped = await second.exited;
    expect(stopped.code === 0 && stopped.signal === null).toBe(false);
    // The trainer saved at the step boundary after the signal, and recorded the interruption.
    for (let i = 0; i < 600 && record(run).status === 'running'; i++) await sleep(100);
    const rec = record(run);
    // nx drops its tasks' output after SIGINT: on a failure, the record and the checkpoints are what is left to read.
    expect({ status: rec.status, seen: rec.status === 'interrupted' ? null : { rec, steps: steps(run) } }).toEqual({ status: 'interrupted', seen: null });
    const atSignal = Math.max(...steps(run));
    expect(atSignal).toBeGreaterThan(resumedAt + 25);
    expect(rec.error).toContain(`after saving checkpoint-${atSignal}`);
    expect(runDirs()).toEqual([run]);

    // 3. Truncate the newest checkpoint's weights: the rerun resumes from the previous valid one and says why.
    const weights = join(out(), run, `checkpoint-${atSignal}`, 'model.safetensors');
    truncateSync(weights, statSync(weights).size - 100);
    const previous = steps(run).filter((s) => s < atSignal).pop()!;
    const third = ws.nx('run', 'exp-resume:train');
    expect(third.code).toBe(0);
    const line = third.out.split('\n').find((l) => l.includes('resuming run'));
    expect(line).toMatch(new RegExp(`resuming run ${run} \\(interrupted\\) from outputs/resume/${run}/checkpoint-${previous} \\(step ${previous}\\); skipped outputs/resume/${run}/checkpoint-${atSignal}: .*truncated`));
    expect(third.out.split('\n').filter((l) => l.includes('resuming run'))).toHaveLength(1);

    // One completed run, resumed twice, continuous history, the manifest on it.
    expect(runDirs()).toEqual([run]);
    const done = record(run);
    expect(done.status).toBe('completed');
    expect(done.resumed_from.map((r: { step: number }) => r.step)).toEqual([resumedAt, previous]);
    expect(done.resumed_from[0].step).toBeGreaterThanOrEqual(60);
    expect(done.attempts).toHaveLength(3);
    const state = JSON.parse(readFileSync(join(out(), run, 'checkpoint-200', 'trainer_state.json'), 'utf8'));
    expect(state.global_step).toBe(200);
    const logged = state.log_history.filter((e: { loss?: number }) => e.loss !== undefined).map((e: { step: number }) => e.step);
    expect(logged).toEqual(Array.from({ length: 40 }, (_, i) => (i + 1) * 5));
    const manifest = JSON.parse(ws.read('runs/resume/train/checkpoint.json'));
    expect(manifest).toMatchObject({ run_id: run, step: 200, path: `outputs/resume/${run}/checkpoint-200` });

    // --fresh starts a new run; a completed newest run is never resumed.
    const fresh = ws.nx('run', 'exp-resume:train', '--fresh', '--skip-nx-cache');
    expect(fresh.code).toBe(0);
    expect(fresh.out).not.toContain('resuming run');
    expect(runDirs()).toHaveLength(2);
  }, 900_000);
});
