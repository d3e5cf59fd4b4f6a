/**
 * nnft export: networks written as JSON weights and as tfjs LayersModels, loaded back (the tfjs ones
 * in a fresh node process with stock @tensorflow/tfjs and the shipped NnftCos layer), evaluated at
 * the spec's points, and their empirical G2 checked against the spec: the exact free propagator for
 * the undeformed spec, the importance-weighted estimate for the deformed one.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { freePropagator } from '../../src/correlators/free-propagator.js';
import { erf } from '../../src/numeric/special-functions.js';
import { loadSpec, parseSpec } from '../../src/spec/load-spec.js';
import { architectureFromSpec, deformationFromSpec } from '../../src/spec/build-ensemble.js';
import { estimateSpec } from '../../src/spec/estimate-spec.js';
import { exportSpec } from '../../src/export/export-spec.js';
import { drawNetworks, systematicResample } from '../../src/export/draw-networks.js';
import type { ParameterChunk } from '../../src/architectures/architecture.js';
import { captureCli } from '../helpers/cli-capture.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const freeSpecPath = join(root, 'examples/specs/cos-net-free-1d.json');
const phi4SpecPath = join(root, 'examples/specs/cos-net-phi4-1d.json');

const capture = () => captureCli(root);

/** Mean and standard error of phi(x_a) phi(x_b) over networks (rows of values). */
function g2(values: readonly (readonly number[])[], a: number, b: number): { mean: number; stderr: number; variance: number } {
  const n = values.length;
  let mean = 0;
  for (const row of values) mean += row[a]! * row[b]!;
  mean /= n;
  let variance = 0;
  for (const row of values) variance += (row[a]! * row[b]! - mean) ** 2;
  variance /= n - 1;
  return { mean, stderr: Math.sqrt(variance / n), variance };
}

/** phi_k(x) from a JSON network file by its documented formula. */
function evaluateJson(network: { weights: { momenta: number[][]; phases: number[]; coefficients: number[] } }, points: readonly (readonly number[])[]): number[] {
  const { momenta, phases, coefficients } = network.weights;
  return points.map((x) => coefficients.reduce((sum, b, i) => sum + b * Math.cos(momenta[i]!.reduce((dot, p, axis) => dot + p * x[axis]!, 0) + phases[i]!), 0));
}

function rows(chunk: ParameterChunk, flat: Float64Array, pointCount: number): number[][] {
  return Array.from({ length: chunk.count }, (_, k) => Array.from(flat.subarray(k * pointCount, (k + 1) * pointCount)));
}

function layerModule(dir: string): string {
  const source = readFileSync(join(root, 'src/export/nnft-layers.ts'), 'utf8');
  const output = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  const file = join(dir, 'nnft-layers.mjs');
  writeFileSync(file, output);
  return file;
}

