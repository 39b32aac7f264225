import { shellQuote } from '../process/shell-quote';

/**
 * Fills {name} placeholders in a user's command line, shell-quoting each value.
 * An unknown placeholder is an error (a typo would otherwise run a wrong command).
 */
export function fillPlaceholders(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, key: string) => {
    if (!(key in values)) {
      throw new Error(`unknown placeholder {${key}} in command "${template}"; known: ${Object.keys(values).map((k) => `{${k}}`).join(' ')}`);
    }
    return shellQuote(String(values[key]));
  });
}
