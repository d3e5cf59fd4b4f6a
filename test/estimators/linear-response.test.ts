import { describe, expect, it } from 'vitest';
import { linearResponse, type GaussianModes, type LocalLogWeight } from '../../src/estimators/linear-response.js';
import { monomialTable, type MonomialTable } from '../../src/estimators/monomials.js';
import { Rng } from '../../src/random/rng.js';

/**
 * Oracle: a Monte Carlo of the same Gaussian field, drawn directly as phi = sum_n (a_n cos p_n x +
 * a'_n sin p_n x) with a, a' ~ N(0, v_n/2), the log-weight formed on the grid by the Hermite recurrence
 * (independent of the closed form's Wick algebra), and Cov(h, O) measured with its batch error.
 */
function hermite(value: number, power: number, c: number): number {
  let previous = 1;
  let current = value;
  if (power === 0) return 1;
  for (let k = 1; k < power; k++) {
    const next = value * current - k * c * previous;
    previous = current;
    current = next;
  }
  return current;
}

/** E[prod phi(a_i)] of a zero-mean Gaussian vector (sum over pairings of the covariance). */
function gaussianMoment(indices: readonly number[], covariance: (i: number, k: number) => number): number {
  if (indices.length === 0) return 1;
  if (indices.length % 2 === 1) return 0;
  const [first, ...rest] = indices;
  let total = 0;
  for (let r = 0; r < rest.length; r++) total += covariance(first!, rest[r]!) * gaussianMoment(rest.filter((_, position) => position !== r), covariance);
  return total;
}

/** Exact moments of every monomial of the table for the field sum_n (a_n cos p_n x + a'_n sin p_n x). */
function gaussianMomentTable(table: MonomialTable, points: readonly (readonly number[])[], momenta: ArrayLike<number>, variances: ArrayLike<number>): Float64Array {
  const covariance = (i: number, k: number) => {
    let total = 0;
    for (let n = 0; n < variances.length; n++) total += (variances[n]! / 2) * Math.cos(momenta[n]! * (points[i]![0]! - points[k]![0]!));
    return total;
  };
  return Float64Array.from(table.tuples.map((tuple) => gaussianMoment(tuple, covariance)));
}

/**
 * Measure E_0[h] and Cov_0(h, O) on draws of the modes (plus, when `high` is given, one neuron of
 * random momentum from `high.choices` that the weight never sees) and compare with `exact`.
 */
