#!/usr/bin/env node
// Print a sweep directory's results as plain tables: per point, the achieved connected correlators
// against their targets (value ± standard error, pull); and, when the sweep has extrapolation.json,
// every correlator's infinite-width value O_inf ± error against the target, its pull and the fit's
// chi^2/dof. Reads only summary.jsonl and extrapolation.json (no nnft code).
// usage: node scripts/sweeps/summarize-sweep.mjs <sweep dir> [--all]   (--all: every correlator, not a selection)
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const [directory, flag] = process.argv.slice(2);
if (!directory) {
  process.stderr.write('usage: node scripts/sweeps/summarize-sweep.mjs <sweep dir> [--all]\n');
  process.exit(2);
}
const all = flag === '--all';
const summaryFile = join(directory, 'summary.jsonl');
if (!existsSync(summaryFile)) {
  process.stderr.write(`${summaryFile} does not exist: run the sweep first\n`);
  process.exit(1);
}
const rows = readFileSync(summaryFile, 'utf8').split('\n').filter((line) => line.trim()).map((line) => JSON.parse(line));
const fmt = (value, digits = 5) => (typeof value === 'number' && Number.isFinite(value) ? value.toPrecision(digits) : '-');
const pull = (entry) => {
  if (!entry || typeof entry.target !== 'number') return '-';
  const sigma = Math.hypot(entry.stderr ?? 0, entry.targetStderr ?? 0);
  return sigma > 0 ? ((entry.value - entry.target) / sigma).toFixed(1) : '-';
};
// Default selection: the coincident and farthest pairs of G2 and the all-coincident G_c4.
const chosen = (names) => (all ? names : names.filter((name) => /^Gc2\((\d+),\1\)$/.test(name) || /^Gc4\((\d+),\1,\1,\1\)$/.test(name)).slice(0, 4));
const lines = [];
for (const row of rows) {
  const values = Object.entries(row.values).map(([name, value]) => `${name} = ${value}`).join(', ');
  if (row.status !== 'finished') {
    lines.push(`#${row.index} ${values}: ${row.status}${row.error ? ` (${row.error.message})` : ''}`);
    continue;
  }
  const results = row.results ?? {};
  const correlators = results.correlators ?? {};
  const relative = Object.entries(results.relativeErrors ?? {}).map(([order, value]) => `G_c${order} ${fmt(value, 2)}`).join(', ');
  lines.push(`#${row.index} ${values}: design ${results.status ?? '?'}, width ${results.width ?? '?'}${relative ? `, relative error ${relative}` : ''}`);
  for (const name of chosen(Object.keys(correlators))) {
    const entry = correlators[name];
    lines.push(`    ${name.padEnd(16)} achieved ${fmt(entry.value)} ± ${fmt(entry.stderr, 2)}   exact ${fmt(entry.target)}   pull ${pull(entry)}`);
  }
}
process.stdout.write(`${lines.join('\n')}\n`);

const extrapolationFile = join(directory, 'extrapolation.json');
if (existsSync(extrapolationFile)) {
  const table = JSON.parse(readFileSync(extrapolationFile, 'utf8'));
  const out = [`\ninfinite-width extrapolation, ${table.model}:`];
  for (const group of table.groups) {
    const label = Object.entries(group.values).map(([name, value]) => `${name} = ${value}`).join(', ');
    if (label) out.push(`  group ${label}`);
    out.push(`  ${'correlator'.padEnd(16)} ${'O_inf'.padStart(11)}   ${'± err'.padStart(9)}   ${'exact'.padStart(11)}   pull   chi2/dof   widths`);
    for (const observable of group.observables) {
      const fit = observable.fit;
      out.push(
        `  ${observable.name.padEnd(16)} ${fmt(fit.value, 6).padStart(11)}   ${fmt(fit.stderr, 2).padStart(9)}   ${fmt(observable.target, 6).padStart(11)}   ${(typeof observable.pull === 'number' ? observable.pull.toFixed(1) : '-').padStart(4)}   ${(fit.chiSquaredPerDof === null ? '-' : fit.chiSquaredPerDof.toFixed(2)).padStart(8)}   ${observable.widths.join(',')}`,
      );
    }
    for (const skipped of group.skipped) out.push(`  ${skipped.name}: skipped (${skipped.reason})`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}
