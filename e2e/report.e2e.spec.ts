/// <reference lib="dom" />
/**
 * Issue 10: `nx run report:report` writes prediction/report.html from a
 * workspace that has submissions (a fixture, no training), and the page,
 * opened from disk in headless Chromium, draws its charts and tables.
 * Needs Debian's chromium at /usr/bin/chromium (no browser download) and a
 * Korean font (fonts-noto-cjk); without chromium skipped with a message, or
 * failed under CI=true.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { HOSTILE_DIALOGUE, addSubmissions, buildReportWorkspace } from '../packages/nx-autoexp/src/core/report/__fixtures__/report-workspace';
import { loadExperiment } from '../packages/nx-autoexp/src/core/config/load-experiment';
import { pearson } from '../packages/nx-autoexp/src/core/competition/correlation';
import { describeRequiring } from '../tools/testing/required-component';
import { REPO, Workspace, taskCached, taskRan } from './workspace';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SCREENSHOT = join(REPO, 'test-results', 'report.png');

/** Public scores recorded before the report: [submission, x100 score]; dev scores are the fixture's. */
const PUBLIC: [string, string][] = [
  ['beta_20261126T080000000Z', '44.00'],
  ['exp-alpha', '61.00'], // a project name means its experiment's latest submission
  ['beta_20261126T082000000Z', '47.50'],
];
const DEV = [0.5, 0.9, 0.6];

const describeWithChromium = describeRequiring(
  'Chromium',
  existsSync(CHROMIUM) ? { ok: true } : { ok: false, reason: `${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium fonts-noto-cjk)` },
);

