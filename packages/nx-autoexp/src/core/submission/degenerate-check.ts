import { existsSync } from 'node:fs';
import { readCsv } from './csv-io';

/**
 * Checks that a file of summaries is a model's output and not a broken run:
 * one summary on every row, empty rows, copies of the input, lengths far from
 * the train summaries', runaway repetition. A trivial constant scores well
 * above 0 on ROUGE, so a dev score alone does not reveal these.
 */
export type DegenerateCheck = 'identical' | 'empty' | 'copy' | 'length' | 'repetition';

export interface DegenerateFinding {
  check: DegenerateCheck;
  /** Rows that show it, and the share of all rows (0..1). */
  count: number;
  total: number;
  share: number;
  /** Up to two fnames that show it. */
  examples: string[];
  /** At or above the refuse threshold: the file is not submitted unless allow_degenerate. */
  refuse: boolean;
  /** One line: the check, the share, two example fnames, the usual causes. */
  message: string;
}

export interface DegenerateInput {
  rows: { fname: string; summary: string }[];
  /** fname -> dialogue of the input rows (test.csv / dev.csv), for the copy check. */
  dialogues?: Map<string, string>;
  /** Character lengths of the train summaries, for the length check. */
  trainSummaryLengths?: number[];
}

/** Shares (0..1) at which a check warns, and (identical, empty) refuses. */
export const DEGENERATE_THRESHOLDS = {
  identical: { warn: 0.3, refuse: 0.9 },
  empty: { warn: 0.05, refuse: 0.9 },
  copy: { warn: 0.2 },
  length: { warn: 0.2 },
  repetition: { warn: 0.1 },
} as const;

const WHAT: Record<DegenerateCheck, string> = {
  identical: 'identical summaries',
  empty: 'empty summaries',
  copy: 'summaries that copy the dialogue or one of its turns',
  length: "summary lengths far outside the train summaries' range",
  repetition: 'runaway repetition (one phrase many times in a summary)',
};

const CAUSES: Record<DegenerateCheck, string> = {
  identical: 'too few training steps or a learning rate too high (the model learned one average summary), no </s> in the labels, or a wrong tokenizer',
  empty: 'a wrong tokenizer (the output decodes to special tokens only), labels that start with </s>, or max_new_tokens too low',
  copy: 'too few training steps (the model learned to copy its input), or a prompt/prefix the model was not trained with',
  length: 'max_new_tokens too low (cut short), or no </s> in the labels (the model never learns to stop)',
  repetition: 'no </s> in the labels (the model never learns to stop) or too few training steps; infer.no_repeat_ngram_size also helps',
};

const norm = (s: string): string => s.replace(/\s+/g, ' ').trim();
// Speaker prefix of a DialogSum turn: "#Person1#: ".
const TURN_PREFIX = /^#[^#\s]+#\s*:\s*/;

function quantile(sorted: number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))));
  return sorted[i];
}

/** A summary whose word 3-gram occurs 3+ times, or whose word repeats 4+ times in a row. */
export function hasRunawayRepetition(summary: string): boolean {
  const words = norm(summary).split(' ').filter(Boolean);
  let run = 1;
  for (let i = 1; i < words.length; i++) {
    run = words[i] === words[i - 1] ? run + 1 : 1;
    if (run >= 4) return true;
  }
  const seen = new Map<string, number>();
  for (let i = 0; i + 3 <= words.length; i++) {
    const key = words.slice(i, i + 3).join(' ');
    const n = (seen.get(key) ?? 0) + 1;
    if (n >= 3) return true;
    seen.set(key, n);
  }
  return false;
}

function isCopy(summary: string, dialogue: string | undefined): boolean {
  if (dialogue === undefined) return false;
  const s = norm(summary);
  if (s === norm(dialogue)) return true;
  return dialogue.split(/\r?\n/).some((turn) => {
    const t = norm(turn);
    return t !== '' && (s === t || s === norm(t.replace(TURN_PREFIX, '')));
  });
}

