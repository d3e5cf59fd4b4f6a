/**
 * Honest forward-fit errors on correlated data (fit-jackknife.ts), the one-loop bubble predictor and
 * the mass read off a measured two-point function.
 */
import { describe, expect, it } from 'vitest';
import { indexTuples } from '../../src/io/result.js';
import { Rng } from '../../src/random/index.js';
import { fitCandidateActions1d } from '../../src/reconstruct/forward-fit-1d.js';
import { fitCouplings } from '../../src/reconstruct/coupling-fit.js';
import { massFromTwoPoint } from '../../src/reconstruct/measured-mass.js';
import { localityVerdict } from '../../src/reconstruct/verdict.js';
import { integratePanels } from '../../src/reconstruct/piecewise-exponential.js';
import { derivativeQuarticTree1d, freePropagator1d, localQuarticTree1d, predictorColumn, quarticBubbleOneLoop1d } from '../../src/reconstruct/tree-level-1d.js';

const mass = 1;
const points = [-1.2, -0.4, 0.4, 1.2];
const tuples4 = indexTuples(points.length, 4);
const local = predictorColumn(tuples4, points, (p) => localQuarticTree1d(p, mass));
const derivative = predictorColumn(tuples4, points, (p) => derivativeQuarticTree1d(p, mass));

/**
 * K batches whose noise is mostly common to all values (a shared fluctuation along the local shape,
 * as when every value is measured on the same networks) plus a small independent part.
 */
function correlatedBatches(exact: number[], stream: string, batchCount: number, common: number, independent: number) {
  const rng = Rng.fromTree(11, `test/reconstruct/honest-errors/${stream}`);
  const batches = Array.from({ length: batchCount }, () => {
    const shared = common * rng.normal();
    return exact.map((value, r) => value + shared * local[r]! + independent * Math.abs(value) * rng.normal());
  });
  const mean = exact.map((_, r) => batches.reduce((sum, batch) => sum + batch[r]!, 0) / batchCount);
  // per-value errors as an estimator reports them: each value's own spread, correlations invisible
  const stderr = exact.map((_, r) => Math.sqrt(batches.reduce((sum, batch) => sum + (batch[r]! - mean[r]!) ** 2, 0) / (batchCount - 1) / batchCount));
  return { mean, stderr, batches };
}

