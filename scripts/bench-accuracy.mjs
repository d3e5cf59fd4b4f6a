#!/usr/bin/env node
/**
 * Time to accuracy against a PyTorch peer (issue 13). For two estimands, runs the peer
 * (scripts/bench/peer.py: plain self-normalised importance sampling, float32, torch threads = cores)
 * and `nnft estimate` (all its variance reduction, workers = cores) back to back on the same cores,
 * and prints seconds per network, standard errors, the pull between the two values and the
 * time-to-accuracy ratio (t_nnft err_nnft^2) / (t_peer err_peer^2) (< 1: nnft reaches a given error
 * sooner). t err^2 does not depend on the ensemble size, so the ratio is that of the cost to any
 * fixed error.
 *
 *   1. founding: the founding paper's construction, scripts/bench/founding-phi4-1d.json
 *      (width 64, m = 1, Lambda = 10, Gaussian amplitudes, lambda = 0.5 on [-2, 2]), G_c4(0,0,0,0).
 *   2. designed: the default target's designed spec (targets/phi4-local-1d.json designed at width 384
 *      on stratified momenta, which peer.py reads; nnft design now defaults to split momenta there
 *      by `nnft design ... --out <tmp>` once, or --spec PATH), G_c4(0,0,0,0); nnft estimates the spec
 *      as designed (all its points, translations and images), the peer the one point.
 * Plus the projected seconds to reach a standard error of 1% of |G_c4| on each.
 *
 *   npx tsc -p . && node scripts/bench-accuracy.mjs [--networks 200000] [--design-networks N]
 *     [--spec designed-spec.json] [--cores 2] [--python /usr/bin/python3] [--seed 1] [--peer-separable] [--json]
 * --peer-separable gives the peer nnft's grid trick (cos(p(s+v)+c) by angle addition over panel
 * starts s and panel nodes v), a stronger peer than the script a physicist would write.
 *
 * --amplitude-images K (default 64; 1: off): nnft estimates the founding spec with K amplitude-phase
 * images per momentum draw (src/ensemble/draw-images.ts, the same ensemble law; docs/performance.md,
 * "Amplitude-phase images") through scripts/bench/estimate-images.mjs, since neither the spec nor the CLI
 * takes the option yet. The designed spec has a mode cutoff, which the images refuse: it runs as before.
 * With Gaussian amplitudes (the founding spec) it also averages each network over its overall amplitude
 * scale in closed form (amplitudeScaleAverage; --no-scale-average: off).
 * --only founding|designed runs one estimand.
 *
 * Timings are ratios on whatever machine runs it; nothing here asserts a time.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli', 'main.js');
const peerScript = join(root, 'scripts', 'bench', 'peer.py');
const foundingSpec = join(root, 'scripts', 'bench', 'founding-phi4-1d.json');

const argument = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
};
const networks = Number(argument('networks', 200000));
const designNetworks = Number(argument('design-networks', process.argv.includes('--networks') ? networks : 80000));
const cores = Number(argument('cores', 2));
const seed = Number(argument('seed', 1));
const jsonOut = process.argv.includes('--json');
const amplitudeImages = Number(argument('amplitude-images', 64));
const only = argument('only', null);
const scaleAverage = !process.argv.includes('--no-scale-average');
const imagesScript = join(root, 'scripts', 'bench', 'estimate-images.mjs');
// The peer as written (one cos per neuron and grid point), or with nnft's angle-addition grid pass.
const peerSeparable = process.argv.includes('--peer-separable');
const log = (line) => (jsonOut ? process.stderr : process.stdout).write(`${line}\n`);

for (const [name, value] of [['networks', networks], ['design-networks', designNetworks], ['cores', cores]]) {
  if (!Number.isInteger(value) || value < 64) {
    if (name !== 'cores' || !(Number.isInteger(value) && value >= 1)) {
      console.error(`bench-accuracy: --${name} must be an integer${name === 'cores' ? ' >= 1' : ' >= 64'}, got ${value}`);
      process.exit(2);
    }
  }
}
if (!existsSync(cli)) {
  console.error('bench-accuracy: dist/cli/main.js is missing; build first (npx tsc -p tsconfig.json)');
  process.exit(2);
}

/** The python with torch: --python, else /usr/bin/python3 (Debian's python3-torch), else python3. */
function findPython() {
  const candidates = [argument('python', null), '/usr/bin/python3', 'python3'].filter(Boolean);
  for (const candidate of candidates) {
    const probe = spawnSync(candidate, ['-c', 'import torch'], { encoding: 'utf8' });
    if (probe.status === 0) return candidate;
  }
  console.error(`bench-accuracy: no python with torch among ${candidates.join(', ')} (apt-get install -y python3-torch)`);
  process.exit(2);
}
const python = findPython();

