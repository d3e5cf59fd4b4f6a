/**
 * A non-local quartic vertex with a decaying (Gaussian) kernel is non-local but clusters
 * (docs/reconstruct.md, "Cluster decomposition: a plateau the data never reach"). The data are the
 * exact first-order perturbation theory of (g/4!) int int phi^2 K phi^2 (src/correlators/perturbative.ts),
 * whose G_c4(a,a,b,b) falls like e^{-2 m R} times a kernel-smeared prefactor: no plateau. Before the
 * far-tail decay test the misfitting two-term curve model put B = 3.3e-5 at 5.4 sigma and the verdict
 * read "non-local; violates cluster decomposition". The negative controls keep a plateau the data
 * reach, however badly the model fits its approach.
 */
import { describe, expect, it } from 'vitest';
import { computePerturbative } from '../../src/correlators/perturbative.js';
import { EXACT_INPUT_RELATIVE_ERROR_FLOOR, fitClusterCurve, reconstructAction } from '../../src/reconstruct/index.js';
import { farTailDecay } from '../../src/reconstruct/cluster-decay.js';
import { makeTheory } from '../correlators/theory-fixtures.js';

describe('cluster verdict of a non-local theory', () => {
  it('the Gaussian-kernel quartic reads "non-local; clusters"', () => {
    const theory = makeTheory({
      interactions: [{ kind: 'nonlocal-quartic', coupling: 0.5, kernel: { kind: 'gaussian', width: 0.5 } }],
      momentumCutoff: 20,
      interactionRegion: { kind: 'box', side: 12 },
      points: Array.from({ length: 9 }, (_, i) => [-2 + 0.5 * i]),
    });
    const { correlators } = computePerturbative(theory);
    const [twoPoint, fourPoint] = correlators as [(typeof correlators)[number], (typeof correlators)[number]];
    const report = reconstructAction({ points: theory.points, twoPoint, fourPoint, mass: 1, errorFloor: EXACT_INPUT_RELATIVE_ERROR_FLOOR });
    expect(report.verdict.summary).toBe('non-local; clusters');
    expect(report.cluster!.violatesClustering).toBe(false);
    // the fit's plateau is still significant: it is the far tail that overrules it
    expect(report.cluster!.significance).toBeGreaterThan(3);
    expect(report.cluster!.decayingTail!.decays).toBe(true);
    expect(report.cluster!.message).toMatch(/^clusters: C\(R\) decays over the far tail/);
    // the Gaussian kernel of the action is found: width 0.5
    expect(report.verdict.numbers.kernelWidth!.value).toBeCloseTo(0.5, 2);
  }, 20_000);

  it('a plateau the data reach still violates, even when the model misfits its approach', () => {
    const separations = Array.from({ length: 17 }, (_, i) => 0.25 * i);
    for (const plateau of [0.01, 0.003]) {
      // a power-law approach (no single exponential) onto the plateau
      const values = separations.map((r) => 0.05 / (1 + r * r) ** 2 + plateau);
      const fit = fitClusterCurve({ separations, values, stderr: values.map((value) => 0.002 * Math.abs(value)), propagatorAtZero: 0.5 });
      expect(fit.pValue).toBeLessThan(1e-3); // the model does not describe the curve
      expect(fit.violatesClustering).toBe(true);
      expect(fit.decayingTail).toBeUndefined();
      // at B = 0.01 the tail sits above 10% of the peak; at B = 0.003 it still falls resolvably (2% a
      // step) but the fitted plateau exceeds the decaying part at R = 4: the data reach it
      expect(farTailDecay({ separations, values, stderr: values.map((value) => 0.002 * Math.abs(value)) })!.decays).toBe(plateau === 0.003);
    }
  });

  it('the far-tail test: steady fall passes; a stalled step or a tail above 10% of the peak fails', () => {
    const separations = [0, 1, 2, 3, 4];
    const stderr = [1e-4, 1e-4, 1e-4, 1e-5, 1e-5];
    expect(farTailDecay({ separations, values: [1, 0.3, 0.05, 0.02, 0.008], stderr })!.decays).toBe(true);
    // last step falls by 2 sigma only
    expect(farTailDecay({ separations, values: [1, 0.3, 0.05, 0.02, 0.02 - 2 * Math.hypot(1e-5, 1e-5)], stderr })!.decays).toBe(false);
    // still falling, but at 15% of the peak
    expect(farTailDecay({ separations, values: [1, 0.6, 0.4, 0.25, 0.15], stderr })!.decays).toBe(false);
    expect(farTailDecay({ separations: [0, 1], values: [1, 0.1], stderr: [0, 0] })).toBeNull();
  });
});
