/**
 * `renderReport(dir)`: one self-contained HTML page (inline SVG and CSS, no scripts, no external
 * assets) for a design run directory or a sweep directory; `writeReport(dir)` saves it atomically
 * as report.html.
 */
import { join } from 'node:path';
import { stat } from 'node:fs/promises';
import { NnftError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { NNFT_VERSION } from '../version.js';
import { escapeHtml } from './escape.js';
import { isSweepDirectory, readRunData, readSweepData } from './read-directory.js';
import { runHeadline, runSections, type ReportSection } from './run-plots.js';
import { sweepSections } from './sweep-plots.js';

const STYLE = `
body { font-family: sans-serif; margin: 24px auto; max-width: 1500px; color: #222; padding: 0 16px; }
h1 { font-size: 22px; margin-bottom: 4px; }
h2 { font-size: 18px; border-bottom: 1px solid #ddd; padding-bottom: 4px; margin-top: 32px; }
.subtitle { color: #666; margin-top: 0; }
figure.plot { display: inline-block; margin: 8px 12px 8px 0; vertical-align: top; }
figure.plot figcaption { font-size: 12px; color: #555; max-width: 560px; }
table { border-collapse: collapse; margin: 12px 16px 12px 0; font-size: 13px; display: inline-table; vertical-align: top; }
caption { text-align: left; font-weight: bold; padding-bottom: 4px; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; }
tr.failed td { color: #a00; }
.note { background: #fff8e1; border-left: 4px solid #f0b400; padding: 6px 10px; font-size: 13px; }
pre { background: #f6f6f6; padding: 10px; overflow-x: auto; font-size: 12px; }
nav a { margin-right: 12px; }
.headline { border: 1px solid #ddd; border-left: 8px solid #888; padding: 8px 14px; margin: 12px 0; background: #fafafa; }
.headline.status-met { border-left-color: #2ca02c; }
.headline.status-not-met { border-left-color: #d62728; }
.headline.status-unresolved { border-left-color: #f0b400; }
.headline .verdict { font-size: 17px; margin: 4px 0 8px; }
.headline .badge { font-weight: bold; padding: 2px 10px; border-radius: 4px; color: #fff; background: #888; }
.headline.status-met .badge { background: #2ca02c; }
.headline.status-not-met .badge { background: #d62728; }
.headline.status-unresolved .badge { background: #c99700; }
.headline .sep { color: #aaa; }
.headline dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; font-size: 13px; }
.headline dl div { display: contents; }
.headline dt { color: #555; }
.headline dd { margin: 0; }
.headline ul.reasons { font-size: 13px; color: #444; margin: 8px 0 2px; }
td.met { color: #1a7a1a; font-weight: bold; }
td.not-met, td.failed { color: #a00; font-weight: bold; }
td.unresolved { color: #a67c00; font-weight: bold; }
`;

export interface RenderedReport {
  kind: 'run' | 'sweep';
  html: string;
}

function page(title: string, subtitle: string, notes: string[], sections: ReportSection[], headline = ''): string {
  const nav = sections.map((section) => `<a href="#${escapeHtml(section.id)}">${escapeHtml(section.title)}</a>`).join('');
  const body = sections.map((section) => `<section id="${escapeHtml(section.id)}"><h2>${escapeHtml(section.title)}</h2>${section.html}</section>`).join('\n');
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style></head><body>`,
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="subtitle">${escapeHtml(subtitle)}</p>`,
    headline,
    notes.map((note) => `<p class="note">${escapeHtml(note)}</p>`).join(''),
    `<nav>${nav}</nav>`,
    body,
    `<p class="subtitle">Written by nnft ${escapeHtml(NNFT_VERSION)}.</p>`,
    '</body></html>',
    '',
  ].join('\n');
}

async function assertDirectory(directory: string): Promise<void> {
  let isDirectory = false;
  try {
    isDirectory = (await stat(directory)).isDirectory();
  } catch {
    throw new NnftError('E_FILE_NOT_FOUND', `no directory at ${directory}`, { file: directory, hint: 'pass a design run directory or a sweep directory' });
  }
  if (!isDirectory) throw new NnftError('E_USAGE', `${directory} is not a directory`, { file: directory, hint: 'pass a design run directory or a sweep directory' });
}

export async function renderReportDetailed(directory: string): Promise<RenderedReport> {
  await assertDirectory(directory);
  if (await isSweepDirectory(directory)) {
    const data = await readSweepData(directory);
    const subtitle = `Sweep ${data.manifest.name}: ${data.manifest.points.length} points (${data.manifest.mode} over ${data.manifest.parameters.map((parameter) => parameter.name).join(', ')}). ${data.manifest.description}`;
    return { kind: 'sweep', html: page(`nnft sweep report: ${data.manifest.name}`, subtitle, data.notes, sweepSections(data)) };
  }
  const data = await readRunData(directory);
  if (!data.config && !data.result && data.metrics.length === 0) {
    throw new NnftError('E_USAGE', `${directory} holds neither a run (config.json, metrics.jsonl, result.json) nor a sweep (sweep-manifest.json)`, {
      file: directory,
      hint: 'pass the --out directory of nnft design or nnft sweep',
    });
  }
  const name = typeof data.result?.name === 'string' ? data.result.name : directory;
  return { kind: 'run', html: page(`nnft run report: ${name}`, `Run directory ${directory}`, data.notes, runSections(data), runHeadline(data)) };
}

export async function renderReport(directory: string): Promise<string> {
  return (await renderReportDetailed(directory)).html;
}

/**
 * Render and save the report; returns the path written (default <dir>/report.html). For a sweep,
 * `points: true` first writes every point's own report into its run directory, and the sweep's
 * table links to them.
 */
export async function writeReport(directory: string, options: { out?: string; points?: boolean } = {}): Promise<string> {
  if (options.points && (await isSweepDirectory(directory))) {
    const data = await readSweepData(directory);
    for (const row of data.rows) {
      const pointDirectory = join(directory, 'points', row.id);
      try {
        await writeFileAtomic(join(pointDirectory, 'report.html'), await renderReport(pointDirectory));
      } catch {
        // A point with nothing to show (no run files yet) simply gets no report and no link.
      }
    }
  }
  const html = await renderReport(directory);
  const out = options.out ?? join(directory, 'report.html');
  await writeFileAtomic(out, html);
  return out;
}
