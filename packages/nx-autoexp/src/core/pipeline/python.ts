import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PipelineError } from './pipeline-error';

/** The project's venv python, or AUTOEXP_PYTHON (e.g. a cluster's own environment). */
export function resolvePython(workspaceRoot: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.AUTOEXP_PYTHON) return env.AUTOEXP_PYTHON;
  const venv = join(workspaceRoot, '.venv', 'bin', 'python');
  if (existsSync(venv)) return venv;
  throw new PipelineError(
    `no Python environment: ${venv} does not exist`,
    'run `npm run setup` in the workspace root (creates .venv with the trainer), or set AUTOEXP_PYTHON to a python that has autoexp_trainer installed',
  );
}

/** Environment for the trainer: unbuffered output, no hub downloads unless the user allows them. */
export function trainerEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, PYTHONUNBUFFERED: '1', TOKENIZERS_PARALLELISM: env.TOKENIZERS_PARALLELISM ?? 'false' };
}
