import { chartJsSource } from './chart-js-source';
import { diffConfigs } from '../config/config-diff';
import { escapeHtml, inlineScript, jsonForScript } from './html-text';
import { PAGE_SCRIPT } from './page-script';
import { PAGE_STYLE } from './page-style';
import type { ReportData } from './types';

export interface RenderOptions {
  /** Chart.js UMD source; defaults to the installed package's. */
  chartJs?: { version: string; source: string };
}

/**
 * One self-contained HTML page: the data as JSON in a
 * <script type="application/json">, Chart.js and the page script inline.
 * The Content-Security-Policy forbids every fetch, so the page provably
 * works from disk with no network.
 */
export function renderReportHtml(data: ReportData, opts: RenderOptions = {}): string {
  const chart = opts.chartJs ?? chartJsSource();
  const title = `autoexp report: ${data.experiments.length} experiment${data.experiments.length === 1 ? '' : 's'}`;
  return `<!doctype html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="autoexp report (Chart.js ${escapeHtml(chart.version)})">
<title>${escapeHtml(title)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(data.workspace)} · generated ${escapeHtml(data.generatedAt)} · <span id="summary"></span></p>
</header>
<main>
<noscript><p>This report draws its tables and charts with JavaScript; enable it for this file.</p></noscript>
<section id="notes" hidden><h2>Notes</h2><ul id="notes-list"></ul></section>
<section id="leaderboard">
<h2>Leaderboard</h2>
<p class="caption">Best submission of each experiment, ranked by dev score (score = mean of R1/R2/RL F1, x100), with the trivial baselines of the same dev set as [baseline] rows (not ranked); an experiment that does not beat the best of them is marked "below baseline"; public and private: its scores on the competition leaderboard, as recorded with npx autoexp lb record. Click a column to sort.</p>
<table id="leaderboard-table"></table>
</section>
<section id="public">
<h2>Dev score vs public leaderboard</h2>
<p class="caption" id="public-caption"></p>
<div class="chart wide"><canvas id="public-chart" aria-label="dev score against public leaderboard score, one point per submission" role="img"></canvas></div>
</section>
<section id="curves">
<h2>Learning curves</h2>
<p class="caption">From each experiment's trainer_state.json log_history; the star marks the best checkpoint; dashed lines are the trivial baselines.</p>
<div class="charts">
<div class="chart"><canvas id="loss-chart" aria-label="train loss by step" role="img"></canvas></div>
<div class="chart"><canvas id="eval-chart" aria-label="eval score by step" role="img"></canvas></div>
</div>
<ul class="info" id="curve-info"></ul>
</section>
<section id="topics">
<h2>Dev score per topic</h2>
<p class="caption" id="topic-caption"></p>
<div class="chart wide"><canvas id="topic-chart" aria-label="dev score per topic" role="img"></canvas></div>
<details><summary>every topic</summary><table id="topic-table"></table></details>
</section>
<section id="worst">
<h2>Lowest-scoring dev items</h2>
<label>experiment <select id="worst-select"></select></label>
<p class="caption" id="worst-caption"></p>
<table id="worst-table"></table>
</section>
<section id="diff">
<h2>Config differences</h2>
<label>A <select id="diff-a"></select></label><label>B <select id="diff-b"></select></label>
<p class="caption" id="diff-caption"></p>
<table id="diff-table"></table>
</section>
</main>
<script type="application/json" id="report-data">${jsonForScript(data)}</script>
<script>${inlineScript(chart.source, `Chart.js ${chart.version}`)}</script>
<script>var diffConfigs = ${inlineScript(diffConfigs.toString(), 'diffConfigs')};
${inlineScript(PAGE_SCRIPT, 'the page script')}</script>
</body>
</html>
`;
}
