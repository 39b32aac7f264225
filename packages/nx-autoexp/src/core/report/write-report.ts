import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../fs/atomic-write';
import { CollectReportOptions, collectReport } from './collect-report';
import { renderReportHtml } from './render-html';
import type { ReportData } from './types';

export const defaultReportPath = (workspaceRoot: string): string => join(resolve(workspaceRoot), 'prediction', 'report.html');

/** Collects the data, renders the page and writes it atomically (default prediction/report.html). */
export async function writeReport(opts: CollectReportOptions & { out?: string }): Promise<{ path: string; data: ReportData; bytes: number }> {
  const data = await collectReport(opts);
  const html = renderReportHtml(data);
  const path = opts.out ? resolve(opts.out) : defaultReportPath(opts.workspaceRoot);
  writeFileAtomic(path, html);
  return { path, data, bytes: Buffer.byteLength(html) };
}
