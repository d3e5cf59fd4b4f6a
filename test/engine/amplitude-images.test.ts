import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { cosNet } from '../../src/architectures/cos-net.js';
import { compileDeformation } from '../../src/densities/deformations.js';
import { estimateEnsemble } from '../../src/ensemble/estimate-ensemble.js';
import { drawChunk } from '../../src/ensemble/draw-chunk.js';
import { amplitudeImagesRefusal, drawImageChunk, scaleAverageRefusal } from '../../src/ensemble/draw-images.js';

/**
 * Amplitude-phase images (src/ensemble/draw-images.ts; docs/performance.md, "Amplitude-phase
 * images") on the founding construction of scripts/bench/founding-phi4-1d.json: width 64, m = 1,
 * Lambda = 10, Gaussian amplitudes, exp(-(0.5/4!) int phi^4) on [-2, 2].
 */
function founding(width = 64) {
  const architecture = cosNet({ dimension: 1, width, mass: 1, cutoff: 10, amplitude: { kind: 'gaussian' } });
  const deformation = compileDeformation(architecture, { regionSide: 4, terms: [{ kind: 'local', power: 4, coupling: 0.5 }] });
  return { architecture, deformation };
}

const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const variance = (values: readonly number[]) => {
  const centre = mean(values);
  return values.reduce((sum, value) => sum + (value - centre) ** 2, 0) / (values.length - 1);
};

