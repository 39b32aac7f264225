import { unknownConfigKey } from './config-keys';

export interface SweepOptionDimension {
  key: string;
  /** The values as YAML scalars, as typed where that reads back the same (`1e-5` stays `1e-5`). */
  yaml: string[];
}

/**
 * The generator's `--sweep train.learning_rate=1e-5,3e-5,5e-5` (several keys
 * separated by `;`, or the option given more than once) as grid dimensions.
 * Values are YAML scalars (numbers, true/false, strings). Throws with the
 * offending part and how to write it.
 */
export function parseSweepOption(option: string | string[]): SweepOptionDimension[] {
  const parts = (Array.isArray(option) ? option : [option]).flatMap((o) => o.split(';')).map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) throw new Error(`--sweep is empty; write it as --sweep train.learning_rate=1e-5,3e-5`);
  const dims: SweepOptionDimension[] = [];
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new Error(`--sweep '${part}': expected <dotted.key>=<value>,<value>, e.g. train.learning_rate=1e-5,3e-5`);
    const key = part.slice(0, eq).trim();
    const why = unknownConfigKey(key);
    if (why) throw new Error(`--sweep '${part}': ${why}`);
    if (dims.some((d) => d.key === key)) throw new Error(`--sweep: '${key}' is given twice; list all its values once: ${key}=a,b,c`);
    const texts = part.slice(eq + 1).split(',').map((t) => t.trim());
    if (texts.some((t) => t === '')) throw new Error(`--sweep '${part}': an empty value; separate values by single commas, e.g. ${key}=1,2`);
    dims.push({ key, yaml: texts.map(asYamlScalar) });
  }
  return dims;
}

/** A plain token (1e-5, true, cosine) as typed, so YAML reads it as a number, boolean or string; anything else as a quoted string. */
const asYamlScalar = (text: string): string => (/^[A-Za-z0-9_.+-]+$/.test(text) ? text : JSON.stringify(text));

/** The `sweep:` section for these dimensions, as YAML text to append to an experiment file. */
export function sweepSection(dims: SweepOptionDimension[]): string {
  return ['sweep:', '  grid:', ...dims.map((d) => `    ${d.key}: [${d.yaml.join(', ')}]`)].join('\n') + '\n';
}
