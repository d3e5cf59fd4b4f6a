/**
 * The zero-momentum time-slice correlator C(t) (docs/conventions.md, "Time-slice correlator"): measured by the lattice HMC on
 * whole periodic slices and summed from a result's G_c2 at its points, each against an independent
 * closed form (the free nearest-neighbour lattice cosh form, the free lattice propagator's mode sum,
 * the continuum slice integral), and the covariance from replicates against the scatter over seeds.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { computeLattice, latticeFreePropagator, latticeSetup } from '../../src/correlators/lattice.js';
import { computeFree } from '../../src/correlators/free-method.js';
import { freePropagator } from '../../src/correlators/free-propagator.js';
import { modeMomentum } from '../../src/correlators/lattice-setup.js';
import { continuumFreeTimeSlice, latticeFreeTimeSlice, timeSliceFromResult } from '../../src/observables/time-slice.js';
import { RESULT_VERSION, type CorrelatorResult } from '../../src/io/result.js';
import { integrateGaussLegendre } from '../../src/numeric/gauss-legendre.js';
import { initBackend } from '../../src/backend/index.js';
import { cosNet } from '../../src/architectures/cos-net.js';
import { estimateEnsemble } from '../../src/ensemble/estimate-ensemble.js';
import { makeTheory, phi4 } from '../correlators/theory-fixtures.js';
import { computeSpectral } from '../../src/correlators/spectral.js';
import { choleskyFactor } from '../../src/numeric/cholesky.js';
import { chiSquaredSurvival } from '../../src/numeric/distributions.js';

/** r^T C^-1 r of the residual against a closed form, with the slice's own covariance. */
function correlatedChiSquared(covariance: number[][], residual: number[]): number {
  const solved = choleskyFactor(covariance).solve(residual);
  return residual.reduce((sum, value, i) => sum + value * solved[i]!, 0);
}

function asResult(points: number[][], correlators: CorrelatorResult['correlators'], extra: Record<string, unknown> = {}): CorrelatorResult {
  return { nnftResult: RESULT_VERSION, kind: 'target-correlators', points, correlators, ...extra };
}

describe('C(t) closed forms', () => {
  it('the nearest-neighbour cosh form is the free lattice propagator (mode sum), and tends to e^{-m t}/(2m)', () => {
    const theory = makeTheory({ points: [[0]] });
    const setup = latticeSetup(theory, { spacing: 0.25, sites: 32 });
    expect(setup.regulator).toBe('nearest-neighbour');
    for (let n = 0; n <= 16; n++) {
      const t = n * 0.25;
      expect(latticeFreeTimeSlice(1, 0.25, 32, t)).toBeCloseTo(latticeFreePropagator(setup, [t]), 12);
    }
    expect(latticeFreeTimeSlice(1, 1e-3, 2 ** 16, 1.5)).toBeCloseTo(Math.exp(-1.5) / 2, 6);
  });

  it('the continuum slice integral: e^{-m t}/(2m) in d = 2 and 3 (quadrature over the slice), and with a cutoff the limit of the lattice mode sum', () => {
    for (const t of [0.5, 1, 2]) {
      // d = 2: int dx K0(m r)/(2 pi); d = 3: int 2 pi rho drho e^{-m r}/(4 pi r), r^2 = t^2 + x^2
      const d2 = 2 * integrateGaussLegendre((x) => freePropagator(2, 1, null, Math.hypot(t, x)), 0, 40, 20, 80);
      const d3 = integrateGaussLegendre((rho) => 2 * Math.PI * rho * freePropagator(3, 1, null, Math.hypot(t, rho)), 0, 40, 20, 80);
      expect(d2).toBeCloseTo(continuumFreeTimeSlice(1, null, t), 8);
      expect(d3).toBeCloseTo(continuumFreeTimeSlice(1, null, t), 8);
    }
    // with |p| < Lambda: (1/L) sum_{|p0| < Lambda} cos(p0 t)/(p0^2 + m^2) over the modes of a long periodic time axis
    const sites = 8192;
    const spacing = 0.05;
    for (const t of [0, 0.5, 1.3]) {
      let sum = 0;
      for (let k = 0; k < sites; k++) {
        const p = modeMomentum(k, sites, spacing);
        if (Math.abs(p) < 4) sum += Math.cos(p * t) / (p * p + 1);
      }
      expect(Math.abs(sum / (sites * spacing) - continuumFreeTimeSlice(1, 4, t))).toBeLessThan(5e-4);
    }
  });

  it('an exact free result on d = 1 points: C(t) = e^{-m t}/(2m) with zero errors and zero covariance', () => {
    const points = [[0], [0.5], [1], [2]];
    const theory = makeTheory({ points, connectedOrders: [2] });
    const slice = timeSliceFromResult(asResult(points, computeFree(theory)));
    expect(slice.times).toEqual([0, 0.5, 1, 2]);
    slice.values.forEach((value, i) => expect(value).toBeCloseTo(continuumFreeTimeSlice(1, null, slice.times[i]!), 12));
    expect(slice.stderr.every((error) => error === 0)).toBe(true);
    expect(slice.covariance!.flat().every((value) => value === 0)).toBe(true);
  });

  it('refuses points without the origin, and d >= 2 slices that are not a regular grid', () => {
    const theory = makeTheory({ points: [[0.5], [1]], connectedOrders: [2] });
    expect(() => timeSliceFromResult(asResult(theory.points, computeFree(theory)))).toThrow(/origin/);
    const points = [[0, 0], [0, 0.5], [0, 1.5], [1, 0], [1, 0.5], [1, 1.5]];
    const uneven = makeTheory({ dimension: 2, momentumCutoff: 5, points, connectedOrders: [2] });
    expect(() => timeSliceFromResult(asResult(points, computeFree(uneven)))).toThrow(/regular product grid/);
    expect(timeSliceFromResult(asResult(points, computeFree(uneven)), { cellVolume: 0.5 }).values).toHaveLength(2);
  });
});