function checkAgainstMonteCarlo(
  modes: GaussianModes,
  weight: LocalLogWeight,
  points: readonly (readonly number[])[],
  table: MonomialTable,
  exact: { meanLogWeight: number; covariance: Float64Array },
  high: { choices: readonly number[]; variance: number } | null,
): void {
  const rng = new Rng(12345);
  const samples = 400_000;
  const batches = 40;
  const perBatch = samples / batches;
  const J = table.tuples.length;
  const batchCov = Array.from({ length: batches }, () => new Float64Array(J));
  const batchMeanH = new Float64Array(batches);
  const modeCount = modes.variances.length;
  const a = new Float64Array(modeCount);
  const b = new Float64Array(modeCount);
  const phiAt = (x: number, lowOnly: boolean) => {
    let total = 0;
    for (let n = 0; n < modeCount; n++) {
      if (lowOnly && Math.abs(modes.momenta[n]!) >= weight.modeCutoff!) continue;
      total += a[n]! * Math.cos(modes.momenta[n]! * x) + b[n]! * Math.sin(modes.momenta[n]! * x);
    }
    return total;
  };
  const hs = new Float64Array(perBatch);
  const os = new Float64Array(perBatch * J);
  for (let batch = 0; batch < batches; batch++) {
    for (let m = 0; m < perBatch; m++) {
      for (let n = 0; n < modeCount; n++) {
        const sd = Math.sqrt(modes.variances[n]! / 2);
        a[n] = sd * rng.normal();
        b[n] = sd * rng.normal();
      }
      let h = 0;
      const lowValues = Array.from(weight.nodes, (x) => phiAt(x, true));
      weight.nodes.forEach((_, g) => {
        const value = lowValues[g]!;
        for (const term of weight.terms) {
          let f = 1;
          for (let k = 2; k <= term.power; k++) f *= k;
          h -= (term.coupling / f) * weight.weights[g]! * hermite(value, term.power, term.wickConstant);
        }
      });
      if (weight.nonlocalQuartic) {
        // The double sum directly, -(g/24) sum_gh M_gh phi_g^2 phi_h^2.
        const G = lowValues.length;
        for (let g = 0; g < G; g++) for (let k = 0; k < G; k++) h -= (weight.nonlocalQuartic.coupling / 24) * weight.nonlocalQuartic.matrix[g * G + k]! * lowValues[g]! ** 2 * lowValues[k]! ** 2;
      }
      hs[m] = h;
      let highMomentum = 0;
      let highA = 0;
      let highB = 0;
      if (high) {
        highMomentum = high.choices[Math.floor(rng.uniform() * high.choices.length)]!;
        highA = Math.sqrt(high.variance / 2) * rng.normal();
        highB = Math.sqrt(high.variance / 2) * rng.normal();
      }
      const phis = points.map((point) => phiAt(point[0]!, false) + highA * Math.cos(highMomentum * point[0]!) + highB * Math.sin(highMomentum * point[0]!));
      table.tuples.forEach((tuple, j) => {
        let product = 1;
        for (const i of tuple) product *= phis[i]!;
        os[m * J + j] = product;
      });
    }
    let meanH = 0;
    for (let m = 0; m < perBatch; m++) meanH += hs[m]! / perBatch;
    batchMeanH[batch] = meanH;
    for (let j = 0; j < J; j++) {
      let meanO = 0;
      let meanHO = 0;
      for (let m = 0; m < perBatch; m++) {
        meanO += os[m * J + j]! / perBatch;
        meanHO += (hs[m]! * os[m * J + j]!) / perBatch;
      }
      batchCov[batch]![j] = meanHO - meanH * meanO;
    }
  }
  const meanAndError = (values: ArrayLike<number>) => {
    let mean = 0;
    for (let k = 0; k < values.length; k++) mean += values[k]! / values.length;
    let variance = 0;
    for (let k = 0; k < values.length; k++) variance += (values[k]! - mean) ** 2 / (values.length - 1);
    return { mean, error: Math.sqrt(variance / values.length) };
  };
  const h = meanAndError(batchMeanH);
  expect(Math.abs(h.mean - exact.meanLogWeight)).toBeLessThan(4 * h.error + 1e-12);
  let worst = 0;
  let nonzero = 0;
  for (let j = 0; j < J; j++) {
    const measured = meanAndError(batchCov.map((row) => row[j]!));
    const pull = (measured.mean - exact.covariance[j]!) / measured.error;
    worst = Math.max(worst, Math.abs(pull));
    if (Math.abs(exact.covariance[j]!) > 5 * measured.error) nonzero++;
  }
  // 34 monomials: a 4.5 sigma bound fails by chance with probability ~2e-4.
  expect(worst).toBeLessThan(4.5);
  // The test has teeth: most covariances are resolved away from zero.
  expect(nonzero).toBeGreaterThan(15);
}