/** The findings of every check that reaches its warn threshold, refusing ones first. */
export function checkDegenerate(input: DegenerateInput): DegenerateFinding[] {
  const rows = input.rows;
  const total = rows.length;
  if (total === 0) return [];
  const out: DegenerateFinding[] = [];
  const add = (check: DegenerateCheck, hits: string[], detail = '') => {
    const t = DEGENERATE_THRESHOLDS[check] as { warn: number; refuse?: number };
    const share = hits.length / total;
    if (hits.length === 0 || share < t.warn) return;
    const refuse = t.refuse !== undefined && share >= t.refuse;
    const pct = `${(share * 100).toFixed(1)}% of rows (${hits.length} of ${total})`;
    const message = `degenerate predictions (${check}: ${WHAT[check]}): ${pct}${detail} (e.g. ${hits.slice(0, 2).join(', ')}). Usually: ${CAUSES[check]}.`;
    out.push({ check, count: hits.length, total, share, examples: hits.slice(0, 2), refuse, message });
  };

  const nonEmpty = rows.filter((r) => norm(r.summary) !== '');
  add('empty', rows.filter((r) => norm(r.summary) === '').map((r) => r.fname));

  // One summary on many rows: count the most frequent (a summary repeats only when it occurs twice).
  const byText = new Map<string, string[]>();
  for (const r of nonEmpty) {
    const k = norm(r.summary);
    const list = byText.get(k);
    if (list) list.push(r.fname);
    else byText.set(k, [r.fname]);
  }
  let top: [string, string[]] | null = null;
  for (const e of byText) if (!top || e[1].length > top[1].length) top = e;
  if (top && top[1].length >= 2) {
    const shown = top[0].length > 60 ? `${top[0].slice(0, 60)}...` : top[0];
    add('identical', top[1], ` are the same summary "${shown}"`);
  }

  if (input.dialogues) add('copy', nonEmpty.filter((r) => isCopy(r.summary, input.dialogues!.get(r.fname))).map((r) => r.fname));

  const lengths = (input.trainSummaryLengths ?? []).filter((n) => n > 0).sort((a, b) => a - b);
  if (lengths.length >= 10) {
    // Far outside: under half the 1st percentile or over twice the 99th of the train summaries.
    const lo = quantile(lengths, 0.01) / 2;
    const hi = quantile(lengths, 0.99) * 2;
    const far = nonEmpty.filter((r) => norm(r.summary).length < lo || norm(r.summary).length > hi).map((r) => r.fname);
    add('length', far, `; train summaries are ${quantile(lengths, 0.01)}-${quantile(lengths, 0.99)} characters (1st-99th percentile)`);
  }

  add('repetition', nonEmpty.filter((r) => hasRunawayRepetition(r.summary)).map((r) => r.fname));
  return out.sort((a, b) => Number(b.refuse) - Number(a.refuse));
}

/** The index `warnings` cell: `identical 100.0% (refused: allowed by allow_degenerate); repetition 12.0%`. */
export function formatFindings(findings: DegenerateFinding[]): string {
  return findings.map((f) => `${f.check} ${(f.share * 100).toFixed(1)}%${f.refuse ? ' (refused: allowed by allow_degenerate)' : ''}`).join('; ');
}

export const ALLOW_DEGENERATE_HINT = 'set submit.allow_degenerate: true in the experiment (or pass --allow-degenerate) to submit it anyway';

/** dialogues (fname -> dialogue) of an input CSV; undefined when it is absent or has no dialogue column. */
export function readDialogues(path: string | null | undefined): Map<string, string> | undefined {
  if (!path || !existsSync(path)) return undefined;
  const t = readCsv(path);
  if (!t.header.includes('fname') || !t.header.includes('dialogue')) return undefined;
  return new Map(t.rows.map((r) => [r.fname, r.dialogue ?? '']));
}

/** Character lengths of a train CSV's summaries; undefined when it is absent or has no summary column. */
export function readSummaryLengths(path: string | null | undefined): number[] | undefined {
  if (!path || !existsSync(path)) return undefined;
  const t = readCsv(path);
  if (!t.header.includes('summary')) return undefined;
  return t.rows.map((r) => norm(r.summary ?? '').length);
}