describe('C(t) of lattice HMC (free field)', () => {
  it('d = 1, nearest-neighbour, 32 sites: the measured C(t) agrees with the cosh closed form; from the points it is the same estimator', async () => {
    const spacing = 0.25;
    const points = Array.from({ length: 16 }, (_, n) => [n * spacing]);
    const theory = makeTheory({ points, connectedOrders: [2] });
    const result = await computeLattice(theory, { spacing, sites: 32, trajectories: 1500, thermalization: 50, seed: 21 });
    const slice = result.timeSlice;
    expect(slice.source).toBe('lattice-field');
    expect(slice.times).toHaveLength(17);
    expect(slice.cellVolume).toBe(1);
    const residual = slice.values.map((value, t) => value - latticeFreeTimeSlice(1, spacing, 32, slice.times[t]!));
    expect(Math.max(...residual.map((r, t) => Math.abs(r / slice.stderr[t]!)))).toBeLessThan(4);
    // all times at once, with their covariance (100 bins, 17 times: the correlated chi^2 is ~chi^2_17)
    expect(chiSquaredSurvival(correlatedChiSquared(slice.covariance!, residual), residual.length)).toBeGreaterThan(1e-3);
    // replicates: one row per time, over the correlators' bins; covariance diagonal = stderr^2
    expect(slice.replicates!.every((row) => row.length === result.bins)).toBe(true);
    expect(result.bins).toBeLessThanOrEqual(100);
    slice.covariance!.forEach((row, t) => expect(row[t]!).toBeCloseTo(slice.stderr[t]! ** 2, 14));
    // the correlator blocks carry replicates over the same bins
    expect(result.correlators[0]!.replicates!.every((row) => row.length === result.bins)).toBe(true);
    // in d = 1 with every translation the points' G_c2(t, 0) is the same estimator: equal to rounding
    const fromPoints = timeSliceFromResult(asResult(points, result.correlators));
    expect(fromPoints.times).toEqual(points.map(([t]) => t));
    fromPoints.values.forEach((value, t) => expect(Math.abs(value - slice.values[t]!)).toBeLessThan(1e-12));
    fromPoints.replicates!.forEach((row, t) => row.forEach((value, b) => expect(Math.abs(value - slice.replicates![t]![b]!)).toBeLessThan(1e-12)));
  });

  it('d = 1, phi^4 at lambda = 1: the measured C(t) agrees with the exact spectral G_c2(t, 0) (a second method for the interacting theory)', async () => {
    const points = [[0], [0.5], [1], [1.5], [2]];
    const theory = makeTheory({ points, connectedOrders: [2], interactions: [phi4(1)] });
    const exact = timeSliceFromResult(asResult(points, computeSpectral(theory).correlators));
    const result = await computeLattice(theory, { spacing: 0.1, sites: 128, trajectories: 1500, thermalization: 100, seed: 5 });
    const slice = result.timeSlice;
    exact.times.forEach((time, i) => {
      const k = slice.times.findIndex((t) => Math.abs(t - time) < 1e-9);
      // O(a^2) bias of the nearest-neighbour action at a = 0.1: about 0.1% of C(0)
      expect(Math.abs(slice.values[k]! - exact.values[i]!)).toBeLessThan(4 * slice.stderr[k]! + 2e-3 * exact.values[0]!);
    });
  });

  it('d = 2, sharp cutoff, 8 x 8: whole-slice C(t) against the mode sum; a partial slice of points against the lattice propagator summed over it', async () => {
    const spacing = 0.5;
    const sites = 8;
    const cutoff = 4;
    const xs = [-1.5, -1, -0.5, 0, 0.5, 1, 1.5];
    const ts = [0, 0.5, 1, 1.5];
    const points = ts.flatMap((t) => xs.map((x) => [t, x]));
    const theory = makeTheory({ dimension: 2, momentumCutoff: cutoff, points, connectedOrders: [2] });
    const setup = latticeSetup(theory, { spacing, sites });
    // two closed forms of the whole-slice C(t): the zero-spatial-momentum mode sum, and a sum_x G_lat(t, x)
    const modeSum = (t: number) => {
      let sum = 0;
      for (let k = 0; k < sites; k++) {
        const p = modeMomentum(k, sites, spacing);
        if (p * p < cutoff * cutoff) sum += Math.cos(p * t) / (p * p + 1);
      }
      return sum / (sites * spacing);
    };
    const sliceSum = (t: number, listed: readonly number[]) => spacing * listed.reduce((sum, x) => sum + latticeFreePropagator(setup, [t, x]), 0);
    const allSites = Array.from({ length: sites }, (_, n) => (n - sites / 2) * spacing);
    for (let n = 0; n <= 4; n++) expect(sliceSum(n * spacing, allSites)).toBeCloseTo(modeSum(n * spacing), 12);

    const result = await computeLattice(theory, { spacing, sites, trajectories: 600, thermalization: 40, seed: 8 });
    const slice = result.timeSlice;
    expect(slice.slicePoints).toBe(8);
    expect(slice.cellVolume).toBe(spacing);
    slice.values.forEach((value, n) => expect(Math.abs(value - modeSum(slice.times[n]!)) / slice.stderr[n]!).toBeLessThan(4));
    const residual = slice.values.map((value, n) => value - modeSum(slice.times[n]!));
    expect(chiSquaredSurvival(correlatedChiSquared(slice.covariance!, residual), residual.length)).toBeGreaterThan(1e-3);
    const fromPoints = timeSliceFromResult(asResult(points, result.correlators, { lattice: result.lattice }));
    expect(fromPoints.times).toEqual(ts);
    expect(fromPoints.slicePoints).toBe(7);
    expect(fromPoints.notes.join(' ')).toMatch(/Riemann sum over the 7 listed points/);
    fromPoints.values.forEach((value, n) => expect(Math.abs(value - sliceSum(ts[n]!, xs)) / fromPoints.stderr[n]!).toBeLessThan(4));
  });
});