describe('amplitude-phase images', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('image 0 of every momentum draw is the plain draw: same phi at the points and the same log-weight', async () => {
    const { architecture, deformation } = founding(16);
    const points = [[0], [0.7]];
    const plain = await drawChunk(architecture, deformation, points, 5, 3, 40);
    const images = await drawImageChunk(architecture, deformation, points, 5, 3, 40, 4);
    expect(images.count).toBe(160);
    for (let m = 0; m < 40; m++) {
      for (let p = 0; p < points.length; p++) expect(images.columns[p]![m * 4]!).toBeCloseTo(plain.columns[p]![m]!, 5);
      expect(images.logWeights![m * 4]!).toBeCloseTo(plain.logWeights![m]!, 5);
    }
    // The other images are other networks.
    expect(Math.abs(images.columns[0]![1]! - images.columns[0]![0]!)).toBeGreaterThan(1e-6);
  });

  it('with a non-local quartic and a Wick-ordered term image 0 still has the plain draw\'s log-weight (the deformation\'s own pass)', async () => {
    const architecture = cosNet({ dimension: 1, width: 12, mass: 1, cutoff: 8, amplitude: { kind: 'gaussian' } });
    for (const terms of [
      [{ kind: 'nonlocal-quartic' as const, coupling: 0.3, kernelWidth: 0.5 }],
      [{ kind: 'local' as const, power: 4, coupling: 0.4, wickOrdered: true }, { kind: 'local' as const, power: 2, coupling: 0.2 }],
    ]) {
      const deformation = compileDeformation(architecture, { regionSide: 3, terms });
      const plain = await drawChunk(architecture, deformation, [[0]], 9, 1, 30);
      const images = await drawImageChunk(architecture, deformation, [[0]], 9, 1, 30, 3);
      for (let m = 0; m < 30; m++) expect(images.logWeights![m * 3]!).toBeCloseTo(plain.logWeights![m]!, 4);
    }
  });

  it('the images have the base law: E_0[phi^2], E_0[phi^4] and E_0[h] match the exact ones within 4 sigma (clusters of one momentum draw)', async () => {
    const { architecture, deformation } = founding();
    const origin = [[0]];
    const exact2 = architecture.exactMoment([[0], [0]])!;
    const exact4 = architecture.exactMoment([[0], [0], [0], [0]])!;
    // E_0[h] = -(g/4!) int_V E_0[phi^4] (stationary), on the same quadrature grid.
    const gridWeight = deformation.grid.weights.reduce((sum, value) => sum + value, 0);
    const exactH = -(0.5 / 24) * exact4 * gridWeight;
    const images = 16;
    const perDraw: { two: number; four: number; h: number }[] = [];
    for (let chunk = 0; chunk < 10; chunk++) {
      const drawn = await drawImageChunk(architecture, deformation, origin, 11, chunk, 200, images);
      for (let m = 0; m < 200; m++) {
        let two = 0;
        let four = 0;
        let h = 0;
        for (let k = 0; k < images; k++) {
          const phi = drawn.columns[0]![m * images + k]!;
          two += (phi * phi) / images;
          four += phi ** 4 / images;
          h += drawn.logWeights![m * images + k]! / images;
        }
        perDraw.push({ two, four, h });
      }
    }
    for (const [key, exact] of [['two', exact2], ['four', exact4], ['h', exactH]] as const) {
      const values = perDraw.map((entry) => entry[key]);
      const error = Math.sqrt(variance(values) / values.length);
      expect(Math.abs(mean(values) - exact) / error, key).toBeLessThan(4);
    }
  });

  it('over 20 seeds the scatter of G_c4(0,0,0,0), with and without the amplitude-scale average, matches the stated stderr (chi-square, 19 dof, 99.9%) and the mean matches plain draws on other seeds within 4 sigma', async () => {
    const { architecture, deformation } = founding();
    const common = { architecture, deformation, points: [[0]], orders: [4] };
    const withImages: number[] = [];
    const stated: number[] = [];
    const averaged: number[] = [];
    const averagedStated: number[] = [];
    const plain: number[] = [];
    const plainStated: number[] = [];
    for (let seed = 1; seed <= 20; seed++) {
      const estimate = await estimateEnsemble({ ...common, ensembleSize: 8192, seed, amplitudeImages: 32 });
      expect(estimate.summary.ensembleSize).toBe(8192);
      withImages.push(estimate.summary.orders[0]!.values[0]!);
      stated.push(estimate.summary.orders[0]!.stderr[0]!);
      const scaleAveraged = await estimateEnsemble({ ...common, ensembleSize: 8192, seed, amplitudeImages: 32, amplitudeScaleAverage: true });
      averaged.push(scaleAveraged.summary.orders[0]!.values[0]!);
      averagedStated.push(scaleAveraged.summary.orders[0]!.stderr[0]!);
      const reference = await estimateEnsemble({ ...common, ensembleSize: 4096, seed: 1000 + seed });
      plain.push(reference.summary.orders[0]!.values[0]!);
      plainStated.push(reference.summary.orders[0]!.stderr[0]!);
    }
    const statedVariance = mean(stated.map((value) => value * value));
    const ratio = variance(withImages) / statedVariance;
    // chi^2_19 / 19 between its 0.05% and 99.95% quantiles.
    expect(ratio).toBeGreaterThan(0.26);
    expect(ratio).toBeLessThan(2.39);
    const sigma = Math.sqrt(variance(withImages) / 20 + variance(plain) / 20);
    expect(Math.abs(mean(withImages) - mean(plain)) / sigma).toBeLessThan(4);
    // The amplitude-scale average on the same draws: the same checks.
    const averagedRatio = variance(averaged) / mean(averagedStated.map((value) => value * value));
    expect(averagedRatio).toBeGreaterThan(0.26);
    expect(averagedRatio).toBeLessThan(2.39);
    const averagedSigma = Math.sqrt(variance(averaged) / 20 + variance(plain) / 20);
    expect(Math.abs(mean(averaged) - mean(plain)) / averagedSigma).toBeLessThan(4);
  });

  it('the amplitude-scale average: with a zero coupling its weights are E[rho^k] of chi^2_N (the quadrature), and image 0 is the plain network over rho', async () => {
    const architecture = cosNet({ dimension: 1, width: 64, mass: 1, cutoff: 10, amplitude: { kind: 'gaussian' } });
    const free = compileDeformation(architecture, { regionSide: 4, terms: [{ kind: 'local', power: 4, coupling: 0 }] });
    const drawn = await drawImageChunk(architecture, free, [[0]], 5, 0, 20, 3, true, 4);
    for (let k = 0; k <= 4; k++) {
      for (let m = 0; m < drawn.count; m++) expect(drawn.degreeWeights![k]![m]! * Math.exp(drawn.logShift!) / drawn.plainFactors![k]!).toBeCloseTo(1, 8); // the 48-node rule: E[rho^k] to 1e-9 relative
    }
    // E[rho^2] = N, E[rho^4] = N (N + 2).
    expect(drawn.plainFactors![2]!).toBeCloseTo(64, 9);
    expect(drawn.plainFactors![4]!).toBeCloseTo(64 * 66, 6);
    // phi_u = phi / rho with rho^2 = |t|^2: |phi_u(0)| <= sum_i |b_i / t_i| |u_i| stays of order sqrt(G(0) / N).
    const plain = await drawChunk(architecture, free, [[0]], 5, 0, 20);
    for (let m = 0; m < 20; m++) {
      const ratio = plain.columns[0]![m]! / drawn.columns[0]![m * 3]!;
      // the ratio is rho = |t| of that network: chi_64 lies in [4, 12] with overwhelming probability
      expect(ratio).toBeGreaterThan(4);
      expect(ratio).toBeLessThan(12);
    }
  });

  it('refuses what would change the law', () => {
    const { architecture: gaussianNet, deformation: quartic } = founding(8);
    expect(scaleAverageRefusal(gaussianNet, quartic)).toBeNull();
    const kurtosisNet = cosNet({ dimension: 1, width: 8, mass: 1, cutoff: 10, amplitude: { kind: 'kurtosis', kurtosis: 2 } });
    expect(scaleAverageRefusal(kurtosisNet, compileDeformation(kurtosisNet, { regionSide: 4, terms: [{ kind: 'local', power: 4, coupling: 0.5 }] }))).toMatch(/Gaussian amplitudes/);
    const shared = cosNet({ dimension: 1, width: 8, mass: 1, cutoff: 10, sharedScale: { kind: 'lognormal', logStd: 0.3 } });
    const deformation = compileDeformation(shared, { regionSide: 4, terms: [{ kind: 'local', power: 4, coupling: 0.5 }] });
    expect(amplitudeImagesRefusal(shared, deformation)).toMatch(/shared scale/);
    const { architecture } = founding(8);
    expect(amplitudeImagesRefusal(architecture, null)).toMatch(/no deformation/);
    const withCutoff = compileDeformation(architecture, { regionSide: 4, terms: [{ kind: 'local', power: 4, coupling: 0.5 }], modeCutoff: 5 });
    expect(amplitudeImagesRefusal(architecture, withCutoff)).toMatch(/mode cutoff/);
  });
});
