import type { Document, LineCounter, Node as YamlNode } from 'yaml';
import { FsError } from '../fs/fs-error';
import { readRegularFile } from '../fs/read-regular-file';
import { decodeUtf8Strict } from '../fs/utf8';
import { ConfigError } from './config-error';

// Loaded on first parse (~0.1 s): a step or graph computation that finds the config in the
// parsed-config cache (experiment-cache.ts) never needs it (tools/bench/orchestration).
let yamlModule: typeof import('yaml') | undefined;
const yaml = (): typeof import('yaml') => (yamlModule ??= require('yaml') as typeof import('yaml'));

/** A parsed YAML file that can still tell on which line a key was written. */
export interface YamlSource {
  file: string;
  value: Record<string, unknown>;
  doc: Document.Parsed;
  lines: LineCounter;
}

export function readYamlSource(file: string, displayPath = file): YamlSource {
  let buf: Buffer;
  try {
    buf = readRegularFile(file);
  } catch (err) {
    if (err instanceof FsError) throw new ConfigError(err.message.replace(file, displayPath), displayPath, null, null, 'point extends (or the experiment folder) at a regular YAML file');
    throw new ConfigError(`cannot read the file (${(err as NodeJS.ErrnoException).code ?? err})`, displayPath, null, null, 'check that the path exists and is readable');
  }
  const decoded = decodeUtf8Strict(buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? buf.subarray(3) : buf);
  if (!('text' in decoded)) {
    // Decoding leniently would turn the bytes into U+FFFD silently (a garbled prefix or path).
    throw new ConfigError(`not valid UTF-8 at byte offset ${decoded.offset}`, displayPath, decoded.line, null, 'save the file as UTF-8');
  }
  return parseYamlSource(decoded.text, displayPath);
}

/** Lines of the first few aliases (*name), to point at an alias bomb. */
function aliasLines(doc: Document.Parsed, lines: LineCounter): number[] {
  const found: number[] = [];
  const { visit } = yaml();
  visit(doc, {
    Alias(_, node) {
      if (node.range) found.push(lines.linePos(node.range[0]).line);
      return found.length >= 3 ? visit.BREAK : undefined;
    },
  });
  return found;
}

export function parseYamlSource(text: string, displayPath: string): YamlSource {
  const { LineCounter: Lines, parseDocument } = yaml();
  const lines = new Lines();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const pos = lines.linePos(e.pos[0]);
    const firstLine = e.message.split('\n')[0];
    throw new ConfigError(`YAML syntax error: ${firstLine}`, displayPath, pos.line, null, 'fix the YAML syntax at that line (indentation, a missing colon or quote)');
  }
  let value: unknown;
  try {
    value = doc.toJS() ?? {};
  } catch (err) {
    // yaml refuses documents whose aliases expand without bound ("billion laughs"): a ReferenceError with no position.
    if (!/alias/i.test((err as Error).message)) throw err;
    const at = aliasLines(doc, lines);
    throw new ConfigError(`too many YAML aliases: expanding them would take unbounded memory (${(err as Error).message})`, displayPath, at[0] ?? null, null, `write the values out instead of nesting aliases (*name) of aliases${at.length ? ` (aliases on lines ${at.join(', ')})` : ''}`);
  }
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
    if (yaml().isMap(parent)) {
      const pair = parent.items.find((p) => String((p.key as YamlNode & { value?: unknown })?.value ?? p.key) === String(last));
      const node = (pair?.key ?? null) as YamlNode | null;
      if (node?.range) return src.lines.linePos(node.range[0]).line;
    } else if (yaml().isSeq(parent) && typeof last === 'number') {
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
