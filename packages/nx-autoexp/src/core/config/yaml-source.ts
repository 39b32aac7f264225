import { readFileSync } from 'node:fs';
import { Document, LineCounter, isMap, isSeq, parseDocument, Node as YamlNode } from 'yaml';
import { ConfigError } from './config-error';

/** A parsed YAML file that can still tell on which line a key was written. */
export interface YamlSource {
  file: string;
  value: Record<string, unknown>;
  doc: Document.Parsed;
  lines: LineCounter;
}

export function readYamlSource(file: string, displayPath = file): YamlSource {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read the file (${(err as NodeJS.ErrnoException).code ?? err})`, displayPath, null, null, 'check that the path exists and is readable');
  }
  return parseYamlSource(text, displayPath);
}

export function parseYamlSource(text: string, displayPath: string): YamlSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const pos = lines.linePos(e.pos[0]);
    const firstLine = e.message.split('\n')[0];
    throw new ConfigError(`YAML syntax error: ${firstLine}`, displayPath, pos.line, null, 'fix the YAML syntax at that line (indentation, a missing colon or quote)');
  }
  const value = doc.toJS() ?? {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError('the file must be a YAML mapping (key: value lines) at the top level', displayPath, 1);
  }
  return { file: displayPath, value: value as Record<string, unknown>, doc, lines };
}

/** Line of the node at a dotted/array path (e.g. ['train','learning_rate']), or of its nearest existing parent. */
export function lineOf(src: YamlSource, path: (string | number)[]): number | null {
  for (let n = path.length; n >= 0; n--) {
    const sub = path.slice(0, n);
    if (sub.length === 0) return 1;
    const parent = sub.length === 1 ? src.doc.contents : src.doc.getIn(sub.slice(0, -1), true);
    const last = sub[sub.length - 1];
    if (isMap(parent)) {
      const pair = parent.items.find((p) => String((p.key as YamlNode & { value?: unknown })?.value ?? p.key) === String(last));
      const node = (pair?.key ?? null) as YamlNode | null;
      if (node?.range) return src.lines.linePos(node.range[0]).line;
    } else if (isSeq(parent) && typeof last === 'number') {
      const node = parent.items[last] as YamlNode | undefined;
      if (node?.range) return src.lines.linePos(node.range[0]).line;
    }
  }
  return null;
}

/** True when the file itself spells out the key path (used to blame the right file). */
export function hasPath(src: YamlSource, path: (string | number)[]): boolean {
  return path.length === 0 || src.doc.hasIn(path);
}
