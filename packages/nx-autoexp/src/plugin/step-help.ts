import type { TargetConfiguration } from '@nx/devkit';
import type { Step } from './step-inputs';

type Help = NonNullable<NonNullable<TargetConfiguration['metadata']>['help']>;

/** An option a user may give each step besides -c smoke (the configuration every target has). */
const EXAMPLES: Record<Step, Help['example']> = {
  train: { options: { fresh: true } },
  infer: { options: { strategy: 'fast' } },
  submit: { args: ['--configuration=smoke', '--latest'] },
};

/**
 * metadata.help, as @nx/jest gives its targets: the command whose output
 * Nx Console and `nx show project` show as the target's options
 * (`autoexp step <step> --help`: --fresh, --strategy, --latest, --smoke), and
 * an example.
 */
export const stepHelp = (step: Step): Help => ({ command: `npx autoexp step ${step} --help`, example: EXAMPLES[step] });
