import { describe, expect, it } from 'vitest';
import { indexTuples } from '../../src/io/result.js';
import { Rng } from '../../src/random/index.js';
import { amputateGrid } from '../../src/reconstruct/amputate.js';
import { amputateBatches } from '../../src/reconstruct/amputate-batches.js';
import { clusterCurveFromCorrelators, fitClusterCurve } from '../../src/reconstruct/cluster-curve.js';
import { checkGridForWidth } from '../../src/reconstruct/guard-rails.js';
import { forEachEntry, type GridTensor } from '../../src/reconstruct/grid-tensor.js';
import { localQuarticTree1d } from '../../src/reconstruct/tree-level-1d.js';
import { localityVerdict } from '../../src/reconstruct/verdict.js';
import { momentumPolynomialResidual, vertexSpread } from '../../src/reconstruct/vertex-locality.js';
import { propagator1d, treeLevelFourPoint, twoPointMatrix, uniformGrid1d } from './grid-fixtures.js';

const mass = 1;
const G = (x: number) => propagator1d(mass, x);

/** docs/ensemble.md, "Architectures": alpha = 0, Gaussian amplitudes, width N, d = 1 (exact at every N). */
function cosNetFourPoint(x: number[], width: number): number {
  const [x1, x2, x3, x4] = x;
  const shifts = [x1 + x2 - x3 - x4, x1 - x2 + x3 - x4, x1 - x2 - x3 + x4];
  const pairs = G(x1 - x2) * G(x3 - x4) + G(x1 - x3) * G(x2 - x4) + G(x1 - x4) * G(x2 - x3);
  return (1.5 * G(0) * shifts.reduce((sum, s) => sum + G(s), 0) - pairs) / width;
}

/** Shared random scale a_i = s a~_i: G_c4 = (E[s^4]/E[s^2]^2 - 1) sum_3 G G (docs/ensemble.md, "Architectures", the shared scale). */
function sharedScaleFourPoint(x: number[], excessKurtosis: number): number {
  const [x1, x2, x3, x4] = x;
  return excessKurtosis * (G(x1 - x2) * G(x3 - x4) + G(x1 - x3) * G(x2 - x4) + G(x1 - x4) * G(x2 - x3));
}

/** Result-contract blocks for a d = 1 point set, exact values with 2% + floor Gaussian noise (fixed seed). */
function blocks(points: number[][], fourPoint: (x: number[]) => number, stream: string, relative = 0.02) {
  const rng = Rng.fromTree(11, `test/reconstruct/locality/${stream}`);
  const x = points.map((p) => p[0]);
  const tuples2 = indexTuples(points.length, 2);
  const tuples4 = indexTuples(points.length, 4);
  const exact4 = tuples4.map((t) => fourPoint(t.map((i) => x[i])));
  const stderr4 = exact4.map((value) => relative * Math.abs(value) + 1e-5);
  return {
    twoPoint: { order: 2, indices: tuples2, values: tuples2.map(([a, b]) => G(x[a] - x[b])), stderr: tuples2.map(() => 0) },
    fourPoint: { order: 4, indices: tuples4, values: exact4.map((value, i) => value + stderr4[i] * rng.normal()), stderr: stderr4 },
  };
}

function exactGridTensor(points: number[][], fourPoint: (x: number[]) => number): GridTensor {
  const size = points.length;
  const data = new Float64Array(size ** 4);
  forEachEntry(size, 4, (offset, indices) => (data[offset] = fourPoint(indices.map((i) => points[i][0]))));
  return { size, order: 4, data };
}