describe('nnft export, undeformed cos-net', () => {
  it('JSON networks (K = 2000) reproduce the exact free propagator within 5 standard errors', async () => {
    const out = mkdtempSync(join(tmpdir(), 'nnft-export-json-'));
    const context = capture();
    const code = await runCli(['export', freeSpecPath, '--count', '2000', '--format', 'json', '--out', out, '--seed', '7'], context);
    expect(code, context.err).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.count).toBe(2000);
    expect(manifest.files).toHaveLength(2000);
    const spec = await loadSpec(freeSpecPath);
    const points = spec.observables.points;
    const values = manifest.files.map((file: string) => {
      const network = JSON.parse(readFileSync(join(out, file), 'utf8'));
      expect(network.metadata).toMatchObject({ specSha256: manifest.specSha256, seed: 7, dimension: 1, width: 4 });
      expect(network.weights.momenta).toHaveLength(4);
      return evaluateJson(network, points);
    });
    expect(JSON.parse(readFileSync(join(out, manifest.files[17]), 'utf8')).metadata.index).toBe(17);
    const m = (spec.architecture as { mass: number }).mass;
    for (let a = 0; a < points.length; a++) {
      for (let b = a; b < points.length; b++) {
        const exact = freePropagator(1, m, null, Math.abs(points[a]![0]! - points[b]![0]!));
        const { mean, stderr } = g2(values, a, b);
        expect(Math.abs(mean - exact), `G2(x${a},x${b}) = ${mean} ± ${stderr}, exact ${exact}`).toBeLessThan(5 * stderr);
      }
    }
  });

  it('tfjs LayersModels (K = 200) load with stock tfjs in a fresh process, match the float64 formula and the free propagator', async () => {
    const work = mkdtempSync(join(tmpdir(), 'nnft-export-tfjs-'));
    const out = join(work, 'models');
    const context = capture();
    const code = await runCli(['export', freeSpecPath, '--count', '200', '--format', 'tfjs', '--out', out, '--seed', '11'], context);
    expect(code, context.err).toBe(0);
    const spec = await loadSpec(freeSpecPath);
    const points = spec.observables.points;
    const child = spawnSync(process.execPath, [join(root, 'test/export/fixtures/evaluate-tfjs-models.mjs'), layerModule(work), out, JSON.stringify(points)], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    expect(child.status, child.stderr).toBe(0);
    const { values, metadata } = JSON.parse(child.stdout) as { values: number[][]; metadata: { index: number; seed: number; specSha256: string }[] };
    expect(values).toHaveLength(200);
    expect(metadata[5]).toMatchObject({ index: 5, seed: 11 });
    // Same networks through the float64 formula (JSON export with the same seed): float32 agreement.
    const jsonOut = join(work, 'json');
    expect(await runCli(['export', freeSpecPath, '--count', '200', '--format', 'json', '--out', jsonOut, '--seed', '11'], capture())).toBe(0);
    for (let k = 0; k < 200; k++) {
      const reference = evaluateJson(JSON.parse(readFileSync(join(jsonOut, `network-${String(k).padStart(5, '0')}.json`), 'utf8')), points);
      reference.forEach((value, p) => expect(Math.abs(values[k]![p]! - value)).toBeLessThan(2e-3 * (1 + Math.abs(value))));
    }
    // G2 of 200 models against the exact propagator: the stderr of a mean of 200 products is ~0.05,
    // so this is a 5-sigma check at that (honest, wide) resolution.
    const m = (spec.architecture as { mass: number }).mass;
    for (let a = 0; a < points.length; a++) {
      for (let b = a; b < points.length; b++) {
        const exact = freePropagator(1, m, null, Math.abs(points[a]![0]! - points[b]![0]!));
        const { mean, stderr } = g2(values, a, b);
        expect(Math.abs(mean - exact), `G2(x${a},x${b}) = ${mean} ± ${stderr}, exact ${exact}`).toBeLessThan(5 * stderr);
      }
    }
  });

  it('bad input exits 2 without a stack trace', async () => {
    const cases = [
      ['export', join(root, 'no-such-spec.json'), '--count', '3', '--format', 'json', '--out', tmpdir()],
      ['export', freeSpecPath, '--count', '0', '--format', 'json', '--out', tmpdir()],
      ['export', freeSpecPath, '--count', '3', '--format', 'pytorch', '--out', tmpdir()],
      ['export', freeSpecPath, '--count', '3', '--format', 'json'],
      ['export', phi4SpecPath, '--count', '30', '--pool', '10', '--format', 'json', '--out', tmpdir()],
      ['export', phi4SpecPath, '--count', '3', '--sampler', 'mcmc', '--sweeps', '0', '--format', 'json', '--out', tmpdir()],
      ['export', phi4SpecPath, '--count', '3', '--sampler', 'gibbs', '--format', 'json', '--out', tmpdir()],
    ];
    for (const argv of cases) {
      const context = capture();
      expect(await runCli(argv, context), argv.join(' ')).toBe(2);
      expect(context.err).not.toMatch(/\n\s+at /);
    }
  });
});

/** phi_k(x) of a one-hidden-layer JSON network by its documented formula, in float64. */
function evaluateHiddenJson(
  network: { kind: string; weights: { weights: number[][]; biases: number[]; outputs: number[]; shift?: number; curvature?: number } },
  points: readonly (readonly number[])[],
): number[] {
  const { weights, biases, outputs, shift, curvature } = network.weights;
  const activation = network.kind === 'relu-net' ? (z: number) => Math.max(0, z) : network.kind === 'erf-net' ? erf : Math.exp;
  return points.map((x) => {
    const envelope = network.kind === 'gauss-net' ? -shift! - curvature! * x.reduce((sum, value) => sum + value * value, 0) : 0;
    return outputs.reduce((sum, v, i) => sum + v * activation(weights[i]!.reduce((dot, w, axis) => dot + w * x[axis]!, biases[i]!) + envelope), 0);
  });
}

