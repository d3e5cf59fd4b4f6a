#!/usr/bin/env node
/**
 * Compare one set of connected correlators with a reference within stated errors.
 *
 *   node scripts/compare-within-errors.mjs ACHIEVED REFERENCE [--systematic ORDER:REL ...] [--k 3]
 *
 * ACHIEVED and REFERENCE are design run directories (their result.json), result.json files, or
 * `nnft target --json` / `nnft estimate --json` outputs. From a design result, ACHIEVED takes the
 * validated correlators; REFERENCE takes them too, unless given as `target:PATH`, which takes the
 * design's target (for example first-order perturbation theory). `--systematic 4:0.035` adds
 * 0.035 x |reference| to the error of every order-4 value (an O(lambda^2) allowance, say); `4:abs:1e-5`
 * adds an absolute amount. Every value must satisfy |achieved - reference| <= k sqrt(e_a^2 + e_r^2) + s.
 * Prints a table of the worst pulls per order and a verdict; exit 0 when every value is within.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

function load(argument) {
  const [mode, path] = argument.startsWith('target:') ? ['target', argument.slice(7)] : ['achieved', argument];
  const file = statSync(path).isDirectory() ? join(path, 'result.json') : path;
  const data = JSON.parse(readFileSync(file, 'utf8'));
  if (data.kind === 'design') {
    const chosen = mode === 'target' ? data.target : data.achieved;
    if (!chosen) throw new Error(`${file}: the design result holds no ${mode} correlators`);
    return { file, result: chosen };
  }
  return { file, result: data };
}

const args = process.argv.slice(2);
const positional = [];
const systematic = new Map();
let k = 3;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--systematic') {
    const [order, kind, value] = args[++i].split(':');
    systematic.set(Number(order), value === undefined ? { relative: Number(kind), absolute: 0 } : { relative: 0, absolute: Number(value) });
  } else if (args[i] === '--k') k = Number(args[++i]);
  else positional.push(args[i]);
}
if (positional.length !== 2) {
  console.error('usage: compare-within-errors.mjs ACHIEVED REFERENCE [--systematic ORDER:REL | ORDER:abs:VALUE ...] [--k 3]');
  process.exit(2);
}
const achieved = load(positional[0]);
const reference = load(positional[1]);
console.log(`achieved:  ${achieved.file}${positional[0].startsWith('target:') ? ' (target)' : ''}`);
console.log(`reference: ${reference.file}${positional[1].startsWith('target:') ? ' (its target)' : ''}`);
let allWithin = true;
for (const block of achieved.result.correlators) {
  const other = reference.result.correlators.find((candidate) => candidate.order === block.order);
  if (!other) continue;
  const allowance = systematic.get(block.order) ?? { relative: 0, absolute: 0 };
  const rows = block.indices.map((indices, t) => {
    const key = JSON.stringify(indices);
    const r = other.indices.findIndex((candidate) => JSON.stringify(candidate) === key);
    const refValue = other.values[r];
    const statistical = Math.hypot(block.stderr[t] ?? 0, other.stderr[r] ?? 0);
    const allowed = k * statistical + allowance.relative * Math.abs(refValue) + allowance.absolute;
    const deviation = block.values[t] - refValue;
    return { indices, value: block.values[t], refValue, statistical, allowed, deviation, ratio: Math.abs(deviation) / allowed };
  });
  rows.sort((a, b) => b.ratio - a.ratio);
  const within = rows.filter((row) => row.ratio <= 1).length;
  const chiSquared = rows.reduce((sum, row) => sum + (row.deviation / row.statistical) ** 2, 0);
  allWithin &&= within === rows.length;
  console.log(
    `\nG_c${block.order}: ${within}/${rows.length} within ${k} sigma${allowance.relative || allowance.absolute ? ` + systematic (${allowance.relative ? `${allowance.relative} x |reference|` : allowance.absolute})` : ''}; ` +
      `statistical chi^2/dof ${(chiSquared / rows.length).toFixed(2)} (values correlated); mean deviation / reference ${(rows.reduce((s, row) => s + row.deviation, 0) / rows.reduce((s, row) => s + Math.abs(row.refValue), 0)).toFixed(4)}`,
  );
  console.log('  points          achieved     reference    |dev|/stat  |dev|/allowed');
  for (const row of rows.slice(0, 6)) {
    console.log(
      `  ${row.indices.map((i) => `x${i}`).join(' ').padEnd(14)} ${row.value.toExponential(4).padStart(11)} ${row.refValue.toExponential(4).padStart(12)} ${(Math.abs(row.deviation) / row.statistical).toFixed(2).padStart(10)} ${row.ratio.toFixed(2).padStart(13)}`,
    );
  }
}
console.log(`\nverdict: ${allWithin ? 'every value within the stated errors' : 'NOT within the stated errors'}`);
process.exit(allWithin ? 0 : 1);