describe('cluster curves', () => {
  it('fixture check: the cos-net closed form gives the closed-form oracle 0.0827 at (0, 0.5, 1.0, 1.7), N = 4', () => {
    expect(cosNetFourPoint([0, 0.5, 1.0, 1.7], 4)).toBeCloseTo(0.0827, 4);
  });

  it('finite-width cos-net (N = 4): plateau B = 2/N (G_c4 -> 2 G(0)^2/N), violates clustering', () => {
    const width = 4;
    const points = uniformGrid1d(8, 0.5);
    const { twoPoint, fourPoint } = blocks(points, (x) => cosNetFourPoint(x, width), 'cosnet');
    const curve = clusterCurveFromCorrelators(points, twoPoint, fourPoint);
    expect(curve.propagatorAtZero).toBeCloseTo(0.5, 14);
    const fit = fitClusterCurve(curve);
    expect(Math.abs(fit.plateau.value - 2 / width) / fit.plateau.stderr).toBeLessThan(3);
    expect(Math.abs(fit.plateauOfCorrelator.value - (2 * G(0) ** 2) / width) / fit.plateauOfCorrelator.stderr).toBeLessThan(3);
    expect(fit.violatesClustering).toBe(true);
    // C(R) = (1/N)(2 - e^{-2 m R}/2) exactly: the decay rate is 2m
    expect(Math.abs(fit.decayRate.value - 2 * mass) / fit.decayRate.stderr).toBeLessThan(4);
  });

  it('shared-scale ensemble: plateau = excess kurtosis of the scale, violates clustering', () => {
    const points = uniformGrid1d(8, 0.5);
    const { twoPoint, fourPoint } = blocks(points, (x) => sharedScaleFourPoint(x, 0.3), 'shared');
    const fit = fitClusterCurve(clusterCurveFromCorrelators(points, twoPoint, fourPoint));
    expect(Math.abs(fit.plateau.value - 0.3) / fit.plateau.stderr).toBeLessThan(3);
    expect(fit.violatesClustering).toBe(true);
  });

  it('tree-level local phi^4: plateau consistent with 0, clusters', () => {
    const points = uniformGrid1d(8, 1);
    const { twoPoint, fourPoint } = blocks(points, (x) => 0.5 * localQuarticTree1d(x, mass), 'local');
    const fit = fitClusterCurve(clusterCurveFromCorrelators(points, twoPoint, fourPoint));
    expect(fit.significance).toBeLessThan(3);
    expect(fit.violatesClustering).toBe(false);
  });

  it('says undetermined when the separations are too short to see a plateau', () => {
    const points = uniformGrid1d(5, 0.05);
    const { twoPoint, fourPoint } = blocks(points, (x) => cosNetFourPoint(x, 4), 'short');
    const fit = fitClusterCurve(clusterCurveFromCorrelators(points, twoPoint, fourPoint));
    expect(fit.violatesClustering).toBe('undetermined');
  });
});