function run(command, args, label) {
  const started = process.hrtime.bigint();
  const child = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 28, cwd: root });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (child.status !== 0 && !(label === 'design' && child.status === 1)) {
    console.error(`bench-accuracy: ${label} failed (exit ${child.status})\n${(child.stderr ?? '').slice(-4000)}`);
    process.exit(1);
  }
  return { stdout: child.stdout, wall, status: child.status };
}

/** The designed spec: --spec, or one `nnft design` of the default target in a temporary directory. */
function designedSpec() {
  const given = argument('spec', null);
  if (given) return { path: resolve(given), designSeconds: null, cleanup: () => {} };
  const parent = mkdtempSync(join(tmpdir(), 'nnft-bench-accuracy-'));
  const out = join(parent, 'design');
  log(`designing targets/phi4-local-1d.json at width 384 into ${out} (a few minutes) ...`);
  const design = run(
    process.execPath,
    [cli, 'design', join(root, 'targets', 'phi4-local-1d.json'), '--width', '384', '--ensemble', '20000', '--validation-ensemble', '80000', '--tolerance', '0.2', '--momenta', 'stratified', '--workers', String(cores), '--out', out],
    'design',
  );
  const path = join(out, 'spec.json');
  if (!existsSync(path)) {
    console.error(`bench-accuracy: the design wrote no spec.json (exit ${design.status})`);
    process.exit(1);
  }
  return { path, designSeconds: design.wall, cleanup: () => rmSync(parent, { recursive: true, force: true }) };
}

function peer(specPath, count) {
  const { stdout, wall } = run(python, [peerScript, '--spec', specPath, '--networks', String(count), '--threads', String(cores), '--seed', String(seed), '--point', '0', ...(peerSeparable ? ['--separable'] : [])], 'peer');
  const result = JSON.parse(stdout.trim().split('\n').pop());
  return { seconds: result.seconds, wall, value: result.value, stderr: result.stderr, ess: result.ess, networks: result.networks };
}

function nnftWithImages(specPath, count) {
  const { stdout, wall } = run(process.execPath, [imagesScript, specPath, '--ensemble', String(count), '--images', String(amplitudeImages), '--workers', String(cores), '--seed', String(seed), ...(scaleAverage ? ['--scale-average'] : [])], 'nnft estimate (amplitude images)');
  const result = JSON.parse(stdout.trim().split('\n').pop());
  return { seconds: result.seconds, wall, value: result.value, stderr: result.stderr, ess: result.essFraction * result.networks, networks: result.networks, estimators: `${result.estimator}, ${amplitudeImages} amplitude images${scaleAverage ? ', scale average' : ''}`, plainStderr: null };
}

function nnft(specPath, count, images = false) {
  if (images && amplitudeImages > 1) return nnftWithImages(specPath, count);
  const { stdout, wall } = run(process.execPath, [cli, 'estimate', specPath, '--json', '--ensemble', String(count), '--workers', String(cores), '--seed', String(seed)], 'nnft estimate');
  const result = JSON.parse(stdout);
  const origin = result.points.findIndex((point) => point.length === 1 && point[0] === 0);
  if (origin < 0) throw new Error(`${specPath}: the spec's points do not include x = 0`);
  const order4 = result.correlators.find((entry) => entry.order === 4);
  const tuple = order4.indices.findIndex((indices) => indices.every((index) => index === origin));
  const reduction = result.varianceReduction?.find((entry) => entry.order === 4);
  return {
    seconds: result.seconds,
    wall,
    value: order4.values[tuple],
    stderr: order4.stderr[tuple],
    ess: result.effectiveSampleSize,
    networks: result.ensembleSize,
    estimators: reduction?.estimator?.[tuple] ?? null,
    plainStderr: reduction?.plainStderr?.[tuple] ?? null,
  };
}

