import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/backend/index.js';
import { loadTarget } from '../../src/theory/load-target.js';
import { designSetup, largestWeightPower } from '../../src/design/design-setup.js';
import { cumulantsWithJacobian } from '../../src/design/moment-jacobian.js';
import type { CosNetDesignGeometry } from '../../src/design/cos-net-design-model.js';
import { cosNet } from '../../src/architectures/cos-net.js';
import { boxGrid, defaultResolution } from '../../src/densities/interaction-grid.js';

// The design's Jacobian must be the exact derivative of its own (common-random-number) estimate:
// compare with central differences on the same draws.
async function geometryFor(file: string): Promise<{ geometry: CosNetDesignGeometry; initial: number[] }> {
  const { theory } = await loadTarget(file);
  const setup = designSetup(theory, { modeCutoff: 8 });
  const resolved = setup.cutoff ?? setup.modeCutoff!;
  const grid = boxGrid(theory.dimension, setup.regionSide, defaultResolution(setup.regionSide, largestWeightPower(setup.terms) * resolved * 1.6));
  const base = cosNet({ dimension: theory.dimension, width: 8, mass: theory.mass, cutoff: setup.cutoff, alpha: 0, amplitude: { kind: 'fixed' } });
  const initial = [...setup.initial];
  initial[initial.length - 1] = 0.2; // a non-zero mass counterterm exercises every term
  return { geometry: { base, points: theory.points, terms: setup.terms, grid, modeCutoff: setup.modeCutoff, chunkSize: 200 }, initial };
}

async function checkAgainstDifferences(file: string, controlVariate: boolean): Promise<void> {
  const { geometry, initial } = await geometryFor(file);
  const differentiateScale = geometry.base.options.cutoff !== null;
  const at = (parameters: number[]) => cumulantsWithJacobian(geometry, 99, 600, parameters, [2, 4], true, { controlVariate, differentiateScale });
  const centre = await at(initial);
  const K = initial.length;
  for (let k = 0; k < K; k++) {
    if (k === 1 && !differentiateScale) continue; // momentum scale is held without a cutoff
    const step = 1e-3 * Math.max(1, Math.abs(initial[k]!));
    const up = initial.slice();
    up[k]! += step;
    const down = initial.slice();
    down[k]! -= step;
    const [plus, minus] = [await at(up), await at(down)];
    for (const order of [2, 4]) {
      const values = centre.values.get(order)!;
      const scale = Math.max(...Array.from(values, (value) => Math.abs(value)));
      values.forEach((_, t) => {
        const difference = (plus.values.get(order)![t]! - minus.values.get(order)![t]!) / (2 * step);
        const derivative = centre.jacobian.get(order)![t * K + k]!;
        // float32 device values: agreement to a few parts in 1e3 of the order's scale per unit step.
        expect(Math.abs(difference - derivative)).toBeLessThan(5e-3 * Math.max(scale, Math.abs(difference)) + 2e-3 * Math.abs(difference));
      });
    }
  }
}

describe('design correlator Jacobian', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('matches central differences with a cutoff (every parameter, control variate on)', async () => {
    await checkAgainstDifferences('test/design/fixtures/phi4-cutoff-1d.json', true);
  });

  it('matches central differences without a cutoff (mode-cutoff deformation, plain estimator)', async () => {
    await checkAgainstDifferences('targets/phi4-local-1d.json', false);
  });

  it('matches central differences for the non-local quartic term (cutoff, box)', async () => {
    await checkAgainstDifferences('targets/phi4-nonlocal-1d.json', true);
  });

  it('leaks no tensors', async () => {
    const { geometry, initial } = await geometryFor('targets/phi4-local-1d.json');
    await cumulantsWithJacobian(geometry, 1, 400, initial, [2, 4], true);
    const before = tf.memory().numTensors;
    await cumulantsWithJacobian(geometry, 2, 400, initial, [2, 4], true, { controlVariate: true, differentiateScale: false });
    expect(tf.memory().numTensors).toBe(before);
  });
});
