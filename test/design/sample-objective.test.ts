import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { loadTarget } from '../../src/theory/load-target.js';
import { designSetup, specFromParameters } from '../../src/design/design-setup.js';
import { initialValues, parameterNames } from '../../src/design/design-model.js';
import { drawDesignSample, functionalExpansions } from '../../src/design/design-sample.js';
import { evaluateOnSample, sampleStandardErrors, type SampleObjectiveContext } from '../../src/design/sample-objective.js';
import { baseCouplings, exactBaseMoments } from '../../src/design/fit-on-sample.js';
import { monomialTable } from '../../src/estimators/monomials.js';
import { estimateSpec } from '../../src/spec/estimate-spec.js';

const TARGET = new URL('../../targets/phi4-local-1d.json', import.meta.url).pathname;

async function context(width: number, count: number): Promise<{ context: SampleObjectiveContext; initial: number[]; names: string[] }> {
  const theory = (await loadTarget(TARGET)).theory;
  const setup = designSetup(theory, { amplitudeLaw: 'tuned', modeCutoff: 6, momenta: 'independent' });
  const names = parameterNames(setup.model);
  const initial = initialValues(setup.model);
  const unit = initial.slice();
  unit[0] = 1;
  const spec = specFromParameters(theory, setup, width, unit, { panels: 24, nodesPerPanel: 12 });
  const table = monomialTable(theory.points.length, 4);
  const sample = await drawDesignSample(spec, setup.terms, 4, 7, count);
  return {
    context: { sample, exact: exactBaseMoments(spec, table), layout: setup.model.layout, pointCount: theory.points.length, orders: [2, 4], evenOnly: true, sampleKurtosis: 1, table },
    initial,
    names,
  };
}

describe('design sample objective', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('expands Wick-ordered functionals into raw powers (Hermite polynomials of variance G0)', () => {
    const { kinds, functionals } = functionalExpansions([{ kind: 'local', power: 4, wickOrdered: true, wickPropagatorAtZero: 0.3 }]);
    const x = 1.7;
    const sigma = 0.9;
    const value = functionals[0]!.parts.reduce((sum, part) => sum + part.coefficient * sigma ** part.power * (kinds[part.integral]!.kind === 'power' ? x ** (kinds[part.integral] as { power: number }).power : NaN), 0);
    const y = sigma * x;
    const hermite = y ** 4 - 6 * 0.3 * y * y + 3 * 0.3 * 0.3;
    expect(value).toBeCloseTo(hermite / 24, 12);
  });

  it('has an exact Jacobian (central differences on the fixed sample) in every parameter', async () => {
    const { context: ctx, initial } = await context(8, 1500);
    const theta = initial.slice();
    theta[0] = 1.05;
    theta[1] = 0.8; // stronger coupling: a visible response
    theta[3] = 1.6; // kurtosis inside the box
    const base = evaluateOnSample(ctx, theta);
    for (const k of [0, 1, 2, 3]) {
      const h = 1e-5 * Math.max(1, Math.abs(theta[k]!));
      const up = theta.slice();
      const down = theta.slice();
      up[k] = up[k]! + h;
      down[k] = down[k]! - h;
      const plus = evaluateOnSample(ctx, up);
      const minus = evaluateOnSample(ctx, down);
      for (const order of [2, 4]) {
        const jac = base.jacobian.get(order)!;
        const n = base.values.get(order)!.length;
        for (let t = 0; t < n; t++) {
          const numeric = (plus.values.get(order)![t]! - minus.values.get(order)![t]!) / (2 * h);
          expect(jac[t * 4 + k]!).toBeCloseTo(numeric, 6);
        }
      }
    }
  });

  it('reproduces the spec estimate of the same parameters within errors (fresh networks)', async () => {
    const { context: ctx, initial } = await context(8, 4000);
    const theta = initial.slice();
    theta[1] = 0.8;
    theta[3] = 1; // the sample's kurtosis: no extrapolation
    const onSample = evaluateOnSample(ctx, theta);
    const stderr = sampleStandardErrors(ctx, theta);
    const theory = (await loadTarget(TARGET)).theory;
    const setup = designSetup(theory, { amplitudeLaw: 'tuned', modeCutoff: 6, momenta: 'independent' });
    const spec = specFromParameters(theory, setup, 8, theta, { panels: 24, nodesPerPanel: 12 });
    const estimate = await estimateSpec(spec, { ensembleSize: 4000, seed: 99 });
    for (const order of [2, 4]) {
      const block = estimate.correlators.find((candidate) => candidate.order === order)!;
      block.values.forEach((value, t) => {
        const combined = Math.hypot(block.stderr[t]!, stderr.get(order)![t]!);
        expect(Math.abs(onSample.values.get(order)![t]! - value)).toBeLessThan(5 * combined);
      });
    }
  });
});

