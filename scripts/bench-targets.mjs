#!/usr/bin/env node
/**
 * Runtime of every target-correlator method on the shared targets, from the built library.
 *   npx tsc -p . && node scripts/bench-targets.mjs [--lattice-trajectories N]
 * Each line: target, method (auto's choice first, then every other method that applies), wall
 * time, and the largest stated error. The reference row is the free propagator on free-scalar-1d,
 * so ratios compare machines fairly. Methods that do not apply say why instead of a time.
 */
import { readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { computeTargetCorrelators } from '../dist/correlators/index.js';
import { loadTarget } from '../dist/theory/load-target.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argIndex = process.argv.indexOf('--lattice-trajectories');
const latticeTrajectories = argIndex > 0 ? Number(process.argv[argIndex + 1]) : 1000;
const targets = readdirSync(join(root, 'targets')).filter((name) => name.endsWith('.json')).sort();

async function time(theory, method) {
  const started = performance.now();
  const withOptions =
    method === 'lattice'
      ? { ...theory, targetCorrelators: { method: 'lattice', options: { trajectories: latticeTrajectories, thermalization: 100 } } }
      : theory;
  const result = await computeTargetCorrelators(withOptions, { method });
  const seconds = (performance.now() - started) / 1000;
  const largestError = Math.max(...result.correlators.flatMap((block) => block.stderr));
  return { seconds, method: result.method, largestError };
}

const rows = [];
let reference = null;
for (const name of targets) {
  const { theory } = await loadTarget(join(root, 'targets', name));
  const auto = await time(theory, 'auto');
  rows.push([name, `auto -> ${auto.method}`, auto.seconds, auto.largestError]);
  if (name === 'free-scalar-1d.json') reference = auto.seconds;
  for (const method of ['spectral', 'perturbative', 'lattice']) {
    if (method === auto.method) continue;
    try {
      const run = await time(theory, method);
      rows.push([name, method, run.seconds, run.largestError]);
    } catch (error) {
      rows.push([name, method, null, error.message]);
    }
  }
}
const ref = Math.max(reference ?? 1e-3, 1e-4);
console.log(`${'target'.padEnd(24)}${'method'.padEnd(26)}${'seconds'.padStart(10)}${'x ref'.padStart(10)}  largest error / why not`);
for (const [name, method, seconds, extra] of rows) {
  const timeText = seconds === null ? '-'.padStart(10) : seconds.toFixed(3).padStart(10);
  const ratio = seconds === null ? '-'.padStart(10) : (seconds / ref).toFixed(0).padStart(10);
  const tail = typeof extra === 'number' ? extra.toExponential(1) : String(extra).slice(0, 90);
  console.log(`${name.replace(/\.json$/, '').padEnd(24)}${method.padEnd(26)}${timeText}${ratio}  ${tail}`);
}
console.log(`(reference: free propagator on free-scalar-1d, ${ref.toFixed(4)} s; lattice runs ${latticeTrajectories} trajectories)`);
