#!/usr/bin/env node
/**
 * Wall time of a d = 3 design on quadrature momenta, phase by phase, from the built CLI.
 *   npx tsc -p . && node scripts/bench-design-3d.mjs [--width 64] [--ensemble 20000]
 *     [--validation-ensemble 20000] [--max-steps 20] [--workers K] [--target targets/phi4-local-3d-weak.json]
 *     [--dist DIR] (a built copy to time instead of ./dist)
 * Runs `nnft design <target> --momenta quadrature --json` and times the phases from the arrival of
 * its NDJSON events on stderr: start-up (to the backend line), target correlators, design sample,
 * fit, validation, and the rest (writing the run), each in wall seconds and in the CPU seconds of the
 * design process and its worker threads (read from /proc on Linux: on a shared machine the wall time
 * says more about the neighbours than about nnft). The goal for the defaults (width 64, 20,000 +
 * 20,000 networks, Wick-ordered phi^4, Lambda = 6, box of side 3) is under 5 minutes on two cores
 * (docs/ensemble.md, quadrature momenta in d = 3).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const option = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : fallback;
};
const target = option('target', 'targets/phi4-local-3d-weak.json');
const args = [
  join(option('dist', join(root, 'dist')), 'cli/main.js'),
  'design',
  target,
  '--width', option('width', '64'),
  '--ensemble', option('ensemble', '20000'),
  '--validation-ensemble', option('validation-ensemble', '20000'),
  '--momenta', 'quadrature',
  '--max-steps', option('max-steps', '20'),
  '--out', join(mkdtempSync(join(tmpdir(), 'nnft-bench-3d-')), 'run'),
  '--json',
];
const workers = option('workers', undefined);
if (workers) args.push('--workers', workers);

// Phase boundaries: the first event whose message matches starts the named phase.
const boundaries = [
  ['target correlators', /^backend /],
  ['design sample', /fitting on a fixed sample/],
  ['validation', /validating on \d+ fresh networks/],
  ['finish', /^width \d+: (met|not met|UNRESOLVED|relative error)/],
];

const started = performance.now();
const seconds = () => (performance.now() - started) / 1000;
// CPU seconds (user + system) of the child and all its threads, sampled; null off Linux.
let cpuSeconds = 0;
const readCpu = () => {
  try {
    const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    cpuSeconds = (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    /* exited, or not Linux: keep the last value */
  }
  return cpuSeconds;
};
const marks = [['start-up', 0, 0]];
let sampleDrawn = null;
let lastProgress = 0;
console.log(`node ${args.slice(1).join(' ')}`);
const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
const sampler = setInterval(readCpu, 250);
let pending = '';
child.stdout.resume();
child.stderr.on('data', (data) => {
  pending += data;
  let newline;
  while ((newline = pending.indexOf('\n')) >= 0) {
    const line = pending.slice(0, newline);
    pending = pending.slice(newline + 1);
    let event;
    try {
      event = JSON.parse(line);
    } catch {
      console.log(`  [${seconds().toFixed(1)} s] ${line}`);
      continue;
    }
    if (event.type === 'progress') {
      // The fit's first progress stream is the sample draw: it ends when done reaches total.
      if (/drawing the design sample/.test(event.task ?? '') && event.done >= event.total && sampleDrawn === null) sampleDrawn = [seconds(), readCpu()];
      if (seconds() - lastProgress > 30) {
        lastProgress = seconds();
        console.log(`  [${seconds().toFixed(1)} s] ${event.task}: ${event.done}/${event.total}`);
      }
      continue;
    }
    const message = String(event.message ?? event.type);
    console.log(`  [${seconds().toFixed(1)} s] ${message.slice(0, 160)}`);
    for (const [name, pattern] of boundaries) {
      if (pattern.test(message) && !marks.some(([done]) => done === name)) {
        marks.push([name, seconds(), readCpu()]);
        if (name === 'validation' && sampleDrawn !== null) marks.splice(marks.length - 1, 0, ['fit', ...sampleDrawn]);
      }
    }
  }
});
child.on('close', (code) => {
  clearInterval(sampler);
  const total = seconds();
  marks.push(['end', total, cpuSeconds]);
  console.log(`\nexit code ${code}; phases:              wall s    CPU s`);
  for (let k = 0; k + 1 < marks.length; k++) {
    console.log(`  ${marks[k][0].padEnd(20)} ${(marks[k + 1][1] - marks[k][1]).toFixed(1).padStart(8)} ${(marks[k + 1][2] - marks[k][2]).toFixed(1).padStart(8)}`);
  }
  console.log(`  ${'total'.padEnd(20)} ${total.toFixed(1).padStart(8)} ${cpuSeconds.toFixed(1).padStart(8)}   (goal: under 300 s wall on two cores)`);
  process.exitCode = code ?? 1;
});