describe('locality of the amputated vertex and the verdict', () => {
  const spacing = 0.5;
  const points = uniformGrid1d(6, spacing);
  const twoPoint = twoPointMatrix(points, G);

  it('tree-level local phi^4: zero spread and residual, verdict local and clustering', () => {
    const amputation = amputateGrid({ twoPoint, fourPoint: treeLevelFourPoint(twoPoint, points.length, 0.5, spacing) }, { cellVolume: spacing });
    const spread = vertexSpread(amputation.quartic);
    const polynomial = momentumPolynomialResidual(amputation.quartic, points, 1);
    expect(spread.value).toBeLessThan(1e-20);
    expect(polynomial.value).toBeLessThan(1e-20);
    expect(polynomial.stencils.find((s) => s.shape === '0|0|0|0')!.value).toBeCloseTo(0.5 * spacing, 10);
    const clusterPoints = uniformGrid1d(8, 1);
    const data = blocks(clusterPoints, (x) => 0.5 * localQuarticTree1d(x, mass), 'verdict-local');
    const cluster = fitClusterCurve(clusterCurveFromCorrelators(clusterPoints, data.twoPoint, data.fourPoint));
    const verdict = localityVerdict({ cluster, spread, polynomial, termsFitted: ['lambda'] });
    expect(verdict.local).toBe(true);
    expect(verdict.clusters).toBe(true);
    expect(verdict.summary).toBe('local; clusters');
    expect(verdict.termsFitted).toEqual(['lambda']);
    expect(verdict.ordersDropped.length).toBeGreaterThan(0);
  });

  it('continuum tree-level phi^4 sampled on a grid: the cell-smeared vertex is an exact nearest-neighbour stencil', () => {
    // between grid points the d = 1 propagator is Markov, so the continuum vertex lands on the corners
    // of each cell; boundary points absorb the interaction outside the window and are left out
    const size = points.length;
    const data = new Float64Array(size ** 4);
    forEachEntry(size, 4, (offset, indices) => (data[offset] = 0.5 * localQuarticTree1d(indices.map((i) => points[i][0]), mass)));
    const amputation = amputateGrid({ twoPoint, fourPoint: { size, order: 4, data } }, { cellVolume: spacing });
    expect(vertexSpread(amputation.quartic).value).toBeGreaterThan(0.01);
    const polynomial = momentumPolynomialResidual(amputation.quartic, points, 1);
    expect(polynomial.value).toBeLessThan(1e-20);
    expect(polynomial.interiorPoints).toBe(size - 2);
    expect(localityVerdict({ polynomial }).local).toBe(true);
  });

  it('finite-width cos-net (N = 4, 6 <= 2N points): non-local vertex, verdict non-local and cluster-violating', () => {
    checkGridForWidth(points.length, 4);
    const amputation = amputateGrid({ twoPoint, fourPoint: exactGridTensor(points, (x) => cosNetFourPoint(x, 4)) }, { cellVolume: spacing });
    const spread = vertexSpread(amputation.quartic);
    const polynomial = momentumPolynomialResidual(amputation.quartic, points, 1);
    expect(spread.value).toBeGreaterThan(0.1);
    expect(polynomial.value).toBeGreaterThan(0.1);
    const data = blocks(uniformGrid1d(8, 0.5), (x) => cosNetFourPoint(x, 4), 'verdict-cosnet');
    const cluster = fitClusterCurve(clusterCurveFromCorrelators(uniformGrid1d(8, 0.5), data.twoPoint, data.fourPoint));
    const verdict = localityVerdict({ cluster, spread, polynomial });
    expect(verdict.local).toBe(false);
    expect(verdict.clusters).toBe(false);
    expect(verdict.summary).toBe('non-local; violates cluster decomposition');
    expect(verdict.numbers.plateau!.significance).toBeGreaterThan(3);
  });

  it('noisy local data: jackknife-resolved residual stays local; drowned vertex gives undetermined', () => {
    const size = points.length;
    const exact = treeLevelFourPoint(twoPoint, size, 0.5, spacing);
    const rng = Rng.fromTree(5, 'test/reconstruct/locality/noisy');
    const batches = (noise: number) =>
      Array.from({ length: 16 }, () => {
        const perTuple = new Map<string, number>();
        const data = new Float64Array(exact.data.length);
        forEachEntry(size, 4, (offset, indices) => {
          const key = [...indices].sort().join(',');
          if (!perTuple.has(key)) perTuple.set(key, noise * rng.normal());
          data[offset] = exact.data[offset] + perTuple.get(key)!;
        });
        return { twoPoint, fourPoint: { size, order: 4, data } };
      });
    const quiet = amputateBatches(batches(1e-8), { cellVolume: spacing });
    const errors = { stderr: quiet.quarticStderr, leaveOneOut: quiet.quarticLeaveOneOut };
    const polynomial = momentumPolynomialResidual(quiet.quartic, points, 1, errors);
    const verdict = localityVerdict({ polynomial, spread: vertexSpread(quiet.quartic, errors), amputationNoise: quiet.noise });
    expect(verdict.local).toBe(true);
    expect(verdict.clusters).toBe('undetermined');

    const loud = amputateBatches(batches(1e-3), { cellVolume: spacing });
    const loudErrors = { stderr: loud.quarticStderr, leaveOneOut: loud.quarticLeaveOneOut };
    const loudVerdict = localityVerdict({
      polynomial: momentumPolynomialResidual(loud.quartic, points, 1, loudErrors),
      amputationNoise: loud.noise,
    });
    expect(loudVerdict.local).toBe('undetermined');
    expect(loudVerdict.reasons.join(' ')).toMatch(/meaningless/);
  });
});

describe('guard rails', () => {
  it('refuses grids with more than 2N points for width-N networks', () => {
    expect(() => checkGridForWidth(9, 4)).toThrow(/9 points is too fine for width-4 networks/);
    expect(() => checkGridForWidth(8, 4)).not.toThrow();
  });
});
