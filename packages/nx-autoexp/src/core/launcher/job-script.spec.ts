import { spawnSync } from 'node:child_process';
import { slurmConfig } from './__fixtures__/slurm-config';
import { JobScriptError, buildJobScript, jobEnvironment, sbatchDirectives } from './job-script';

const cfg = slurmConfig;

describe('sbatchDirectives', () => {
  it('writes only the options that are set, in a fixed order, output and error into the job folder', () => {
    expect(sbatchDirectives({ cfg: cfg(), jobName: 'exp-demo-train', jobDir: '/w/runs/demo/train/slurm' })).toEqual([
      '#SBATCH --job-name=exp-demo-train',
      '#SBATCH --output=/w/runs/demo/train/slurm/slurm-%j.out',
      '#SBATCH --error=/w/runs/demo/train/slurm/slurm-%j.err',
    ]);
    const all = sbatchDirectives({
      cfg: cfg({ partition: 'gpu', gpus: 2, cpus: 8, mem: '32G', time: '04:00:00', account: 'team', qos: 'high', extra_args: ['--constraint=a100', ' --exclusive '] }),
      jobName: 'j',
      jobDir: '/d',
    });
    expect(all.slice(3)).toEqual([
      '#SBATCH --partition=gpu',
      '#SBATCH --gpus=2',
      '#SBATCH --cpus-per-task=8',
      '#SBATCH --mem=32G',
      '#SBATCH --time=04:00:00',
      '#SBATCH --account=team',
      '#SBATCH --qos=high',
      '#SBATCH --constraint=a100',
      '#SBATCH --exclusive',
    ]);
  });

  it('keeps gpus: 0 (an explicit CPU-only job) and double-quotes paths with spaces', () => {
    const lines = sbatchDirectives({ cfg: cfg({ gpus: 0 }), jobName: 'my job', jobDir: '/my dir' });
    expect(lines).toContain('#SBATCH --gpus=0');
    expect(lines).toContain('#SBATCH --job-name="my job"');
    expect(lines).toContain('#SBATCH --output="/my dir/slurm-%j.out"');
  });

  it('refuses what an #SBATCH line cannot hold, naming the setting', () => {
    expect(() => sbatchDirectives({ cfg: cfg({ partition: 'a"b' }), jobName: 'j', jobDir: '/d' })).toThrow(/slurm partition "a\\"b".*double quote/);
    expect(() => sbatchDirectives({ cfg: cfg({ extra_args: ['constraint=a100'] }), jobName: 'j', jobDir: '/d' })).toThrow(/extra_args entry "constraint=a100" is not an sbatch option/);
    expect(() => sbatchDirectives({ cfg: cfg({ extra_args: ['--a\n--b'] }), jobName: 'j', jobDir: '/d' })).toThrow(JobScriptError);
  });
});

describe('jobEnvironment', () => {
  it('keeps PATH, python and hub settings and AUTOEXP_*, sorted; drops the rest (CUDA_VISIBLE_DEVICES, SLURM_*, secrets)', () => {
    const env = {
      PATH: '/venv/bin:/usr/bin', HF_HOME: '/cache/hf', HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1', AUTOEXP_PYTHON: '/p',
      PYTHONUNBUFFERED: '1', TOKENIZERS_PARALLELISM: 'false', CUDA_VISIBLE_DEVICES: '0', SLURM_JOB_ID: '5', AWS_SECRET_ACCESS_KEY: 'x', HOME: '/root',
      HFX: 'no', 'HF_BAD-NAME': 'no',
    };
    expect(jobEnvironment(env).map(([k]) => k)).toEqual(['AUTOEXP_PYTHON', 'HF_HOME', 'HF_HUB_OFFLINE', 'PATH', 'PYTHONUNBUFFERED', 'TOKENIZERS_PARALLELISM', 'TRANSFORMERS_OFFLINE']);
  });
});

describe('buildJobScript', () => {
  const script = buildJobScript({
    cfg: cfg({ partition: 'debug', setup: ['module load cuda/12', 'source /opt/venv/bin/activate'] }),
    jobName: 'exp-demo-train',
    jobDir: '/w/runs/demo/train/slurm',
    command: '/w/.venv/bin/python',
    args: ['-m', 'autoexp_trainer', 'train', '--config', "/w/runs/demo/it's here.json"],
    cwd: '/w space',
    env: { PATH: '/usr/bin', HF_HOME: "/c/it's", HOME: '/root' },
  });
  const lines = script.split('\n');

  it('is a bash script: #SBATCH block first, then strict mode, cd, exports, setup, exec of the command', () => {
    expect(lines[0]).toBe('#!/bin/bash');
    const firstCode = lines.findIndex((l) => !l.startsWith('#'));
    expect(lines.slice(1, firstCode).filter((l) => l.startsWith('#SBATCH'))).toHaveLength(4);
    expect(lines.slice(firstCode, -1)).toEqual([
      'set -euo pipefail',
      `cd '/w space'`,
      `export HF_HOME='/c/it'\\''s'`,
      'export PATH=/usr/bin',
      'module load cuda/12',
      'source /opt/venv/bin/activate',
      `exec /w/.venv/bin/python -m autoexp_trainer train --config '/w/runs/demo/it'\\''s here.json'`,
    ]);
    expect(script.endsWith('\n')).toBe(true);
  });

  it('passes bash -n and runs the command with its arguments intact', () => {
    expect(spawnSync('bash', ['-n'], { input: script }).status).toBe(0);
    const real = buildJobScript({
      cfg: cfg(),
      jobName: 'j',
      jobDir: '/tmp',
      command: 'printf',
      args: ['%s|', 'a b', `c'd`, '$HOME'],
      cwd: '/',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', AUTOEXP_X: 'v w' },
    });
    const r = spawnSync('bash', ['-c', real], { encoding: 'utf8', env: {} });
    expect(r.stdout).toBe(`a b|c'd|$HOME|`);
  });

  it('refuses a multi-line setup entry', () => {
    expect(() => buildJobScript({ cfg: cfg({ setup: ['a\nb'] }), jobName: 'j', jobDir: '/d', command: 'x', args: [], cwd: '/', env: {} })).toThrow(/setup entry .* newline/);
  });
});
