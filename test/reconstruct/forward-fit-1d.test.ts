import { describe, expect, it } from 'vitest';
import { indexTuples } from '../../src/io/result.js';
import { Rng } from '../../src/random/index.js';
import { fitCandidateActions1d } from '../../src/reconstruct/forward-fit-1d.js';
import { fitLinearCouplings } from '../../src/reconstruct/linear-fit.js';
import {
  derivativeQuarticTree1d,
  localQuarticTree1d,
  nonlocalQuarticTree1d,
  quarticExchangeTree1d,
  sexticTadpoleTree1d,
  sexticTree1d,
} from '../../src/reconstruct/tree-level-1d.js';

const mass = 1;
const points = [0, 0.5, 1.0, 1.7];
const tuples4 = indexTuples(points.length, 4);
const at = (tuple: number[]) => tuple.map((i) => points[i]);

/** Synthetic measurement: exact values plus Gaussian noise of 2% (plus a floor), fixed seed. */
function measure(exact: number[], stream: string, relative = 0.02) {
  const rng = Rng.fromTree(7, `test/reconstruct/forward-fit/${stream}`);
  const stderr = exact.map((value) => relative * Math.abs(value) + 1e-6);
  return { values: exact.map((value, i) => value + stderr[i] * rng.normal()), stderr };
}

function block(order: number, indices: number[][], data: { values: number[]; stderr: number[] }) {
  return { order, indices, values: data.values, stderr: data.stderr };
}

const pull = (estimate: { value: number; stderr: number }, truth: number) => Math.abs(estimate.value - truth) / estimate.stderr;

describe('weighted linear fit', () => {
  it('recovers a straight line with the textbook covariance', () => {
    const xs = [0, 1, 2, 3, 4];
    const data = { values: xs.map((x) => 1 + 2 * x), stderr: xs.map(() => 0.5) };
    const fit = fitLinearCouplings(data, [
      { name: 'a', predictor: xs.map(() => 1) },
      { name: 'b', predictor: xs },
    ]);
    expect(fit.couplings[0].value).toBeCloseTo(1, 12);
    expect(fit.couplings[1].value).toBeCloseTo(2, 12);
    // var(b) = sigma^2 / sum (x - mean)^2 = 0.25 / 10
    expect(fit.couplings[1].stderr).toBeCloseTo(Math.sqrt(0.025), 12);
    expect(fit.chiSquared).toBeCloseTo(0, 20);
    expect(fit.dof).toBe(3);
  });

  it('reports degenerate terms instead of solving them', () => {
    const data = { values: [1, 2, 3], stderr: [1, 1, 1] };
    expect(() =>
      fitLinearCouplings(data, [
        { name: 'lambda', predictor: [1, 2, 3] },
        { name: 'g6', predictor: [2, 4, 6] },
      ]),
    ).toThrow(/degenerate/);
  });
});