describe('forward-fit errors on correlated data', () => {
  const lambda = 0.5;
  const batchCount = 20;
  const common = 0.05;
  const exact = local.map((value) => lambda * value);

  it('jackknife error of lambda matches the true spread; the diagonally weighted fit understates it', () => {
    const data = correlatedBatches(exact, 'common', batchCount, common, 0.002);
    const fourPoint = { order: 4, indices: tuples4, values: data.mean, stderr: data.stderr };
    const report = fitCandidateActions1d({ mass, points, fourPoint, batches: data.batches.map((values) => ({ fourPoint: values })), candidates: ['local'], correlated: false });
    const fit = report.fits[0]!;
    expect(fit.weights.kind).toBe('diagonal');
    const truth = common / Math.sqrt(batchCount); // std of the mean of the shared fluctuation
    expect(fit.errors.method).toBe('jackknife');
    expect(fit.errors.batches).toBe(batchCount);
    // chi with 19 dof: the jackknife estimate lies within 0.55..1.45 of the truth at > 3 sigma
    expect(fit.couplings[0]!.stderr / truth).toBeGreaterThan(0.55);
    expect(fit.couplings[0]!.stderr / truth).toBeLessThan(1.45);
    expect(fit.fitStderr[0]! / truth).toBeLessThan(0.5);
    expect(Math.abs(fit.couplings[0]!.value - lambda) / fit.couplings[0]!.stderr).toBeLessThan(3);
    expect(fit.goodnessOfFit).toBeDefined();
    expect(fit.pValue).toBeGreaterThan(0.01);
  });

  it('with 20 batches per value the fit minimises the correlated chi^2: its own error is near the truth, the jackknife agrees', () => {
    const many = 20 * tuples4.length;
    const data = correlatedBatches(exact, 'common-many', many, common, 0.002);
    const fourPoint = { order: 4, indices: tuples4, values: data.mean, stderr: data.stderr };
    const fit = fitCandidateActions1d({ mass, points, fourPoint, batches: data.batches.map((values) => ({ fourPoint: values })), candidates: ['local'] }).fits[0]!;
    const truth = common / Math.sqrt(many);
    expect(fit.weights.kind).toBe('correlated');
    expect(fit.weights.batches).toBe(many);
    expect(fit.weights.shrinkage).toBeGreaterThanOrEqual(0);
    expect(fit.weights.shrinkage).toBeLessThan(1);
    // the noise lies along the fitted shape: the generalised least-squares error sees it
    expect(fit.fitStderr[0]! / truth).toBeGreaterThan(0.55);
    expect(fit.fitStderr[0]! / truth).toBeLessThan(1.45);
    expect(fit.couplings[0]!.stderr / truth).toBeGreaterThan(0.55);
    expect(fit.couplings[0]!.stderr / truth).toBeLessThan(1.45);
    expect(Math.abs(fit.couplings[0]!.value - lambda) / fit.couplings[0]!.stderr).toBeLessThan(3);
    expect(fit.pValue).toBeGreaterThan(0.01);
    // with 20 batches for 35 values the weights stay diagonal, and say why
    const few = correlatedBatches(exact, 'common', batchCount, common, 0.002);
    const diagonal = fitCandidateActions1d({ mass, points, fourPoint: { order: 4, indices: tuples4, values: few.mean, stderr: few.stderr }, batches: few.batches.map((values) => ({ fourPoint: values })), candidates: ['local'] }).fits[0]!;
    expect(diagonal.weights.kind).toBe('diagonal');
    expect(diagonal.weights.description).toMatch(/at least 700 batches/);
  });

  it('a wrong model is still rejected with the correlated p-value', () => {
    const wrong = exact.map((value, r) => value + 0.6 * derivative[r]!);
    const data = correlatedBatches(wrong, 'misfit', batchCount, common, 0.002);
    const fourPoint = { order: 4, indices: tuples4, values: data.mean, stderr: data.stderr };
    const report = fitCandidateActions1d({ mass, points, fourPoint, batches: data.batches.map((values) => ({ fourPoint: values })), candidates: ['local', 'local+derivative'] });
    const localFit = report.fits.find((fit) => fit.name === 'local')!;
    expect(localFit.pValue).toBeLessThan(1e-3);
    expect(report.preferred).toBe('local+derivative');
  });

  it('without batches, errors are scaled by sqrt(chi^2/dof) when it exceeds 1, and the report says so', () => {
    const data = correlatedBatches(exact.map((value, r) => value + 0.3 * derivative[r]!), 'scaled', batchCount, 0, 0.01);
    const fourPoint = { order: 4, indices: tuples4, values: data.mean, stderr: data.stderr };
    const fit = fitCandidateActions1d({ mass, points, fourPoint, candidates: ['local'] }).fits[0]!;
    expect(fit.reducedChiSquared).toBeGreaterThan(1);
    expect(fit.errors.method).toBe('scaled');
    expect(fit.errors.scale).toBeCloseTo(Math.sqrt(fit.reducedChiSquared), 12);
    expect(fit.couplings[0]!.stderr).toBeCloseTo(fit.fitStderr[0]! * Math.sqrt(fit.reducedChiSquared), 12);
  });
});

