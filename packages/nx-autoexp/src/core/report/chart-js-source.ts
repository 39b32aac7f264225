import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Chart.js's UMD bundle (defines `window.Chart` with every chart type
 * registered), read from the installed package so the page needs no network.
 * The package's exports map hides dist/, so it is found next to the main entry.
 */
export function chartJsSource(): { version: string; source: string } {
  const main = require.resolve('chart.js');
  const dir = dirname(main);
  const source = readFileSync(join(dir, 'chart.umd.min.js'), 'utf8');
  const version = /Chart\.js v(\d+\.\d+\.\d+)/.exec(source)?.[1] ?? 'unknown';
  return { version, source };
}