describe('forward fits of candidate actions, d = 1 (synthetic data, fixed seed)', () => {
  it('local phi^4 data: lambda recovered, local preferred, chi^2 acceptable', () => {
    const lambda = 0.5;
    const data = measure(tuples4.map((t) => lambda * localQuarticTree1d(at(t), mass)), 'local');
    const report = fitCandidateActions1d({ mass, points, fourPoint: block(4, tuples4, data), candidates: ['local', 'local+derivative'] });
    const local = report.fits.find((fit) => fit.name === 'local')!;
    expect(pull(local.couplings[0], lambda)).toBeLessThan(4);
    expect(local.pValue).toBeGreaterThan(1e-3);
    expect(report.preferred).toBe('local');
    const derivative = report.fits.find((fit) => fit.name === 'local+derivative')!;
    expect(pull(derivative.couplings[1], 0)).toBeLessThan(4);
    expect(report.ordersDropped.length).toBeGreaterThan(0);
  });

  it('subtracts a known finite-width background (cos-net at N = 256) before fitting lambda', () => {
    const G = (x: number) => Math.exp(-Math.abs(x)) / 2;
    const cosNet = (x: number[], width: number) => {
      const [x1, x2, x3, x4] = x;
      const shifts = [x1 + x2 - x3 - x4, x1 - x2 + x3 - x4, x1 - x2 - x3 + x4];
      const pairs = G(x1 - x2) * G(x3 - x4) + G(x1 - x3) * G(x2 - x4) + G(x1 - x4) * G(x2 - x3);
      return (1.5 * G(0) * shifts.reduce((sum, s) => sum + G(s), 0) - pairs) / width;
    };
    const lambda = 0.5;
    const background = tuples4.map((t) => cosNet(at(t), 256));
    const data = measure(tuples4.map((t, k) => lambda * localQuarticTree1d(at(t), mass) + background[k]), 'background', 0.01);
    const fourPoint = block(4, tuples4, data);
    const corrected = fitCandidateActions1d({ mass, points, fourPoint, background: { fourPoint: background }, candidates: ['local'] });
    const lambdaFit = corrected.fits[0].couplings[0];
    expect(Math.abs(lambdaFit.value - lambda) / lambdaFit.stderr).toBeLessThan(4);
    expect(corrected.ordersDropped.join(' ')).not.toMatch(/no background subtracted/);
    const naive = fitCandidateActions1d({ mass, points, fourPoint, candidates: ['local'] });
    expect(naive.ordersDropped.join(' ')).toMatch(/no background subtracted/);
    // the background biases the naive fit: it is rejected by chi^2 or pulls lambda away
    expect(naive.fits[0].pValue < 1e-3 || Math.abs(naive.fits[0].couplings[0].value - lambda) > 4 * naive.fits[0].couplings[0].stderr).toBe(true);
  });

  it('local + two-derivative data: both couplings recovered, local alone rejected', () => {
    const lambda = 0.5;
    const kappa = 0.2;
    const exact = tuples4.map((t) => lambda * localQuarticTree1d(at(t), mass) + kappa * derivativeQuarticTree1d(at(t), mass));
    const data = measure(exact, 'derivative', 0.005);
    const report = fitCandidateActions1d({ mass, points, fourPoint: block(4, tuples4, data), candidates: ['local', 'local+derivative'] });
    const both = report.fits.find((fit) => fit.name === 'local+derivative')!;
    expect(pull(both.couplings[0], lambda)).toBeLessThan(4);
    expect(pull(both.couplings[1], kappa)).toBeLessThan(4);
    expect(report.preferred).toBe('local+derivative');
    expect(report.fits.find((fit) => fit.name === 'local')!.pValue).toBeLessThan(1e-3);
  });

  it('Gaussian non-local data: width recovered from the profile scan, non-local preferred', () => {
    const coupling = 0.5;
    const width = 0.5;
    const data = measure(tuples4.map((t) => coupling * nonlocalQuarticTree1d(at(t), mass, width)), 'nonlocal', 0.01);
    // a coarse grid keeps the default suite fast; the golden-section step refines between grid values
    const widthGrid = Array.from({ length: 10 }, (_, i) => 0.05 * 40 ** (i / 9));
    const report = fitCandidateActions1d({ mass, points, fourPoint: block(4, tuples4, data), candidates: ['local', 'nonlocal-gaussian'], widthGrid });
    const nonlocal = report.fits.find((fit) => fit.name === 'nonlocal-gaussian')!;
    expect(nonlocal.width).toBeDefined();
    expect(pull({ value: nonlocal.width!.value, stderr: nonlocal.width!.stderr }, width)).toBeLessThan(4);
    expect(nonlocal.width!.lower).not.toBeNull();
    expect(nonlocal.width!.upper).not.toBeNull();
    expect(pull(nonlocal.couplings[0], coupling)).toBeLessThan(4);
    expect(nonlocal.termsFitted).toEqual(['g', 'width']);
    expect(report.preferred).toBe('nonlocal-gaussian');
  });

  it('sextic coupling from G_c4 + G_c6 with the lambda^2 exchange; G_c4 alone is refused', () => {
    const lambda = 0.5;
    const g6 = 0.3;
    const three = points.slice(0, 3);
    const tuples4of3 = indexTuples(3, 4);
    const tuples6 = indexTuples(3, 6);
    const exact4 = tuples4of3.map((t) => lambda * localQuarticTree1d(at(t), mass) + g6 * sexticTadpoleTree1d(at(t), mass));
    const exact6 = tuples6.map((t) => lambda ** 2 * quarticExchangeTree1d(at(t), mass) + g6 * sexticTree1d(at(t), mass));
    const data4 = measure(exact4, 'sextic4', 0.01);
    const data6 = measure(exact6, 'sextic6', 0.01);
    const report = fitCandidateActions1d({
      mass,
      points: three,
      fourPoint: block(4, tuples4of3, data4),
      sixPoint: block(6, tuples6, data6),
      candidates: ['local+sextic'],
    });
    const sextic = report.fits.find((fit) => fit.name === 'local+sextic')!;
    expect(sextic.dataUsed).toEqual(['G_c4', 'G_c6']);
    expect(pull(sextic.couplings[0], lambda)).toBeLessThan(4);
    expect(pull(sextic.couplings[1], g6)).toBeLessThan(4);
    const localOnBoth = report.fits.find((fit) => fit.name === 'local')!;
    expect(localOnBoth.deltaAic).toBeGreaterThan(0);

    const without = fitCandidateActions1d({ mass, points: three, fourPoint: block(4, tuples4of3, data4), candidates: ['local+sextic'] });
    expect(without.failures[0].error).toMatch(/needs G_c6/);
  });
});
