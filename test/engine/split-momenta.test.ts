/**
 * Split momenta (architectures/split-momenta.ts): fixed midpoint nodes below the split momentum P and
 * stratified cells above it, d = 1 without a cutoff. Oracles: the d = 1 closed-form propagator
 * e^{-m|s|}/2m (G2 at large width), a Monte Carlo of the float64 host forward pass (exact finite-width
 * moments, including the outermost cell's complement), and the pipeline's own log-weights (the
 * first-order control variate's correction has mean zero only if the closed form is the ensemble's).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cosNet, type CosNetOptions } from '../../src/architectures/cos-net.js';
import { splitLayout } from '../../src/architectures/split-momenta.js';
import { alphaMomentumDensity } from '../../src/architectures/alpha-momentum-density.js';
import { freePropagator } from '../../src/correlators/free-propagator.js';
import { checkSpecSemantics } from '../../src/spec/load-spec.js';
import type { NnftSpec } from '../../src/spec/spec.js';
import { initBackend } from '../../src/backend/index.js';
import { compileDeformation } from '../../src/densities/deformations.js';
import { estimateEnsemble, exactMomentTable, monomialTables, tracksLinearResponse, type AccumulationSetup } from '../../src/ensemble/estimate-ensemble.js';
import { planChunks } from '../../src/ensemble/chunk-plan.js';
import { linearResponse } from '../../src/estimators/linear-response.js';
import { chunkSums, closedFormResponse, firstOrderPulls } from '../helpers/first-order-pulls.js';
import { cosNetConnected } from '../../src/architectures/cos-net-exact-moments.js';
import { estimateSpec } from '../../src/spec/estimate-spec.js';
import { canonicalJson } from '../../src/io/canonical-json.js';

const GAUSSIAN_PAIRS = { kind: 'kurtosis', kurtosis: 2 } as const;
const split = (width: number, splitMomentum: number, extra: Partial<CosNetOptions> = {}) =>
  cosNet({ dimension: 1, width, mass: 1, cutoff: null, amplitude: GAUSSIAN_PAIRS, momentumSampling: 'split', splitMomentum, ...extra });

describe('split momenta (d = 1, no cutoff)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('lays out midpoint nodes below P and quantile slices above it, at least one neuron in 16 above', () => {
    const density = alphaMomentumDensity(1, 1, null, 0);
    const layout = splitLayout(64, 20, density);
    expect(layout.nodes.length + layout.cells.length).toBe(64);
    expect(layout.cells.length).toBe(4);
    // F(P) = (2/pi) arctan(P/m) for the d = 1 propagator density.
    expect(layout.splitQuantile).toBeCloseTo((2 / Math.PI) * Math.atan(20), 12);
    layout.nodes.forEach((node, i) => expect(node.components[0]).toBeCloseTo(((i + 0.5) * 20) / layout.nodes.length, 12));
    // Midpoint weights rho(p_i) dp with rho = (2/pi) / (1 + p^2).
    layout.nodes.forEach((node) => expect(node.weight).toBeCloseTo(((2 / Math.PI) / (1 + node.components[0]! ** 2)) * (20 / layout.nodes.length), 9));
    expect(layout.cells[0]!.uLow).toBeCloseTo(layout.splitQuantile, 14);
    expect(layout.cells.at(-1)!.uHigh).toBe(1);
    expect(() => splitLayout(1, 20, density)).toThrow(/width of at least 2/);
  });

  it('G2 is the free propagator to the quadrature accuracy: 1e-4 out to |s| = 2 at width 64 and 256 (measured <= 5.1e-5), 1e-6 at s = 0', () => {
    for (const width of [64, 256]) {
      const net = split(width, 20);
      for (const s of [0, 0.5, 1, 1.5, 2]) {
        const exact = net.exactMoment([[0], [s]])!;
        expect(Math.abs(exact / freePropagator(1, 1, null, s) - 1), `width ${width} s ${s}`).toBeLessThan(s === 0 ? 1e-6 : 1e-4);
      }
    }
    // Teeth: a coarse layout is measurably off (width 8: 20% at s = 0.5), so the check sees the nodes.
    expect(Math.abs(split(8, 20).exactMoment([[0], [0.5]])! / freePropagator(1, 1, null, 0.5) - 1)).toBeGreaterThan(0.05);
  });

  it('exact finite-width moments agree with Monte Carlo of the host forward pass (width 6, P = 3: 5 nodes and one infinite cell)', () => {
    const net = split(6, 3);
    expect(net.momenta.split!.nodes.length).toBe(5);
    const points = [[0], [0.5], [1], [1.5]];
    const monomials = [[0, 0], [0, 1], [0, 3], [0, 0, 0, 0], [0, 1, 2, 3], [0, 0, 3, 3], [1, 1, 1, 2]];
    const batches = 40;
    const perBatch = 20_000;
    const values = monomials.map(() => [] as number[]);
    const cumulants: number[] = [];
    for (let batch = 0; batch < batches; batch++) {
      const phi = net.referenceAtPoints(net.sample(900 + batch, perBatch), points);
      const moment = (indices: readonly number[]) => {
        let total = 0;
        for (let m = 0; m < perBatch; m++) {
          let product = 1;
          for (const i of indices) product *= phi[m * 4 + i]!;
          total += product;
        }
        return total / perBatch;
      };
      monomials.forEach((monomial, j) => values[j]!.push(moment(monomial)));
      cumulants.push(moment([0, 1, 2, 3]) - moment([0, 1]) * moment([2, 3]) - moment([0, 2]) * moment([1, 3]) - moment([0, 3]) * moment([1, 2]));
    }
    const stats = (list: readonly number[]) => {
      const mean = list.reduce((sum, value) => sum + value, 0) / list.length;
      const variance = list.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (list.length - 1);
      return { mean, stderr: Math.sqrt(variance / list.length) };
    };
    monomials.forEach((monomial, j) => {
      const { mean, stderr } = stats(values[j]!);
      const exact = net.exactMoment(monomial.map((i) => points[i]!))!;
      expect(Math.abs(mean - exact), `${monomial}: ${mean} ± ${stderr} vs ${exact}`).toBeLessThan(4.5 * stderr);
    });
    // The random cell gives the base a connected four-point function; exact and measured agree, and
    // it is resolved away from zero (so the cell averages are tested, not only the fixed nodes).
    const m = (i: number, k: number) => net.exactMoment([points[i]!, points[k]!])!;
    const exactCumulant = net.exactMoment(points)! - m(0, 1) * m(2, 3) - m(0, 2) * m(1, 3) - m(0, 3) * m(1, 2);
    const measured = stats(cumulants);
    expect(Math.abs(measured.mean - exactCumulant)).toBeLessThan(4.5 * measured.stderr);
    expect(Math.abs(exactCumulant)).toBeGreaterThan(5 * measured.stderr);
  });

  it('is exactly Gaussian below the split: Gaussian modes complete below P, the first-order response applies only to a weight cut at P or below', () => {
    const net = split(48, 6);
    expect(net.gaussianModes?.completeBelow).toBe(6);
    expect(net.gaussianModes!.variances.length).toBe(net.momenta.split!.nodes.length);
    expect(split(48, 6, { amplitude: { kind: 'kurtosis', kurtosis: 1.5 } }).gaussianModes).toBeNull();
    const terms = [{ kind: 'local' as const, power: 4, coupling: 1, wickOrdered: true, wickPropagatorAtZero: 0.45 }];
    const atSplit = compileDeformation(net, { regionSide: 4, terms, modeCutoff: 6 });
    const beyond = compileDeformation(net, { regionSide: 4, terms, modeCutoff: 8 });
    expect(tracksLinearResponse({ architecture: net, deformation: atSplit })).toBe(true);
    expect(tracksLinearResponse({ architecture: net, deformation: beyond })).toBe(false);
  });

  it('first-order control variate on split momenta: its correction has mean zero on the ensemble, and G_c4 agrees with the plain estimator at a far smaller error', async () => {
    const net = split(48, 6);
    const points = [[0], [0.4], [1.1]];
    const deformation = compileDeformation(net, {
      regionSide: 4,
      terms: [
        { kind: 'local', power: 4, coupling: 1.5, wickOrdered: true, wickPropagatorAtZero: 0.45 },
        { kind: 'local', power: 2, coupling: 0.2 },
      ],
      modeCutoff: 6,
    });
    const plan = planChunks(60_000, 1000, 60);
    const setup: AccumulationSetup = { architecture: net, deformation, pointSets: [points], maxOrder: 4, seed: 5, plan };
    const { pulls, resolved } = firstOrderPulls(await chunkSums(setup), closedFormResponse(setup));
    expect(Math.max(...pulls)).toBeLessThan(4.5);
    expect(resolved).toBeGreaterThan(8);

    // The variance reduction at weak coupling without a mass term (at lambda = 1.5 with the phi^2 term
    // the linearisation buys little, as on quadrature momenta); measured 1700x (median over G_c4) here.
    const weak = compileDeformation(net, { regionSide: 4, terms: [{ kind: 'local', power: 4, coupling: 0.3, wickOrdered: true, wickPropagatorAtZero: 0.45 }], modeCutoff: 6 });
    const common = { architecture: net, deformation: weak, points, orders: [2, 4], ensembleSize: 40_000, seed: 13, chunkSize: 1000, batchCount: 40 } as const;
    const withFirst = await estimateEnsemble(common);
    const plain = await estimateEnsemble({ ...common, controlVariate: 'off' });
    expect(withFirst.diagnostics.firstOrderControlVariate).toBe(true);
    const four = withFirst.summary.orders.find((order) => order.order === 4)!;
    const fourPlain = plain.summary.orders.find((order) => order.order === 4)!;
    four.values.forEach((value, k) => {
      expect(Math.abs(value - fourPlain.values[k]!)).toBeLessThan(4.5 * (fourPlain.stderr[k]! + four.stderr[k]!));
    });
    const medianReduction = [...four.varianceReduction].sort((a, b) => a - b)[Math.floor(four.varianceReduction.length / 2)]!;
    expect(medianReduction).toBeGreaterThan(100);
  });

  it('the non-local quartic term gets the first-order control variate too: its correction has mean zero on the ensemble', async () => {
    const net = split(48, 6);
    const points = [[0], [0.4], [1.1]];
    const deformation = compileDeformation(net, {
      regionSide: 4,
      terms: [
        { kind: 'nonlocal-quartic', coupling: 2, kernelWidth: 0.5 },
        { kind: 'local', power: 2, coupling: 0.1, wickOrdered: true, wickPropagatorAtZero: 0.45 },
      ],
      modeCutoff: 6,
    });
    expect(tracksLinearResponse({ architecture: net, deformation })).toBe(true);
    const plan = planChunks(40_000, 1000, 40);
    const setup: AccumulationSetup = { architecture: net, deformation, pointSets: [points], maxOrder: 4, seed: 9, plan };
    const { pulls, resolved } = firstOrderPulls(await chunkSums(setup), closedFormResponse(setup));
    expect(Math.max(...pulls)).toBeLessThan(4.5);
    expect(resolved).toBeGreaterThan(8);
  });

  it('spec checks: split needs d = 1, no cutoff, a split momentum and width >= 2; splitMomentum alone is refused', () => {
    const spec = (architecture: Record<string, unknown>, dimension = 1) =>
      ({
        nnftSpec: 1,
        name: 'x',
        dimension,
        architecture: { kind: 'cos-net', width: 64, mass: 1, momentumCutoff: null, ...architecture },
        observables: { points: [new Array(dimension).fill(0)], connected: [2] },
      }) as unknown as NnftSpec;
    expect(checkSpecSemantics(spec({ momentumSampling: 'split', splitMomentum: 20 }))).toEqual([]);
    expect(checkSpecSemantics(spec({ momentumSampling: 'split', splitMomentum: 20, momentumCutoff: 10 })).map((issue) => issue.path)).toEqual(['architecture.momentumSampling']);
    expect(checkSpecSemantics(spec({ momentumSampling: 'split' })).map((issue) => issue.path)).toEqual(['architecture.splitMomentum']);
    expect(checkSpecSemantics(spec({ momentumSampling: 'split', splitMomentum: 20, width: 1 })).map((issue) => issue.path)).toEqual(['architecture.width']);
    expect(checkSpecSemantics(spec({ splitMomentum: 20 })).map((issue) => issue.path)).toEqual(['architecture.splitMomentum']);
  });

  describe('box mass drawn into the nodes\' law (box-mass.ts)', () => {
    const points = [[0], [0.5], [1.4]];
    const boxMass = { side: 3, coupling: 0.75 };

    it('is the untilted ensemble reweighted by exp(-(g/2) int_box phi_low^2): exact tilted moments against importance sampling of the pipeline', async () => {
      const tilted = split(16, 6, { boxMass });
      const untilted = split(16, 6);
      const deformation = compileDeformation(untilted, { regionSide: 3, terms: [{ kind: 'local', power: 2, coupling: boxMass.coupling }], modeCutoff: 6 });
      const estimate = await estimateEnsemble({ architecture: untilted, deformation, points, orders: [2, 4], ensembleSize: 200_000, seed: 21, chunkSize: 2000, batchCount: 40, controlVariate: 'off' });
      let tiltResolved = 0;
      for (const order of estimate.summary.orders) {
        order.indices.forEach((tuple, k) => {
          const at = tuple.map((i) => points[i]!);
          const exact = cosNetConnected(tilted, at);
          const value = order.values[k]!;
          const error = order.stderr[k]!;
          expect(Math.abs(value - exact), `G_c${order.order}${tuple}: ${value} ± ${error} vs ${exact}`).toBeLessThan(4.5 * error);
          if (Math.abs(cosNetConnected(untilted, at) - exact) > 10 * error) tiltResolved++;
        });
      }
      // Teeth: the tilt itself is resolved (every G2 moves by many errors), so the agreement is not trivial.
      expect(tiltResolved).toBeGreaterThanOrEqual(6);
    });

    it('draws what its exact moments say (Monte Carlo of the host forward pass), and the first-order correction has mean zero on a tilted base', async () => {
      const net = split(16, 6, { boxMass });
      const batches = 40;
      const perBatch = 5000;
      const tuples = [[0, 0], [0, 1], [0, 2], [1, 2]];
      const values = tuples.map(() => [] as number[]);
      for (let batch = 0; batch < batches; batch++) {
        const phi = net.referenceAtPoints(net.sample(300 + batch, perBatch), points);
        tuples.forEach(([a, b], t) => {
          let total = 0;
          for (let m = 0; m < perBatch; m++) total += phi[m * 3 + a!]! * phi[m * 3 + b!]!;
          values[t]!.push(total / perBatch);
        });
      }
      tuples.forEach((tuple, t) => {
        const list = values[t]!;
        const mean = list.reduce((sum, value) => sum + value, 0) / batches;
        const error = Math.sqrt(list.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (batches - 1) / batches);
        expect(Math.abs(mean - net.exactMoment(tuple.map((i) => points[i]!))!)).toBeLessThan(4.5 * error);
      });

      // The weight on a tilted base sees a non-stationary Gaussian field (v0 varies over the box).
      const deformation = compileDeformation(net, { regionSide: 3, terms: [{ kind: 'local', power: 4, coupling: 1.5, wickOrdered: true, wickPropagatorAtZero: 0.4 }], modeCutoff: 6 });
      const plan = planChunks(60_000, 1000, 60);
      const setup: AccumulationSetup = { architecture: net, deformation, pointSets: [points], maxOrder: 4, seed: 7, plan };
      const response = closedFormResponse(setup);
      // Teeth: the stationary formula (every mode independent, v0 constant over the box) misses the tilt.
      const [table] = monomialTables(setup);
      const stationary = linearResponse({ ...net.gaussianModes!, coefficientCovariance: null }, deformation.localLogWeight()!, table!, points, exactMomentTable(net, table!, points))!;
      const sums = await chunkSums(setup);
      expect(Math.max(...firstOrderPulls(sums, response).pulls)).toBeLessThan(4.5);
      expect(Math.max(...firstOrderPulls(sums, stationary).pulls)).toBeGreaterThan(8);
    });

    it('a wholly Gaussian design (the mass term in the base, no weight left) estimates exactly and its result is valid JSON', async () => {
      const spec = {
        nnftSpec: 1,
        name: 'box-mass-exact',
        dimension: 1,
        architecture: { kind: 'cos-net', width: 16, mass: 1, momentumCutoff: null, amplitude: { law: 'kurtosis', kurtosis: 2, scale: 1 }, momentumSampling: 'split', splitMomentum: 6, boxMass },
        deformation: { region: { kind: 'box', side: 3 }, terms: [{ kind: 'local', power: 2, coupling: 0 }], modeCutoff: 6 },
        observables: { points, connected: [2, 4] },
      } as unknown as NnftSpec;
      const result = await estimateSpec(spec, { ensembleSize: 2000, seed: 3 });
      const two = result.correlators.find((block) => block.order === 2)!;
      const net = split(16, 6, { boxMass });
      two.indices.forEach((tuple, k) => {
        expect(two.values[k]).toBeCloseTo(net.exactMoment(tuple.map((i) => points[i]!))!, 12);
        expect(two.stderr[k]).toBeLessThan(1e-12);
      });
      // Zero error left: the variance-reduction factor is infinite, written as null (JSON has no Infinity).
      const factors = (result.varianceReduction as { factor: (number | null)[] }[]).flatMap((entry) => entry.factor);
      expect(factors.some((factor) => factor === null)).toBe(true);
      expect(() => canonicalJson(result)).not.toThrow();
    });

    it('is refused without Gaussian pairs on split momenta, and when a negative coupling makes the law improper', () => {
      expect(() => split(16, 6, { boxMass, amplitude: { kind: 'kurtosis', kurtosis: 1.5 } })).toThrow(/box mass/);
      expect(() => cosNet({ dimension: 1, width: 16, mass: 1, cutoff: null, amplitude: GAUSSIAN_PAIRS, momentumSampling: 'stratified', boxMass })).toThrow(/split/);
      expect(() => split(16, 6, { boxMass: { side: 3, coupling: -50 } })).toThrow(/improper/);
    });
  });
});
