#!/usr/bin/env node
/**
 * The ensemble engine's reference kernel (issue 4): M = 20000 cos-nets of width 64 in d = 2, 32 points,
 * a phi^4 deformation integrated on a 16x16 grid. Prints seconds per 1,000 networks for
 *   - forward: draw, phi at the points, log-weights, float64 moment sums for G2 and G4 (estimation path);
 *   - gradient: the two-pass exact gradient of a loss built from weighted G2 and G4 with respect to the
 *     deformation coupling and a momentum scale (pass 1 + pass 2);
 * the device GFLOP/s of the dominant operations, and the 1-vs-2-worker time ratio of the forward pass.
 * Run after building: `npx tsc -p . && node scripts/bench-ensemble.mjs [--backend wasm] [--ensemble 20000]`.
 */
import { availableParallelism } from 'node:os';
import { initBackend, tf } from '../dist/backend/index.js';
import { cosNet } from '../dist/architectures/cos-net.js';
import { differentiableGridValues, differentiablePointValues, disposeDifferentiableChunk, uploadDifferentiableChunk } from '../dist/architectures/cos-net-differentiable.js';
import { compileDeformation } from '../dist/densities/deformations.js';
import { estimateEnsemble } from '../dist/ensemble/estimate-ensemble.js';
import { lossAndGradient } from '../dist/ensemble/two-pass-gradient.js';
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

// Gradient: two passes over the same chunks with a differentiable forward (coupling, momentum scale).
const chunkCount = Math.ceil(ensembleSize / chunkSize);
const gridWeights = tf.tensor2d(Float32Array.from(deformation.grid.weights), [gridPoints, 1]);
let current = null;
const upload = (chunkIndex) => {
  if (current?.chunkIndex !== chunkIndex) {
    if (current) disposeDifferentiableChunk(current.chunk);
    const count = Math.min(chunkSize, ensembleSize - chunkIndex * chunkSize);
    current = { chunkIndex, chunk: uploadDifferentiableChunk(net.sample(deriveSeed(5, 'ensemble/parameters', chunkIndex), count), width, dimension, points, deformation.grid, 1) };
  }
  return current.chunk;
};
const model = {
  chunkCount,
  pointCount,
  forward: (chunkIndex, [g, scale]) => {
    const chunk = upload(chunkIndex);
    const phiGrid = differentiableGridValues(chunk, scale);
    const logWeights = tf.mul(tf.reshape(tf.matMul(tf.pow(phiGrid, 4), gridWeights), [-1]), tf.div(tf.neg(g), 24));
    return { phi: differentiablePointValues(chunk, scale), logWeights };
  },
};
const lossTerm = (_order, _index, value) => [value * value, 2 * value];
const gradient = await lossAndGradient(model, [coupling, 1], [2, 4], true, lossTerm);
if (current) disposeDifferentiableChunk(current.chunk);
gridWeights.dispose();

// Device FLOPs of the dominant operations per network (multiply-add = 2).
const flopsForward = 2 * (2 * width) * 16 * 16 + 3 * width * pointCount + 6 * gridPoints;
const pairs = (pointCount * (pointCount + 1)) / 2; // the distinct products phi_a phi_b
const flopsGradientPass = flopsForward + 2 * pairs * pairs + 4 * pointCount * pairs + 2 * pointCount * pointCount;
const flopsGradient = flopsForward + 3 * flopsGradientPass; // pass 1 + pass 2 (forward + ~2x backward)
const perThousand = (seconds) => (seconds / ensembleSize) * 1000;
const gradientSeconds = gradient.passOneSeconds + gradient.passTwoSeconds;

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
  gradientSecondsPer1000: perThousand(gradientSeconds),
  gradientPassTwoSecondsPer1000: perThousand(gradient.passTwoSeconds),
  forwardGflops: (flopsForward * ensembleSize) / forwardSeconds / 1e9,
  gradientGflops: (flopsGradient * ensembleSize) / gradientSeconds / 1e9,
  oneVsTwoWorkerRatio: workerRatio,
  targets: { forwardSecondsPer1000: 0.7, gradientSecondsPer1000: 2.0 },
  tensorsLeaked: forward.diagnostics.tensorGrowth,
};
console.log(`backend ${report.backend} (${report.device})`);
console.log(`forward:  ${report.forwardSecondsPer1000.toFixed(3)} s per 1000 networks (target <= 0.7), ${report.forwardGflops.toFixed(2)} GFLOP/s`);
console.log(`gradient: ${report.gradientSecondsPer1000.toFixed(3)} s per 1000 networks (target <= 2.0), ${report.gradientGflops.toFixed(2)} GFLOP/s`);
console.log(`workers:  1-vs-2 time ratio ${workerRatio === null ? 'skipped' : workerRatio.toFixed(2)}`);
console.log(JSON.stringify(report));
