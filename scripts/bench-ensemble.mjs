#!/usr/bin/env node
/**
 * The ensemble engine's reference kernel (docs/ensemble.md, "Benchmark"): M = 20000 cos-nets of width 64
 * in d = 2, 32 points, a phi^4 deformation integrated on a 16x16 grid. Prints seconds per 1,000 networks
 * for the forward (estimation) pass (draw, phi at the points, log-weights, float64 moment sums for G2 and
 * G4), the device GFLOP/s of its dominant operations, and the 1-vs-2-worker time ratio of the same pass
 * through estimateSpec.
 * Run after building: `npx tsc -p . && node scripts/bench-ensemble.mjs [--backend wasm] [--ensemble 20000]`.
 */
import { availableParallelism } from 'node:os';
import { initBackend } from '../dist/backend/index.js';
import { cosNet } from '../dist/architectures/cos-net.js';
import { compileDeformation } from '../dist/densities/deformations.js';
import { estimateEnsemble } from '../dist/ensemble/estimate-ensemble.js';
import { deriveSeed } from '../dist/random/seed-tree.js';
import { Rng } from '../dist/random/rng.js';
import { estimateSpec } from '../dist/spec/estimate-spec.js';

const argument = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
};
const backendRequest = argument('backend', 'wasm');
const ensembleSize = Number(argument('ensemble', 20000));
const skipWorkers = process.argv.includes('--no-workers');
const width = 64;
const dimension = 2;
const pointCount = 32;
const chunkSize = 2000;
const [mass, cutoff, side, coupling] = [1, 10, 4, 0.5];

const backend = await initBackend(backendRequest);
const rng = new Rng(deriveSeed(1, 'bench/points'));
const points = Array.from({ length: pointCount }, () => [3 * rng.uniform() - 1.5, 3 * rng.uniform() - 1.5]);
const net = cosNet({ dimension, width, mass, cutoff });
const resolution = { panels: 1, nodesPerPanel: 16 };
const deformation = compileDeformation(net, { regionSide: side, terms: [{ kind: 'local', power: 4, coupling }], resolution });
const gridPoints = resolution.nodesPerPanel ** 2;

// Forward: the estimation path.
const forward = await estimateEnsemble({ architecture: net, deformation, points, orders: [2, 4], ensembleSize, seed: 5, chunkSize, controlVariate: 'off' });
const forwardSeconds = forward.diagnostics.seconds;

// Device FLOPs of the dominant operations per network (multiply-add = 2).
const flopsForward = 2 * (2 * width) * 16 * 16 + 3 * width * pointCount + 6 * gridPoints;
const perThousand = (seconds) => (seconds / ensembleSize) * 1000;

let workerRatio = null;
if (!skipWorkers && availableParallelism() >= 2) {
  const spec = {
    nnftSpec: 1,
    name: 'bench-ensemble',
    dimension,
    architecture: { kind: 'cos-net', width, mass, momentumCutoff: cutoff, alpha: 0 },
    deformation: { region: { kind: 'box', side }, terms: [{ kind: 'local', power: 4, coupling }], grid: resolution },
    observables: { points, connected: [2, 4] },
    estimation: { chunkSize, symmetryImages: 'none' },
  };
  const one = await estimateSpec(spec, { ensembleSize, seed: 5, workers: 1, backend: backend.name });
  const two = await estimateSpec(spec, { ensembleSize, seed: 5, workers: 2, backend: backend.name });
  workerRatio = one.seconds / two.seconds;
}

const report = {
  backend: backend.name,
  device: backend.device,
  ensembleSize,
  width,
  dimension,
  points: pointCount,
  grid: '16x16',
  forwardSecondsPer1000: perThousand(forwardSeconds),
  forwardGflops: (flopsForward * ensembleSize) / forwardSeconds / 1e9,
  oneVsTwoWorkerRatio: workerRatio,
  targets: { forwardSecondsPer1000: 0.7 },
  tensorsLeaked: forward.diagnostics.tensorGrowth,
};
console.log(`backend ${report.backend} (${report.device})`);
console.log(`forward:  ${report.forwardSecondsPer1000.toFixed(3)} s per 1000 networks (target <= 0.7), ${report.forwardGflops.toFixed(2)} GFLOP/s`);
console.log(`workers:  1-vs-2 time ratio ${workerRatio === null ? 'skipped' : workerRatio.toFixed(2)}`);
console.log(JSON.stringify(report));
