import type { SweepMembership } from '../sweep/types';

/** The merged, validated, default-filled experiment config (see schema/experiment.schema.json). */
export interface StrategyConfigInput {
  name: string;
  command?: string;
  timeout_s?: number;
  batch_size?: number;
  num_beams?: number;
  max_new_tokens?: number;
  no_repeat_ngram_size?: number;
  device?: 'auto' | 'cpu' | 'cuda';
  dtype?: 'auto' | 'fp32' | 'fp16' | 'bf16';
}

export interface SlurmConfig {
  partition: string | null;
  gpus: number | null;
  cpus: number | null;
  mem: string | null;
  time: string | null;
  account: string | null;
  qos: string | null;
  extra_args: string[];
  setup: string[];
  poll_interval_s: number;
  /** Train jobs get SIGUSR1 this long before their time limit; null: none. */
  signal_s: number | null;
  requeue: boolean;
  max_requeue: number;
}

/** The leaderboard's rules (`competition` in config/base.yaml), read by `autoexp lb`. */
export interface CompetitionConfig {
  /** Submissions per day; null when unknown. */
  daily_limit: number | null;
  /** HH:MM in an IANA time zone. */
  reset: { time: string; timezone: string };
}

export interface ExperimentConfig {
  description?: string;
  tags?: string[];
  /** An ensemble of other experiments' predictions (no train); see core/ensemble. */
  ensemble?: EnsembleConfig;
  launcher: 'local' | 'slurm';
  /** The local device pool: every visible CUDA device, these ids, or none (see core/launcher/device-pool.ts). */
  devices: 'auto' | 'none' | (number | string)[];
  slurm: SlurmConfig;
  data: { dir: string; train: string; dev: string; test: string; sample_submission: string; test_references: string | null };
  model: {
    type: 'seq2seq' | 'causal_lm';
    name_or_path: string | null;
    init: 'pretrained' | 'random';
    architecture: string | null;
    config_overrides: Record<string, unknown>;
    tokenizer: { name_or_path: string | null; vocab_size: number };
    lora: { r: number; alpha: number; dropout: number; target_modules: string[] } | null;
    quantization: 'none' | '4bit';
  };
  preprocess: { prefix: string; max_source_length: number; max_target_length: number; special_tokens: string[]; prompt_template: string | null; use_chat_template: boolean };
  train: Record<string, unknown> & { command: string | null; output_dir: string; gpus: number; resume: 'auto' | 'never'; save_on_interrupt: boolean; interrupt_grace_s: number };
  checkpoint: { policy: 'best' | 'latest' | 'path'; path: string | null; metric: string; mode: 'max' | 'min' };
  infer: {
    batch_size: number;
    num_beams: number;
    max_new_tokens: number;
    no_repeat_ngram_size: number;
    device: 'auto' | 'cpu' | 'cuda';
    dtype: 'auto' | 'fp32' | 'fp16' | 'bf16';
    timeout_s: number;
    command: string | null;
    gpus: number;
    strategies?: StrategyConfigInput[];
  };
  metric: MetricConfig;
  submit: { sample_submission: string | null; allow_empty: boolean; allow_degenerate: boolean; update_latest: boolean };
  competition: CompetitionConfig;
}

export interface EnsembleConfig {
  /** Project names (exp-a) or tag:<tag>, as written; core/ensemble resolves them. */
  members: string[];
  method: 'consensus';
}

/** How the dev score is formed; the defaults are the competition's (mean of R1/R2/RL, mean over references). */
export interface MetricConfig {
  aggregate: 'mean' | 'sum';
  references: 'mean' | 'max';
  tokenizer: 'auto' | 'mecab' | 'whitespace';
}

export interface ResolvedExperiment {
  /** Folder name under experiments/. */
  name: string;
  /** Nx project name: exp-<name>. */
  project: string;
  /** experiment.yaml, relative to the workspace root. */
  file: string;
  /** Every file the config was merged from, most specific first. */
  sources: string[];
  config: ExperimentConfig;
  hashes: { train: string; infer: string; submit: string };
  /** train.output_dir with {experiment} filled in, relative to the workspace root. */
  outputDir: string;
  /** Set for a variant of a sweep (name `<folder>--<variant>`). */
  sweep?: SweepMembership;
}
