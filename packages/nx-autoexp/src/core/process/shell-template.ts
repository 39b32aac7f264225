import { shellQuote } from './shell-quote';

export interface FilledTemplate {
  text: string;
  /** The placeholders that were substituted. */
  used: Set<string>;
}

/**
 * Substitutes `{name}` placeholders of a command line that `/bin/sh -c` will
 * run, in one pass (a value holding "{output}" is not substituted again).
 * Each value is single-quoted, and the shell's quoting state is tracked so a
 * placeholder the user already put in quotes ("{run_dir}", '--out={output}')
 * still yields the value byte for byte: the open quote is closed, the quoted
 * value inserted and the quote reopened. Without that, a value such as
 * `$(touch x)` inside the user's double quotes would run. `${VAR}` is shell
 * text; another `{word}` goes to `unknown` (throw there to refuse it), else
 * it stays as written (awk '{print}').
 */
export function fillShellTemplate(template: string, values: Record<string, string | number>, unknown?: (name: string) => void): FilledTemplate {
  const used = new Set<string>();
  let state: 'none' | 'single' | 'double' = 'none';
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c === '\\' && state !== 'single') {
      out += template.slice(i, i + 2);
      i++;
      continue;
    }
    if (c === "'" && state !== 'double') state = state === 'single' ? 'none' : 'single';
    else if (c === '"' && state !== 'single') state = state === 'double' ? 'none' : 'double';
    else if (c === '{' && template[i - 1] !== '$') {
      const m = /^\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(template.slice(i));
      if (m && Object.prototype.hasOwnProperty.call(values, m[1])) {
        const reopen = state === 'single' ? "'" : state === 'double' ? '"' : '';
        out += reopen + shellQuote(String(values[m[1]])) + reopen;
        used.add(m[1]);
        i += m[0].length - 1;
        continue;
      }
      if (m && unknown) unknown(m[1]);
    }
    out += c;
  }
  return { text: out, used };
}
