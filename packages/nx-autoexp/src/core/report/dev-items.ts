import type { ItemScore, TopicScore, WorstItem } from './types';

/** One dev.csv row as the report needs it. */
export interface DevReference {
  dialogue: string;
  /** The reference summary; several references (summary1..N) joined by newlines. */
  reference: string;
  topic: string;
}

const NO_TOPIC = '(no topic)';
const REFERENCE_COLUMN = /^summary\d*$/;

/** fname -> reference, from dev.csv rows (fname, dialogue, summary or summary1..N, topic). */
export function devReferences(rows: Record<string, string>[]): Map<string, DevReference> {
  const out = new Map<string, DevReference>();
  for (const row of rows) {
    const refs = Object.keys(row)
      .filter((k) => REFERENCE_COLUMN.test(k) && row[k])
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
      .map((k) => row[k]);
    out.set(row.fname, { dialogue: row.dialogue ?? '', reference: refs.join('\n'), topic: row.topic?.trim() || NO_TOPIC });
  }
  return out;
}

/** Rows of the trainer's --per-item CSV (fname,rouge1,rouge2,rougeL,score); a bad number names its fname. */
export function parseItemScores(rows: Record<string, string>[], source: string): ItemScore[] {
  return rows.map((row) => {
    const num = (col: 'rouge1' | 'rouge2' | 'rougeL' | 'score'): number => {
      const v = Number(row[col]);
      if (row[col] === undefined || row[col].trim() === '' || !Number.isFinite(v)) {
        throw new Error(`${source}: item '${row.fname}' has no numeric ${col} ('${row[col] ?? ''}')`);
      }
      return v;
    };
    return { fname: row.fname, rouge1: num('rouge1'), rouge2: num('rouge2'), rougeL: num('rougeL'), score: num('score') };
  });
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Mean scores per topic, most items first, then by name. Items missing from the references count as '(no topic)'. */
export function topicMeans(items: ItemScore[], refs: Map<string, DevReference>): TopicScore[] {
  const groups = new Map<string, ItemScore[]>();
  for (const item of items) {
    const topic = refs.get(item.fname)?.topic ?? NO_TOPIC;
    const g = groups.get(topic);
    if (g) g.push(item);
    else groups.set(topic, [item]);
  }
  return [...groups.entries()]
    .map(([topic, g]) => ({
      topic,
      n: g.length,
      score: mean(g.map((i) => i.score)),
      rouge1: mean(g.map((i) => i.rouge1)),
      rouge2: mean(g.map((i) => i.rouge2)),
      rougeL: mean(g.map((i) => i.rougeL)),
    }))
    .sort((a, b) => b.n - a.n || (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0));
}

/** The `count` lowest-scoring items (ties by fname, so the pick is stable), with their texts. */
export function worstItems(items: ItemScore[], refs: Map<string, DevReference>, predictions: Map<string, string>, count: number): WorstItem[] {
  return [...items]
    .sort((a, b) => a.score - b.score || (a.fname < b.fname ? -1 : a.fname > b.fname ? 1 : 0))
    .slice(0, Math.max(0, count))
    .map((item) => {
      const ref = refs.get(item.fname);
      return {
        ...item,
        topic: ref?.topic ?? NO_TOPIC,
        dialogue: ref?.dialogue ?? '',
        reference: ref?.reference ?? '',
        prediction: predictions.get(item.fname) ?? '',
      };
    });
}

/** Topics over all experiments, ordered by their largest item count, then name. */
export function allTopics(perExperiment: TopicScore[][]): string[] {
  const n = new Map<string, number>();
  for (const list of perExperiment) for (const t of list) n.set(t.topic, Math.max(n.get(t.topic) ?? 0, t.n));
  return [...n.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([t]) => t);
}