describe('one-loop bubble of local phi^4 (d = 1)', () => {
  it('matches a brute-force double integral', () => {
    const x = [-0.3, 0.1, 0.5, 1.4];
    const G = (u: number) => freePropagator1d(mass, u);
    const cuts = [...x];
    let brute = 0;
    for (const [a, b, c, d] of [[0, 1, 2, 3], [0, 2, 1, 3], [0, 3, 1, 2]] as const) {
      brute += integratePanels(
        (z) => G(x[a] - z) * G(x[b] - z) * integratePanels((w) => G(z - w) ** 2 * G(x[c] - w) * G(x[d] - w), -9, 10, [...cuts, z], 0.5, 10),
        -9,
        10,
        cuts,
        0.5,
        10,
      );
    }
    expect(quarticBubbleOneLoop1d(x, mass) / (brute / 2) - 1).toBeLessThan(1e-5);
    expect(quarticBubbleOneLoop1d(x, mass) / (brute / 2) - 1).toBeGreaterThan(-1e-5);
  });

  it('the one-loop candidate recovers lambda from tree + bubble data, where tree level is biased', () => {
    const lambda = 0.5;
    const bubble = predictorColumn(tuples4, points, (p) => quarticBubbleOneLoop1d(p, mass));
    const values = local.map((value, r) => lambda * value + lambda ** 2 * bubble[r]!);
    const stderr = values.map((value) => 1e-4 * Math.abs(value));
    const report = fitCandidateActions1d({ mass, points, fourPoint: { order: 4, indices: tuples4, values, stderr }, candidates: ['local', 'local-one-loop'] });
    const loop = report.fits.find((fit) => fit.name === 'local-one-loop')!;
    const tree = report.fits.find((fit) => fit.name === 'local')!;
    expect(loop.couplings[0]!.value).toBeCloseTo(lambda, 8);
    expect(Math.abs(tree.couplings[0]!.value - lambda)).toBeGreaterThan(0.03);
    expect(loop.truncationError).toBeCloseTo((loop.couplings[0]!.value - tree.couplings[0]!.value) ** 2 / tree.couplings[0]!.value, 12);
    expect(report.preferred).toBe('local-one-loop');
    // sanity: the bubble has the sign of a positive lambda^2 term (screens the tree-level vertex)
    expect(fitCouplings({ values: bubble, stderr }, [{ name: 'b', predictor: local }]).couplings[0]!.value).toBeLessThan(0);
  });
});

describe('mass from the measured two-point function', () => {
  it('reads m off exact e^{-m|x|}/(2m) data, and off noisy data within its error', () => {
    const grid = [[-1], [-0.5], [0], [0.5], [1], [1.5]];
    const tuples2 = indexTuples(grid.length, 2);
    const m = 1.037;
    const exact = tuples2.map(([a, b]) => freePropagator1d(m, grid[a]![0]! - grid[b]![0]!));
    expect(massFromTwoPoint(grid, { order: 2, indices: tuples2, values: exact, stderr: exact.map(() => 0) }).mass).toBeCloseTo(m, 10);
    const rng = Rng.fromTree(5, 'test/reconstruct/honest-errors/mass');
    const stderr = exact.map((value) => 0.002 * value);
    const measured = massFromTwoPoint(grid, { order: 2, indices: tuples2, values: exact.map((value, i) => value + stderr[i]! * rng.normal()), stderr });
    expect(Math.abs(measured.mass - m) / measured.stderr).toBeLessThan(3);
  });
});

describe('verdict: a local fit must beat a resolved Gaussian kernel decisively', () => {
  const fit = (name: 'local+derivative' | 'nonlocal-gaussian', aic: number, extra: object) =>
    ({
      name,
      action: name,
      dataUsed: ['G_c4'],
      termsFitted: [],
      couplings: [],
      covariance: [],
      fitStderr: [],
      errors: { method: 'jackknife', batches: 10, description: '' },
      chiSquared: aic - 4,
      dof: 100,
      reducedChiSquared: (aic - 4) / 100,
      pValue: 0.2,
      pValueUncorrelated: 0.2,
      parameterCount: 2,
      aic,
      deltaAic: 0,
      preferred: false,
      ...extra,
    }) as never;
  const report = (gap: number, width: { value: number; stderr: number }, scale: number) => ({
    fits: [
      fit('local+derivative', 100, { preferred: true }),
      fit('nonlocal-gaussian', 100 + gap, { deltaAic: gap, width: { ...width, fitStderr: 0, lower: null, upper: null, scan: [] }, goodnessOfFit: { expectedChiSquared: 70, effectiveDof: 4, scale, pValue: 0.2 } }),
    ],
    failures: [],
    preferred: 'local+derivative' as const,
    ordersDropped: [],
  });

  it('a resolved kernel within the AIC gap keeps locality undetermined; a decisive gap or an unresolved kernel votes local', () => {
    const close = localityVerdict({ forwardFit: report(18.6, { value: 0.514, stderr: 0.17 }, 45) });
    expect(close.local).toBe('undetermined');
    expect(close.reasons.join(' ')).toMatch(/inconclusive.*Gaussian kernel of width 0.514/);
    expect(close.numbers.kernelWidth!.value).toBeCloseTo(0.514, 12);
    expect(localityVerdict({ forwardFit: report(18.6, { value: 0.514, stderr: 0.17 }, 1) }).local).toBe(true);
    expect(localityVerdict({ forwardFit: report(18.6, { value: 0.3, stderr: 0.17 }, 45) }).local).toBe(true);
  });
});