function compare(name, specPath, count, images = false) {
  const loadBefore = loadavg()[0];
  log(`${name}: peer, ${count} networks ...`);
  const p = peer(specPath, count);
  log(`${name}: nnft estimate, ${count} networks ...`);
  const n = nnft(specPath, count, images);
  const pull = (n.value - p.value) / Math.hypot(n.stderr, p.stderr);
  const ratio = (n.seconds * n.stderr ** 2) / (p.seconds * p.stderr ** 2);
  const scale = Math.abs(n.value);
  // Seconds to a standard error of 1% of |G_c4|: t err^2 / (0.01 |G_c4|)^2.
  const toOnePercent = (side) => (side.seconds * side.stderr ** 2) / (0.01 * scale) ** 2;
  return { name, spec: specPath, peer: { ...p, secondsToOnePercent: toOnePercent(p) }, nnft: { ...n, secondsToOnePercent: toOnePercent(n) }, pull, ratio, loadBefore, loadAfter: loadavg()[0] };
}

const started = Date.now();
const results = only === 'designed' ? [] : [compare('founding', foundingSpec, networks, true)];
const designed = only === 'founding' ? { designSeconds: null, cleanup: () => {} } : designedSpec();
if (only !== 'founding') results.push(compare('designed', designed.path, designNetworks));
designed.cleanup();

const fmt = (value, digits = 3) => (Number.isFinite(value) ? value.toPrecision(digits) : String(value));
const hms = (seconds) => (seconds < 120 ? `${seconds.toFixed(0)} s` : seconds < 7200 ? `${(seconds / 60).toFixed(1)} min` : `${(seconds / 3600).toFixed(1)} h`);
log('');
log(`G_c4(0,0,0,0), ${cores} cores (peer: torch ${cores} threads, float32, ${peerSeparable ? 'separable grid pass' : 'one cos per neuron and grid point'}; nnft: ${cores} workers)`);
log('| estimand | who | networks | seconds | s / 1k networks | value | stderr | ESS/M | to 1% of abs(G_c4) |');
log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of results) {
  for (const [who, side] of [['peer', r.peer], ['nnft', r.nnft]]) {
    log(`| ${r.name} | ${who}${who === 'nnft' && side.estimators ? ` (${[].concat(side.estimators).join(', ')})` : ''} | ${side.networks} | ${side.seconds.toFixed(1)} | ${fmt((1000 * side.seconds) / side.networks)} | ${fmt(side.value, 4)} | ${fmt(side.stderr)} | ${fmt(side.ess / side.networks)} | ${hms(side.secondsToOnePercent)} |`);
  }
}
log('');
for (const r of results) {
  log(`${r.name}: time-to-accuracy ratio (t err^2) nnft / peer = ${fmt(r.ratio)}; pull (nnft - peer) / combined error = ${r.pull.toFixed(2)}; load average ${r.loadBefore.toFixed(2)} before, ${r.loadAfter.toFixed(2)} after`);
}
const busy = results.some((r) => r.loadBefore > 0.5);
if (busy) log(`note: the load average was above 0.5 before a measurement: something else was running on these cores, and both timings share it`);
if (results.some((r) => Math.abs(r.pull) > 3)) log('WARNING: peer and nnft disagree beyond 3 standard errors: they are not estimating the same ensemble');
log(`total ${((Date.now() - started) / 1000).toFixed(0)} s${designed.designSeconds !== null ? ` (the design took ${designed.designSeconds.toFixed(0)} s)` : ''}`);
if (jsonOut) process.stdout.write(`${JSON.stringify({ cores, seed, peerSeparable, results }, null, 2)}\n`);
