/** The nx command that runs a step again, keeping the configuration (`-c smoke`) the user ran. */
export function rerunCommand(experiment: string, target: 'train' | 'infer' | 'submit', smoke = false, extra = ''): string {
  return `npx nx run exp-${experiment}:${target}${smoke ? ' -c smoke' : ''}${extra ? ` ${extra}` : ''}`;
}
