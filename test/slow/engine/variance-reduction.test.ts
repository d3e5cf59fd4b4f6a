import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/backend/index.js';
import { cosNet } from '../../../src/architectures/cos-net.js';
import { compileDeformation } from '../../../src/densities/deformations.js';
import { estimateEnsemble } from '../../../src/ensemble/estimate-ensemble.js';

const ENSEMBLE = Number(process.env.NNFT_VR_ENSEMBLE ?? 40_000);

describe('variance reduction for G_c4 of the lambda = 0.5, d = 1 deformed cos-net', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  }, 900000);

  it('reaches the plain standard error with at least 20x fewer networks', async () => {
    // A representative deformed setting: m = 1, Lambda = 30, alpha = 0, N = 64, V = [-4, 4], Wick-ordered phi^4.
    const net = cosNet({ dimension: 1, width: 64, mass: 1, cutoff: 30 });
    const deformation = compileDeformation(net, { regionSide: 8, terms: [{ kind: 'local', power: 4, coupling: 0.5, wickOrdered: true }] });
    const points = [[0]];
    // Averaging over the three central points -1, 0, 1: translations are a symmetry of the base ensemble
    // and of the interaction deep inside V; the bias is a boundary effect of order e^{-4 m (L/2 - 1)} ~ 1e-5.
    const images = [[[-1]], [[1]]];
    const full = await estimateEnsemble({ architecture: net, deformation, points, images, orders: [4], ensembleSize: ENSEMBLE, seed: Number(process.env.NNFT_VR_SEED ?? 31) });
    const [four] = full.summary.orders;
    const factor = four!.varianceReduction[0]!;
    console.log(`M = ${ENSEMBLE}: plain ${four!.plainValues[0]} ± ${four!.plainStderr[0]}, control variate ${four!.values[0]} ± ${four!.stderr[0]}, factor ${factor}, beta ${four!.controlVariateCoefficient[0]}`);
    expect(factor).toBeGreaterThanOrEqual(20);
    // The literal statement on independent draws (logged, not asserted: two jackknife errors from 32
    // batches each scatter by ~13%, so their ratio is no sharper test than the factor above).
    const small = await estimateEnsemble({ architecture: net, deformation, points, images, orders: [4], ensembleSize: Math.round(ENSEMBLE / 20), seed: 32 });
    console.log(`M/20 = ${ENSEMBLE / 20}: control variate ${small.summary.orders[0]!.values[0]} ± ${small.summary.orders[0]!.stderr[0]}`);
    expect(Math.abs(small.summary.orders[0]!.values[0]! - four!.values[0]!)).toBeLessThan(5 * Math.hypot(small.summary.orders[0]!.stderr[0]!, four!.stderr[0]!));
  }, 900000);
});