describe('linear response of a Gaussian base (E_0[h], Cov_0(h, O))', () => {
  it('matches a direct Monte Carlo for phi^4 (Wick-ordered), phi^3 and phi^2 terms with a mode cutoff', () => {
    const modes: GaussianModes = { dimension: 1, momenta: Float64Array.from([0.3, 1.1, 2.0, 3.5]), variances: Float64Array.from([0.5, 0.4, 0.3, 0.2]) };
    const weight: LocalLogWeight = {
      nodes: Float64Array.from([-1, -0.4, 0.1, 0.7, 1.2]),
      weights: Float64Array.from([0.3, 0.5, 0.6, 0.5, 0.4]),
      terms: [
        { power: 4, coupling: 0.7, wickConstant: 0.25 },
        { power: 3, coupling: 0.4, wickConstant: 0 },
        { power: 2, coupling: -0.3, wickConstant: 0.1 },
      ],
      modeCutoff: 3,
    };
    const points = [[0], [0.5], [1.4]];
    const table = monomialTable(points.length, 4);
    const exact = linearResponse(modes, weight, table, points, gaussianMomentTable(table, points, modes.momenta, modes.variances))!;

    checkAgainstMonteCarlo(modes, weight, points, table, exact, null);
  });

  it('holds with an independent non-Gaussian rest above the mode cutoff (split momenta): exact moments of the whole field', () => {
    // The weight sees the fixed modes below 3; one more neuron has a random momentum 4 or 6, so the
    // whole field is not Gaussian (its four-point cumulant is the spread of K over the momenta).
    const modes: GaussianModes = { dimension: 1, momenta: Float64Array.from([0.3, 1.1, 2.0]), variances: Float64Array.from([0.5, 0.4, 0.3]), completeBelow: 3 };
    const weight: LocalLogWeight = {
      nodes: Float64Array.from([-1, -0.4, 0.1, 0.7, 1.2]),
      weights: Float64Array.from([0.3, 0.5, 0.6, 0.5, 0.4]),
      terms: [
        { power: 4, coupling: 0.7, wickConstant: 0.25 },
        { power: 2, coupling: -0.3, wickConstant: 0.1 },
      ],
      modeCutoff: 3,
    };
    const points = [[0], [0.5], [1.4]];
    const table = monomialTable(points.length, 4);
    const high = { choices: [4, 6], variance: 0.6 };
    const momentsWith = (q: number) => gaussianMomentTable(table, points, [...modes.momenta, q], [...modes.variances, high.variance]);
    const atFour = momentsWith(4);
    const atSix = momentsWith(6);
    const whole = atFour.map((value, j) => 0.5 * (value + atSix[j]!));
    const exact = linearResponse(modes, weight, table, points, whole)!;
    checkAgainstMonteCarlo(modes, weight, points, table, exact, high);
    // Up to four points only second moments of the rest enter (|S \\ A| <= 2 once |A| >= 2; odd sizes
    // vanish), so the Gaussian moments of the mixture's covariance give the same response.
    const mixture = linearResponse(modes, weight, table, points, gaussianMomentTable(table, points, [...modes.momenta, 4, 6], [...modes.variances, high.variance / 2, high.variance / 2]))!;
    exact.covariance.forEach((value, j) => expect(mixture.covariance[j]!).toBeCloseTo(value, 12));
    // A weight that could see the random neuron gets no response at all.
    expect(linearResponse(modes, { ...weight, modeCutoff: 5 }, table, points, whole)).toBeNull();
    expect(linearResponse(modes, { ...weight, modeCutoff: null }, table, points, whole)).toBeNull();
  });

  it('matches a direct Monte Carlo for the non-local quartic term (beside a local phi^2 term)', () => {
    const modes: GaussianModes = { dimension: 1, momenta: Float64Array.from([0.3, 1.1, 2.0, 3.5]), variances: Float64Array.from([0.5, 0.4, 0.3, 0.2]) };
    const nodes = Float64Array.from([-1, -0.4, 0.1, 0.7, 1.2]);
    const weights = Float64Array.from([0.3, 0.5, 0.6, 0.5, 0.4]);
    const G = nodes.length;
    const matrix = new Float64Array(G * G);
    for (let g = 0; g < G; g++) for (let k = 0; k < G; k++) matrix[g * G + k] = weights[g]! * weights[k]! * Math.exp(-((nodes[g]! - nodes[k]!) ** 2) / 0.5);
    const weight: LocalLogWeight = { nodes, weights, terms: [{ power: 2, coupling: -0.3, wickConstant: 0.1 }], modeCutoff: 3, nonlocalQuartic: { coupling: 2.5, matrix } };
    const points = [[0], [0.5], [1.4]];
    const table = monomialTable(points.length, 4);
    const exact = linearResponse(modes, weight, table, points, gaussianMomentTable(table, points, modes.momenta, modes.variances))!;
    checkAgainstMonteCarlo(modes, weight, points, table, exact, null);
    // Teeth: without the non-local part the response is far off (the check would fail).
    const localOnly = linearResponse(modes, { ...weight, nonlocalQuartic: null }, table, points, gaussianMomentTable(table, points, modes.momenta, modes.variances))!;
    expect(Math.max(...exact.covariance.map((value, j) => Math.abs(value - localOnly.covariance[j]!)))).toBeGreaterThan(0.05);
  });

  it('refuses work beyond its budget (the caller then estimates without the first-order control variate)', () => {
    const count = 20_000;
    const modes: GaussianModes = { dimension: 1, momenta: new Float64Array(count).fill(1), variances: new Float64Array(count).fill(1e-4) };
    const weight: LocalLogWeight = { nodes: new Float64Array(count), weights: new Float64Array(count).fill(1e-4), terms: [{ power: 4, coupling: 1, wickConstant: 0 }], modeCutoff: null };
    const table = monomialTable(2, 4);
    expect(linearResponse(modes, weight, table, [[0], [1]], new Float64Array(table.tuples.length))).toBeNull();
  });
});