describe('nnft export, one-hidden-layer nets (Gauss, Erf, ReLU)', () => {
  const specs = [
    { path: join(root, 'examples/specs/gauss-net-2d.json') },
    {
      spec: {
        nnftSpec: 1,
        name: 'erf-net-1d',
        dimension: 1,
        architecture: { kind: 'erf-net', width: 16, weightStd: 1.5, biasStd: 0.5, outputStd: 1 },
        observables: { points: [[-1], [0], [0.7]], connected: [2] },
      },
    },
    {
      spec: {
        nnftSpec: 1,
        name: 'relu-net-2d',
        dimension: 2,
        architecture: { kind: 'relu-net', width: 16, weightStd: 1.2, biasStd: 0.8, outputStd: 1.1 },
        observables: { points: [[0, 0], [1, -0.5], [0.3, 0.9]], connected: [2] },
      },
    },
  ];

  it('tfjs models (K = 300 per family) load with stock tfjs in a fresh process, match the float64 JSON formula and the exact G2 kernel', async () => {
    const work = mkdtempSync(join(tmpdir(), 'nnft-export-hidden-'));
    for (const [n, entry] of specs.entries()) {
      const specPath = entry.path ?? join(work, `spec-${n}.json`);
      if (!entry.path) writeFileSync(specPath, JSON.stringify(entry.spec));
      const spec = await loadSpec(specPath);
      const kind = spec.architecture.kind;
      const points = spec.observables.points;
      const K = 300;
      const out = join(work, `${kind}-tfjs`);
      const context = capture();
      expect(await runCli(['export', specPath, '--count', String(K), '--format', 'tfjs', '--out', out, '--seed', '21'], context), context.err).toBe(0);
      const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
      expect(manifest).toMatchObject({ kind, count: K, customLayers: kind === 'relu-net' ? [] : [kind === 'erf-net' ? 'NnftErf' : 'NnftExp'] });
      const child = spawnSync(process.execPath, [join(root, 'test/export/fixtures/evaluate-tfjs-models.mjs'), layerModule(work), out, JSON.stringify(points)], {
        cwd: root,
        encoding: 'utf8',
        maxBuffer: 64 << 20,
      });
      expect(child.status, child.stderr).toBe(0);
      const { values, metadata } = JSON.parse(child.stdout) as { values: number[][]; metadata: { index: number; seed: number; kind: string }[] };
      expect(values).toHaveLength(K);
      expect(metadata[7]).toMatchObject({ index: 7, seed: 21, kind });

      // The same networks as float64 JSON (same seed): the tfjs models agree to float32 precision.
      const jsonOut = join(work, `${kind}-json`);
      expect(await runCli(['export', specPath, '--count', String(K), '--format', 'json', '--out', jsonOut, '--seed', '21'], capture())).toBe(0);
      for (let k = 0; k < K; k++) {
        const network = JSON.parse(readFileSync(join(jsonOut, `network-${String(k).padStart(5, '0')}.json`), 'utf8'));
        expect(network.kind).toBe(kind);
        const reference = evaluateHiddenJson(network, points);
        reference.forEach((value, p) => expect(Math.abs(values[k]![p]! - value), `${kind} network ${k} at x${p}`).toBeLessThan(1e-4 * (1 + Math.abs(value))));
      }

      // Empirical G2 of the K loaded models against the family's exact kernel, 5 standard errors.
      const architecture = architectureFromSpec(spec);
      for (let a = 0; a < points.length; a++) {
        for (let b = a; b < points.length; b++) {
          const exact = architecture.exactMoment!([points[a]!, points[b]!])!;
          const { mean, stderr } = g2(values, a, b);
          expect(Math.abs(mean - exact), `${kind} G2(x${a},x${b}) = ${mean} ± ${stderr}, exact ${exact}`).toBeLessThan(5 * stderr);
        }
      }
    }
  });

  it('JSON networks (K = 3000, Gauss-net) reproduce the exact G2 kernel within 5 standard errors', async () => {
    const out = mkdtempSync(join(tmpdir(), 'nnft-export-gauss-json-'));
    const specPath = specs[0]!.path!;
    const manifest = await exportSpec(await loadSpec(specPath), { count: 3000, format: 'json', out, seed: 4 });
    expect(manifest.formula).toMatch(/exp\(/);
    const spec = await loadSpec(specPath);
    const points = spec.observables.points;
    const architecture = architectureFromSpec(spec);
    const values = manifest.files.map((file) => evaluateHiddenJson(JSON.parse(readFileSync(join(out, file), 'utf8')), points));
    for (let a = 0; a < points.length; a++) {
      for (let b = a; b < points.length; b++) {
        const exact = architecture.exactMoment!([points[a]!, points[b]!])!;
        const { mean, stderr } = g2(values, a, b);
        expect(Math.abs(mean - exact), `G2(x${a},x${b}) = ${mean} ± ${stderr}, exact ${exact}`).toBeLessThan(5 * stderr);
      }
    }
  });
});

describe('nnft export, deformed cos-net (phi^4, d = 1)', () => {
  it('systematic resampling picks each network about K W_j times', () => {
    const logWeights = Float64Array.from([0, Math.log(3), -Infinity, 0]);
    const picks = systematicResample(logWeights, 5, 0.5);
    const counts = [0, 0, 0, 0];
    for (const pick of picks) counts[pick]!++;
    expect(counts[2]).toBe(0);
    expect(counts[1]).toBeGreaterThanOrEqual(3);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(5);
  });

  it('resampled networks reproduce the importance-weighted G2 of the spec', async () => {
    const spec = await loadSpec(phi4SpecPath);
    const points = spec.observables.points;
    const reference = await estimateSpec(spec, { ensembleSize: 10000, seed: 2 });
    const g2Reference = reference.correlators.find((block) => block.order === 2)!;

    // (1) Exported files: K = 1000 from a pool of 6000, against the spec's estimate. Error of a
    // resampled mean: Var(f) (1/K + 1/ESS), plus the reference's own error.
    const out = mkdtempSync(join(tmpdir(), 'nnft-export-phi4-'));
    const manifest = await exportSpec(spec, { count: 1000, format: 'json', out, pool: 6000, seed: 5 });
    expect(manifest.method).toMatch(/resampling/);
    expect(manifest.pool!.effectiveSampleSize).toBeGreaterThan(1000);
    const values = manifest.files.map((file) => evaluateJson(JSON.parse(readFileSync(join(out, file), 'utf8')), points));
    g2Reference.indices.forEach(([a, b], index) => {
      const { mean, variance } = g2(values, a!, b!);
      const sigma = Math.sqrt(variance * (1 / 1000 + 1 / manifest.pool!.effectiveSampleSize) + g2Reference.stderr[index]! ** 2);
      expect(Math.abs(mean - g2Reference.values[index]!), `G2(x${a},x${b}) = ${mean}, spec ${g2Reference.values[index]} (sigma ${sigma})`).toBeLessThan(5 * sigma);
    });
  });

  it('with a coupling strong enough to move G2, resampled and MCMC networks follow the deformed G2, not the free one', async () => {
    // The example's Wick-ordered lambda = 0.5 moves G2 by only ~4e-4 at Lambda = 30 (below what 10^3
    // resampled networks resolve), so this variant drops the Wick ordering and takes lambda = 2:
    // G2(0, 0) goes from 0.489 (free, Lambda = 30) to about 0.40.
    const { $schema: _schema, ...example } = await loadSpec(phi4SpecPath);
    const spec = parseSpec({
      ...example,
      deformation: { ...example.deformation!, terms: [{ kind: 'local', power: 4, coupling: 2, wickOrdered: false }] },
    });
    const points = spec.observables.points;
    const reference = await estimateSpec(spec, { ensembleSize: 10000, seed: 3 });
    const g2Reference = reference.correlators.find((block) => block.order === 2)!;
    const architecture = architectureFromSpec(spec);
    const deformation = deformationFromSpec(spec, architecture)!;
    const cutoff = (spec.architecture as { momentumCutoff: number }).momentumCutoff;
    const K = 4000;
    const drawn = await drawNetworks({ architecture, deformation, count: K, pool: 8000, seed: 9 });
    const ess = drawn.pool!.effectiveSampleSize;
    expect(ess).toBeGreaterThan(1000);
    const values = rows(drawn.networks, architecture.referenceAtPoints(drawn.networks, points), points.length);
    g2Reference.indices.forEach(([a, b], index) => {
      const { mean, variance } = g2(values, a!, b!);
      const sigma = Math.sqrt(variance * (1 / K + 1 / ess) + g2Reference.stderr[index]! ** 2);
      const free = freePropagator(1, 1, cutoff, Math.abs(points[a!]![0]! - points[b!]![0]!));
      expect(Math.abs(mean - g2Reference.values[index]!), `G2(x${a},x${b}) = ${mean}, spec ${g2Reference.values[index]} (sigma ${sigma})`).toBeLessThan(5 * sigma);
      expect(Math.abs(mean - free), `G2(x${a},x${b}) = ${mean} should differ from the free ${free} (sigma ${sigma})`).toBeGreaterThan(4 * sigma);
    });

    // The MCMC sampler: 1500 independent chains, 12 sweeps (the proposal grows to whole-network
    // redraws, accepted ~80% of the time here, so every chain is replaced many times over).
    const chains = 1500;
    const mcmc = await drawNetworks({ architecture, deformation, count: chains, sampler: 'mcmc', sweeps: 12, seed: 13 });
    expect(mcmc.method).toBe('mcmc');
    expect(mcmc.mcmc!.refreshedFraction).toBe(1);
    const mcmcValues = rows(mcmc.networks, architecture.referenceAtPoints(mcmc.networks, points), points.length);
    g2Reference.indices.forEach(([a, b], index) => {
      const { mean, stderr } = g2(mcmcValues, a!, b!);
      const sigma = Math.sqrt(stderr ** 2 + g2Reference.stderr[index]! ** 2);
      const free = freePropagator(1, 1, cutoff, Math.abs(points[a!]![0]! - points[b!]![0]!));
      expect(Math.abs(mean - g2Reference.values[index]!), `MCMC G2(x${a},x${b}) = ${mean}, spec ${g2Reference.values[index]} (sigma ${sigma})`).toBeLessThan(5 * sigma);
      expect(Math.abs(mean - free), `MCMC G2(x${a},x${b}) = ${mean} should differ from the free ${free} (sigma ${sigma})`).toBeGreaterThan(3 * sigma);
    });
  });
});

describe('nnft export, tfjs weight layout in d = 2', () => {
  it('a d = 2 cos-net model loaded through tf.io.fromMemory equals the float64 forward pass', async () => {
    const { tf } = await import('../../src/backend/index.js');
    const { registerNnftCos } = await import('../../src/export/nnft-cos-layer.js');
    const spec = parseSpec({
      nnftSpec: 1,
      name: 'cos-net-free-2d',
      dimension: 2,
      architecture: { kind: 'cos-net', width: 5, mass: 1, momentumCutoff: 10, alpha: 0 },
      observables: { points: [[0, 0], [0.5, -0.25], [1.2, 0.7]], connected: [2] },
    });
    const out = mkdtempSync(join(tmpdir(), 'nnft-export-2d-'));
    const manifest = await exportSpec(spec, { count: 6, format: 'tfjs', out, seed: 3 });
    const jsonOut = mkdtempSync(join(tmpdir(), 'nnft-export-2d-json-'));
    await exportSpec(spec, { count: 6, format: 'json', out: jsonOut, seed: 3 });
    registerNnftCos(tf as never);
    const points = spec.observables.points;
    for (const [k, file] of manifest.files.entries()) {
      const modelJson = JSON.parse(readFileSync(join(out, file), 'utf8'));
      const weightData = new Uint8Array(readFileSync(join(out, file, '..', 'weights.bin'))).buffer;
      const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest[0].weights, weightData }));
      const output = model.predict(tf.tensor2d(points.map((p) => [...p]), [points.length, 2])) as import('@tensorflow/tfjs').Tensor;
      const values = Array.from(await output.data());
      const reference = evaluateJson(JSON.parse(readFileSync(join(jsonOut, `network-${String(k).padStart(5, '0')}.json`), 'utf8')), points);
      values.forEach((value, p) => expect(Math.abs(value - reference[p]!)).toBeLessThan(1e-4 * (1 + Math.abs(reference[p]!))));
      model.dispose();
    }
  });
});
