import { fillShellTemplate } from '../process/shell-template';

/**
 * Fills {name} placeholders in a user's command line, shell-quoting each value
 * (also inside the user's own quotes). An unknown placeholder is an error (a
 * typo would otherwise run a wrong command).
 */
export function fillPlaceholders(template: string, values: Record<string, string | number>): string {
  return fillShellTemplate(template, values, (key) => {
    throw new Error(`unknown placeholder {${key}} in command "${template}"; known: ${Object.keys(values).map((k) => `{${k}}`).join(' ')}`);
  }).text;
}
