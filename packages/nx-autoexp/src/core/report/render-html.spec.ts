import { HOSTILE_DIALOGUE } from './__fixtures__/report-workspace';
import { escapeHtml, inlineScript, jsonForScript } from './html-text';
import { renderReportHtml } from './render-html';
import type { ReportData } from './types';

const data = (dialogue: string): ReportData => ({
  version: 1,
  generatedAt: '2026-11-26T09:00:00.000Z',
  workspace: '/ws/<b>root</b>',
  topics: ['날씨'],
  baselines: [],
  worstCount: 20,
  notes: ['note with <i>tags</i>'],
  devVsPublic: { series: [{ group: null, points: [{ id: 'a_20261126T081000000Z', experiment: 'a', dev: 0.5, public: 0.47, private: null }] }], correlation: null, n: 1, withoutDev: [] },
  experiments: [
    {
      rank: 1,
      experiment: 'a',
      timestamp: '20261126T081000000Z',
      when: '2026-11-26T08:10:00.000Z',
      smoke: false,
      score: 0.5,
      publicScore: 0.47,
      privateScore: null,
      rouge1: 0.2,
      rouge2: 0.1,
      rougeL: 0.2,
      step: 40,
      strategy: 'fast',
      configHash: 'abc',
      checkpoint: 'outputs/a/ck',
      belowBaseline: null,
      group: null,
      curve: null,
      config: { 'model.name': '"</script>"' },
      notes: [],
      items: {
        count: 1,
        topics: [{ topic: '날씨', n: 1, score: 0.5, rouge1: 0.2, rouge2: 0.1, rougeL: 0.2 }],
        worst: [{ fname: 'dev_0', topic: '날씨', score: 0.5, rouge1: 0.2, rouge2: 0.1, rougeL: 0.2, dialogue, reference: '<b>요약</b>', prediction: 'ok' }],
      },
    },
  ],
});

const fakeChart = { version: '4.0.0', source: 'window.Chart = function () {};' };

/** The text between the opening and closing tags of every <script> element, as an HTML parser splits them. */
const scripts = (html: string): string[] => [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)].map((m) => m[1]);

describe('renderReportHtml', () => {
  const html = renderReportHtml(data(HOSTILE_DIALOGUE), { chartJs: fakeChart });

  it('keeps a dialogue with </script> and <b> inside the JSON data, and gives it back exactly', () => {
    const parts = scripts(html);
    // data, Chart.js, page script: nothing in the data closed an element early.
    expect(parts).toHaveLength(3);
    expect(html.match(/<\/script/gi)).toHaveLength(3);
    expect(html).not.toContain('<b>굵게</b>');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<!-- 주석');
    const parsed = JSON.parse(parts[0]) as ReportData;
    expect(parsed.experiments[0].items?.worst[0].dialogue).toBe(HOSTILE_DIALOGUE);
    expect(parsed.experiments[0].items?.worst[0].reference).toBe('<b>요약</b>');
    expect(parsed.experiments[0].config).toEqual({ 'model.name': '"</script>"' });
  });

  it('escapes the text it writes into the markup itself', () => {
    expect(html).toContain('/ws/&lt;b&gt;root&lt;/b&gt;');
    expect(html).not.toContain('/ws/<b>root</b>');
  });

  it('is one page that needs nothing from outside: utf-8, no src/href, fetches forbidden', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toMatch(/Content-Security-Policy" content="default-src 'none'/);
    const markup = html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '');
    expect(markup).not.toMatch(/\s(src|href)=/i);
    expect(html).toContain('Noto Sans CJK KR');
    expect(html).toContain(fakeChart.source);
  });

  it('inlines the real Chart.js by default', () => {
    const full = renderReportHtml(data('x'));
    expect(full).toMatch(/Chart\.js v4\.\d+\.\d+/);
    expect(scripts(full)).toHaveLength(3);
  });
});

describe('html-text helpers', () => {
  it('escapeHtml covers the five special characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('jsonForScript round-trips and hides <, >, & and line separators', () => {
    const value = { s: '</script><!-- & \u2028\u2029 한국어' };
    const text = jsonForScript(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });

  it('inlineScript refuses code that would end its element', () => {
    expect(() => inlineScript('var s = "</SCRIPT>";', 'lib')).toThrow("lib contains '</SCRIPT'");
    expect(inlineScript('a < b', 'lib')).toBe('a < b');
  });
});