describe('design sample objective with a box mass (split momenta, the default in d = 1 without a cutoff)', () => {
  it('reproduces the spec estimate with the phi^2 coupling moved off its base value: the weight carries only the change', async () => {
    await initBackend('cpu');
    const theory = (await loadTarget(TARGET)).theory;
    const setup = designSetup(theory, { amplitudeLaw: 'tuned' });
    expect(setup.boxMass).not.toBeNull();
    const names = parameterNames(setup.model);
    const unit = initialValues(setup.model);
    const spec = specFromParameters(theory, setup, 16, unit, null);
    const table = monomialTable(theory.points.length, 4);
    const sample = await drawDesignSample(spec, setup.terms, 4, 7, 6000);
    const ctx: SampleObjectiveContext = { sample, exact: exactBaseMoments(spec, table), layout: setup.model.layout, pointCount: theory.points.length, orders: [2, 4], evenOnly: true, sampleKurtosis: 2, table, couplingBase: baseCouplings(setup) };
    const theta = unit.slice();
    const quadratic = names.indexOf('coupling2');
    // A move of the phi^2 coupling that shifts G2 by many errors (so a double-counted base would fail).
    theta[quadratic] = theta[quadratic]! + 0.3;
    const onSample = evaluateOnSample(ctx, theta);
    const stderr = sampleStandardErrors(ctx, theta);
    const estimate = await estimateSpec(specFromParameters(theory, setup, 16, theta, null), { ensembleSize: 6000, seed: 99 });
    const two = estimate.correlators.find((candidate) => candidate.order === 2)!;
    let moved = 0;
    for (const order of [2, 4]) {
      const block = estimate.correlators.find((candidate) => candidate.order === order)!;
      block.values.forEach((value, t) => {
        const combined = Math.hypot(block.stderr[t]!, stderr.get(order)![t]!);
        expect(Math.abs(onSample.values.get(order)![t]! - value), `G_c${order}[${t}]`).toBeLessThan(5 * combined);
      });
    }
    const atBase = evaluateOnSample(ctx, unit);
    two.values.forEach((_, t) => {
      if (Math.abs(atBase.values.get(2)![t]! - onSample.values.get(2)![t]!) > 10 * two.stderr[t]!) moved++;
    });
    expect(moved).toBeGreaterThan(5);
  });
});

describe('design sample sharding', () => {
  it('draws the same sample on 1 and 2 workers, to the bit', async () => {
    await initBackend('wasm');
    const theory = (await loadTarget(TARGET)).theory;
    const setup = designSetup(theory, { amplitudeLaw: 'tuned', modeCutoff: 6, momenta: 'independent' });
    const unit = initialValues(setup.model);
    unit[0] = 1;
    const spec = specFromParameters(theory, setup, 8, unit, { panels: 24, nodesPerPanel: 12 });
    const one = await drawDesignSample(spec, setup.terms, 4, 11, 1300, { chunkSize: 200, workers: 1, backend: 'wasm' });
    const two = await drawDesignSample(spec, setup.terms, 4, 11, 1300, { chunkSize: 200, workers: 2, backend: 'wasm' });
    expect(Buffer.from(two.monomials.buffer).equals(Buffer.from(one.monomials.buffer))).toBe(true);
    one.integrals.forEach((column, r) => expect(Array.from(two.integrals[r]!)).toEqual(Array.from(column)));
    expect(one.monomials.some((value) => value !== 0)).toBe(true);
  });
});
