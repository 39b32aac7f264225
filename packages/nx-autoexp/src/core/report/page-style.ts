/** The page's CSS. The font stack lists Korean fonts first-class so Hangul never falls back to boxes. */
export const FONT_STACK =
  'system-ui, -apple-system, "Segoe UI", "Noto Sans CJK KR", "Noto Sans KR", "Apple SD Gothic Neo", "Malgun Gothic", "NanumGothic", "Nanum Gothic", sans-serif';

export const PAGE_STYLE = `
:root { color-scheme: light; --line: #d8dce3; --muted: #5b6472; --bg: #f6f7f9; }
* { box-sizing: border-box; }
body { margin: 0; font-family: ${FONT_STACK}; font-size: 14px; line-height: 1.45; color: #1d2330; background: var(--bg); }
header { padding: 16px 24px; background: #1d2330; color: #fff; }
header h1 { margin: 0 0 4px; font-size: 20px; }
header p { margin: 0; color: #c7ccd6; font-size: 13px; }
main { max-width: 1500px; margin: 0 auto; padding: 16px 24px 48px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px; margin: 16px 0; }
h2 { margin: 0 0 12px; font-size: 17px; }
.caption, .empty { color: var(--muted); margin: 4px 0 10px; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
th { background: #eef0f4; font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
th button { font: inherit; font-weight: 600; background: none; border: 0; padding: 0; cursor: pointer; color: inherit; }
#leaderboard-table tbody tr:first-child { background: #fff8e1; }
#leaderboard-table tbody tr.baseline { font-style: italic; color: #666; background: #f4f4f4; }
#leaderboard-table tbody tr.below-baseline td { color: #b00020; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 16px; }
.chart { position: relative; height: 340px; }
.chart.wide { height: 380px; }
ul.info { margin: 8px 0 0; padding-left: 20px; color: var(--muted); }
#notes { border-color: #e6b800; background: #fffbea; }
#notes ul { margin: 0; padding-left: 20px; }
label { margin-right: 12px; }
select { font: inherit; padding: 2px 4px; }
#worst-table { table-layout: fixed; }
#worst-table th:nth-child(1) { width: 3em; }
#worst-table th:nth-child(2) { width: 7em; }
#worst-table th:nth-child(3) { width: 8em; }
#worst-table th:nth-child(4) { width: 5em; }
#worst-table th:nth-child(5) { width: 40%; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; max-height: 16em; overflow-y: auto; }
td.dialogue .text { font-size: 13px; }
td.prediction { background: #f5f9ff; }
#diff-table td.key { font-family: ui-monospace, "DejaVu Sans Mono", monospace; white-space: nowrap; }
#diff-table td { overflow-wrap: anywhere; }
td.unset { color: var(--muted); font-style: italic; }
details summary { cursor: pointer; color: var(--muted); margin-top: 8px; }
`;
