/**
 * Issue 18 on the real test cluster: a train job whose time limit (1 minute)
 * is shorter than the run, with slurm.requeue on. SLURM sends SIGUSR1
 * signal_s before the limit, the trainer saves and stops, autoexp submits the
 * job again, and the next attempt resumes; the run ends COMPLETED at its last
 * step with every attempt recorded.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describeWithCluster, startTestCluster } from '../tools/slurm/test-cluster';
import { Workspace } from './workspace';

const cluster = startTestCluster();

const YAML = `model:
  type: seq2seq
  init: random
  architecture: bart
  config_overrides: { d_model: 64, encoder_layers: 2, decoder_layers: 2, encoder_attention_heads: 4, decoder_attention_heads: 4, encoder_ffn_dim: 128, decoder_ffn_dim: 128, max_position_embeddings: 128 }
  tokenizer: { vocab_size: 500 }
preprocess: { max_source_length: 96, max_target_length: 32 }
train:
  max_steps: 400
  per_device_train_batch_size: 16
  eval_strategy: "no"
  eval_steps: 50
  save_steps: 50
  save_total_limit: 2
  load_best_model_at_end: false
  logging_steps: 10
  max_train_samples: 64
checkpoint: { policy: latest }
launcher: slurm
slurm:
  partition: debug
  cpus: 1
  time: "00:01:00"
  signal_s: 30
  requeue: true
  max_requeue: 8
  poll_interval_s: 1
`;

describeWithCluster(cluster)('slurm requeue (real cluster, real trainer)', () => {
  it('a job shorter than the run is requeued, resumes each time, and the run ends COMPLETED', () => {
    const ws = new Workspace('slurm-requeue');
    ws.write('experiments/rq/experiment.yaml', YAML);
    const r = ws.nx('run', 'exp-rq:train');
    const requeues = [...r.out.matchAll(/slurm: job (\d+) ended ([^;]+); requeue (\d+) of 8/g)];
    const ids = [...new Set([...r.out.matchAll(/submitted job (\d+)/g)].map((m) => m[1]))];
    console.log(`[slurm-requeue] ${ids.length} job(s): ${requeues.map((m) => `${m[1]} ${m[2]}`).join(', ')}`);
    expect({ code: r.code, tail: r.code === 0 ? '' : r.out.slice(-3000) }).toEqual({ code: 0, tail: '' });
    expect(requeues.length).toBeGreaterThanOrEqual(1);
    expect(ids).toHaveLength(requeues.length + 1);
    // The last attempt ended COMPLETED; every attempt after the first resumed.
    expect(r.out).toContain(`slurm job ${ids[ids.length - 1]} ended COMPLETED`);
    expect([...r.out.matchAll(/train: resuming run/g)]).toHaveLength(requeues.length);
    const runs = readdirSync(join(ws.root, 'outputs', 'rq')).filter((n) => !n.startsWith('.'));
    expect(runs).toHaveLength(1);
    const record = JSON.parse(readFileSync(join(ws.root, 'outputs', 'rq', runs[0], 'autoexp_run.json'), 'utf8'));
    expect(record.status).toBe('completed');
    expect(record.attempts.map((a: { slurm_job_id: string }) => a.slurm_job_id)).toEqual(ids);
    expect(record.resumed_from).toHaveLength(requeues.length);
    const steps = record.resumed_from.map((x: { step: number }) => x.step);
    expect([...steps].sort((a: number, b: number) => a - b)).toEqual(steps);
    expect(JSON.parse(ws.read('runs/rq/train/checkpoint.json')).step).toBe(400);
  }, 1_200_000);
});
