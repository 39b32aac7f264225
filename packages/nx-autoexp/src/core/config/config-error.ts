import { AutoexpError } from '../errors/autoexp-error';

const indent = (text: string): string => text.replace(/\n/g, '\n  ');

/** A mistake in a config file, located precisely enough to fix without hunting. */
export class ConfigError extends AutoexpError {
  constructor(
    public readonly problem: string,
    public readonly file: string,
    public readonly line: number | null = null,
    public readonly key: string | null = null,
    public readonly hint: string | null = null,
  ) {
    super(ConfigError.format(problem, file, line, key, hint));
  }

  override userMessage(): string {
    return `invalid config:\n  ${indent(this.message)}`;
  }

  static format(problem: string, file: string, line: number | null, key: string | null, hint: string | null): string {
    const where = line ? `${file}:${line}` : file;
    const keyPart = key ? ` (key: ${key})` : '';
    return `${where}${keyPart}: ${problem}${hint ? `\n  fix: ${hint}` : ''}`;
  }
}

/** Several errors at once (every schema violation), one per line. */
export class ConfigErrors extends AutoexpError {
  constructor(public readonly errors: ConfigError[]) {
    super(errors.map((e) => e.message).join('\n'));
  }

  override userMessage(): string {
    return `invalid config:\n${this.errors.map((e) => `  ${indent(e.message)}`).join('\n')}`;
  }
}