describe('C(t) of a free cos-net estimate', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('d = 1, width 8: C(t) = e^{-m t}/(2m) within errors; the replicates covariance matches the scatter over 40 seeds', async () => {
    const points = [[0], [0.5], [1], [1.5]];
    const net = cosNet({ dimension: 1, width: 8, mass: 1, cutoff: null });
    const seeds = 40;
    const values: number[][] = [];
    const covariances: number[][][] = [];
    for (let seed = 1; seed <= seeds; seed++) {
      const estimate = await estimateEnsemble({ architecture: net, deformation: null, points, orders: [2], ensembleSize: 8000, seed });
      const order = estimate.summary.orders[0]!;
      const slice = timeSliceFromResult(asResult(points, [{ order: 2, indices: order.indices, values: order.values, stderr: order.stderr, replicates: order.replicates }]));
      values.push(slice.values);
      covariances.push(slice.covariance!);
      if (seed === 1) {
        slice.values.forEach((value, t) => expect(Math.abs(value - continuumFreeTimeSlice(1, null, slice.times[t]!)) / slice.stderr[t]!).toBeLessThan(4));
      }
    }
    const n = points.length;
    const mean = Array.from({ length: n }, (_, i) => values.reduce((sum, row) => sum + row[i]!, 0) / seeds);
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        const scatter = values.reduce((sum, row) => sum + (row[i]! - mean[i]!) * (row[j]! - mean[j]!), 0) / (seeds - 1);
        const stated = covariances.reduce((sum, c) => sum + c[i]![j]!, 0) / seeds;
        // standard error of a sample covariance over 40 seeds: sqrt((C_ii C_jj + C_ij^2)/(S - 1))
        const noise = Math.sqrt((covariances[0]![i]![i]! * covariances[0]![j]![j]! + stated * stated) / (seeds - 1));
        expect(Math.abs(scatter - stated) / noise).toBeLessThan(4);
      }
    }
    // the values are strongly correlated: the covariance is not diagonal
    const stated01 = covariances.reduce((sum, c) => sum + c[0]![1]! / Math.sqrt(c[0]![0]! * c[1]![1]!), 0) / seeds;
    expect(stated01).toBeGreaterThan(0.3);
  });
});