describeWithChromium('experiment report', () => {
  let ws: Workspace;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    ws = new Workspace('report');
    buildReportWorkspace(ws.root);
    // Leaderboard scores as a user records them (real CLI, the shipped config/base.yaml's competition section).
    for (const [id, score] of PUBLIC) {
      const r = ws.autoexp('lb', 'record', id, score, '--at', '2026-11-26 18:00');
      if (r.code !== 0) throw new Error(`autoexp lb record ${id} ${score} failed:\n${r.out}`);
    }
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('nx run report:report writes the page, caches it, and re-runs when a submission input changes', () => {
    const first = ws.nx('run', 'report:report');
    if (/unknown command 'report'/.test(first.out)) throw new Error('the CLI has no `report` command: add it to COMMANDS in packages/nx-autoexp/src/cli/main.ts and rebuild (npm run build)');
    expect(first.code).toBe(0);
    expect(taskRan(first.out, 'report:report')).toBe(true);
    expect(first.out).toMatch(/report: prediction\/report\.html \(2 experiments/);
    expect(ws.exists('prediction/report.html')).toBe(true);

    const again = ws.nx('run', 'report:report');
    expect(again.code).toBe(0);
    expect(taskCached(again.out, 'report:report')).toBe(true);

    // prediction/ and runs/ are git-ignored: only the --stamp runtime input sees this change.
    ws.edit('runs/beta/infer/predictions/dev.csv', (t) => t.replace('beta 모델은 1번', 'beta 모델은 첫'));
    const changed = ws.nx('run', 'report:report');
    expect(changed.code).toBe(0);
    expect(taskRan(changed.out, 'report:report')).toBe(true);
  }, 300_000);

  describe('the page in Chromium', () => {
    beforeAll(async () => {
      page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(`file://${join(ws.root, 'prediction/report.html')}`);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
    }, 60_000);

    afterAll(async () => {
      mkdirSync(join(REPO, 'test-results'), { recursive: true });
      await page?.screenshot({ path: SCREENSHOT, fullPage: true });
    });

    it('loads from disk with no error and no request but the file itself', () => {
      expect(problems).toEqual([]);
      expect(requests).toEqual([`file://${join(ws.root, 'prediction/report.html')}`]);
    });

    it('leaderboard: best experiment first, scores x100, sortable', async () => {
      const rows = () => page.$$eval('#leaderboard-table tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent)));
      const [best, second] = await rows();
      // Public beside dev; no private score recorded: a dash.
      expect(best.slice(0, 9)).toEqual(['1', 'alpha', (0.9 * 100).toFixed(2), '61.00', '\u2013', (0.45 * 100).toFixed(2), (0.18 * 100).toFixed(2), (0.27 * 100).toFixed(2), '40']);
      expect(best[9]).toBe('fast');
      expect(best[10]).toBe('alpha0ha');
      expect(best[11]).toBe('2026-11-26 08:10:00 UTC');
      expect(second.slice(0, 4)).toEqual(['2', 'beta', '60.00', '47.50']);
      await page.click('#leaderboard-table th button[data-key="score"]'); // high to low
      expect((await rows())[0][1]).toBe('alpha');
      await page.click('#leaderboard-table th button[data-key="score"]'); // low to high
      expect((await rows()).map((r) => r[1])).toEqual(['beta', 'alpha']);
      expect(await page.getAttribute('#leaderboard-table th:nth-child(3)', 'aria-sort')).toBe('ascending');
      await page.click('#leaderboard-table th button[data-key="publicScore"]'); // high to low
      expect((await rows()).map((r) => r[1])).toEqual(['alpha', 'beta']);
      await page.click('#leaderboard-table th button[data-key="rank"]');
      expect((await rows())[0][1]).toBe('alpha');
    });

    it('dev vs public: every scored submission a point, the public = dev line, the correlation, drawn', async () => {
      const chart = await page.evaluate(() => {
        const w = window as unknown as { Chart: { getChart(c: HTMLCanvasElement): { config: { type: string }; data: { datasets: { type?: string; label: string; data: { x: number; y: number; id?: string }[]; backgroundColor: string }[] } } | undefined } };
        const canvas = document.getElementById('public-chart') as HTMLCanvasElement;
        const c = w.Chart.getChart(canvas);
        const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let inked = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) inked++;
        return { type: c?.config.type, datasets: c?.data.datasets.map((d) => ({ type: d.type, label: d.label, data: d.data, color: d.backgroundColor })) ?? [], inked };
      });
      expect(chart.type).toBe('scatter');
      // No sweep variants in the fixture: one series of every submission with a public score (the smoke one has none).
      const [points, diagonal] = chart.datasets;
      expect(chart.datasets).toHaveLength(2);
      expect([points.type, points.label]).toEqual(['scatter', 'submissions']);
      const expected = PUBLIC.map(([id, score], i) => ({ id: id === 'exp-alpha' ? 'alpha_20261126T081000000Z' : id, x: DEV[i] * 100, y: Number(score) }));
      const byId = (a: { id?: string }, b: { id?: string }) => (a.id! < b.id! ? -1 : 1);
      expect([...points.data].sort(byId).map((p) => ({ ...p, x: Number(p.x.toFixed(6)), y: Number(p.y.toFixed(6)) }))).toEqual(expected.sort(byId));
      expect(diagonal).toMatchObject({ type: 'line', label: 'public = dev', data: [{ x: 44, y: 44 }, { x: 90, y: 90 }] });
      const r = pearson(DEV.map((d) => d * 100), PUBLIC.map(([, s]) => Number(s)))!;
      expect(await page.textContent('#public-caption')).toContain(`Pearson r = ${r.toFixed(2)} over 3 submissions.`);
      expect(chart.inked).toBeGreaterThan(5000);
    });

    it('charts: learning curves with the best checkpoint marked, and per-topic bars, drawn', async () => {
      const charts = await page.evaluate(() => {
        const w = window as unknown as { Chart: { getChart(c: HTMLCanvasElement): { data: { labels?: unknown[]; datasets: { label: string; data: unknown[] }[] } } | undefined } };
        return ['loss-chart', 'eval-chart', 'topic-chart'].map((id) => {
          const canvas = document.getElementById(id) as HTMLCanvasElement;
          const chart = w.Chart.getChart(canvas);
          const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
          let inked = 0;
          for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) inked++;
          return { id, labels: chart?.data.labels ?? [], datasets: chart?.data.datasets.map((d) => ({ label: d.label, n: d.data.length, data: d.data })) ?? [], inked };
        });
      });
      const [loss, evals, topics] = charts;
      expect(loss.datasets.map((d) => [d.label, d.n])).toEqual([
        ['alpha', 6],
        ['beta', 5],
      ]);
      expect(evals.datasets.map((d) => d.label)).toEqual(['alpha', 'alpha best (step 40)', 'beta', 'beta best (step 40)']);
      expect(evals.datasets[1].data).toEqual([{ x: 40, y: 90 }]);
      expect(topics.labels).toEqual(['날씨', '쇼핑', '여행', '회의 일정']);
      expect(topics.datasets.map((d) => [d.label, d.n])).toEqual([
        ['alpha', 4],
        ['beta', 4],
      ]);
      // Alpha copied the reference of every even item; 날씨 holds only even ones: a perfect 100 (R1 = R2 = RL = 1, their mean x100).
      expect(topics.datasets[0].data[0]).toBeCloseTo(100, 3);
      for (const c of charts) expect(c.inked).toBeGreaterThan(5000);
    });

    it('worst 20: dialogue, reference and prediction side by side, as text, for the chosen experiment', async () => {
      const worstRows = () =>
        page.$$eval('#worst-table tbody tr', (trs) =>
          trs.map((tr) => ({ fname: tr.getAttribute('data-fname'), cells: Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? '') })),
        );
      let rows = await worstRows();
      expect(await page.inputValue('#worst-select')).toBe('alpha');
      expect(rows).toHaveLength(20);
      expect(await page.$$eval('#worst-table thead th', (ths) => ths.map((th) => th.textContent))).toEqual(['#', 'fname', 'topic', 'score', 'dialogue', 'reference', 'prediction']);
      // The 12 odd items alpha got wrong come first, then even (perfect) ones.
      expect(rows.slice(0, 12).every((r) => Number(r.fname!.split('_')[1]) % 2 === 1)).toBe(true);
      expect(rows[19].cells[3]).toBe('100.00');
      const hostile = rows.find((r) => r.fname === 'dev_3')!;
      expect(hostile.cells[4]).toBe(HOSTILE_DIALOGUE);
      expect(hostile.cells[5]).toBe('#Person2#는 3시에 공원에 가려고 한다.');
      expect(hostile.cells[6]).toBe('alpha 모델은 3번 대화를 잘 모르겠다.');
      expect(await page.$('#worst-table b, #worst-table img')).toBeNull();

      await page.selectOption('#worst-select', 'beta');
      rows = await worstRows();
      expect(rows).toHaveLength(20);
      // Beta copied every third item: the 16 others are the worst.
      expect(rows.slice(0, 16).every((r) => Number(r.fname!.split('_')[1]) % 3 !== 0)).toBe(true);
      await page.selectOption('#worst-select', 'alpha');
    });

    it('Korean text is on the page and drawn with a Korean font', async () => {
      const text = await page.innerText('body');
      expect(text).toContain('공원에 가려고 한다');
      expect(text).toContain('회의 일정');
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('DOM.enable');
      await cdp.send('CSS.enable');
      const { root } = await cdp.send('DOM.getDocument');
      const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: '#worst-table tbody tr td.dialogue .text' });
      const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
      // Without a Korean font Chromium draws Hangul as boxes with whatever font it has (DejaVu here).
      const korean = fonts.filter((f) => /CJK|KR|Nanum|Gothic|Hangul/i.test(f.familyName) && f.glyphCount > 0);
      if (korean.length === 0) {
        throw new Error(`Hangul is drawn with ${fonts.map((f) => f.familyName).join(', ')}: no Korean font installed (apt-get install -y fonts-noto-cjk)`);
      }
    });

    it('config differences between two chosen experiments', async () => {
      const diffRows = () => page.$$eval('#diff-table tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent)));
      expect(await page.inputValue('#diff-a')).toBe('alpha');
      expect(await page.inputValue('#diff-b')).toBe('beta');
      expect(await diffRows()).toEqual([
        ['model.lora', '(unset)', 'null'],
        ['model.lora.r', '8', '(unset)'],
        ['train.learning_rate', '0.001', '0.0005'],
      ]);
      expect(await page.textContent('#diff-caption')).toMatch(/^3 of \d+ config keys differ between alpha and beta\.$/);
      await page.selectOption('#diff-b', 'alpha');
      expect(await diffRows()).toEqual([]);
      await page.selectOption('#diff-b', 'beta');
    });

    it('notes say what could not be shown', async () => {
      expect(await page.isVisible('#notes')).toBe(true);
      expect(await page.innerText('#notes-list')).toContain('beta: checkpoint folder gone (outputs/beta/run1/checkpoint-40)');
    });

    it('no group column when no experiment belongs to a seed group', async () => {
      expect(await page.$$eval('#leaderboard-table th', (ths) => ths.map((th) => th.textContent ?? ''))).not.toContainEqual(expect.stringContaining('group'));
    });
  });

  it("a seed group's members show the group's mean \u00b1 std (n) in their own column", async () => {
    // Two variants of a sweep that differ only in train.seed (the default group_by), scored 0.70 and 0.80.
    const gws = new Workspace('report-groups');
    buildReportWorkspace(gws.root);
    gws.write('experiments/sw/experiment.yaml', `${gws.read('experiments/demo/experiment.yaml').trimEnd()}\nsweep:\n  grid:\n    train.seed: [1, 2]\n`);
    const members = ['sw--seed-1', 'sw--seed-2'];
    const scores = [0.7, 0.8];
    addSubmissions(gws.root, members.map((experiment, i) => ({ experiment, timestamp: `20261126T09${i}000000Z`, score: scores[i], step: 40, checkpoint: `outputs/${experiment}/run1/checkpoint-40`, strategy: 'fast', lr: 0.003 })));
    const group = loadExperiment(gws.root, members[0]).sweep?.group;
    expect(group).toBeTruthy();
    expect(loadExperiment(gws.root, members[1]).sweep?.group).toBe(group);
    const r = gws.autoexp('report');
    expect({ code: r.code, out: r.code === 0 ? '' : r.out }).toEqual({ code: 0, out: '' });

    const p = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    try {
      await p.goto(`file://${join(gws.root, 'prediction/report.html')}`);
      await p.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
      const header = await p.$$eval('#leaderboard-table th', (ths) => ths.map((th) => (th.textContent ?? '').trim()));
      const col = header.findIndex((h) => h.startsWith('group: mean'));
      expect(col).toBeGreaterThan(0);
      const cells = await p.$$eval('#leaderboard-table tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => (td.textContent ?? '').trim())));
      const byName = new Map(cells.map((c) => [c[1], c[col]]));
      const mean = (scores[0] + scores[1]) / 2;
      const std = Math.abs(scores[0] - scores[1]) / Math.SQRT2; // sample std of two values
      const shown = `${group}: ${(mean * 100).toFixed(2)} \u00b1 ${(std * 100).toFixed(2)} (n=2)`;
      expect(members.map((m) => byName.get(m))).toEqual([shown, shown]);
      expect(byName.get('alpha')).toBe(''); // a plain experiment has no group
      expect(byName.get('beta')).toBe('');
    } finally {
      await p.close();
      rmSync(gws.root, { recursive: true, force: true });
    }
  }, 120_000);
});

