import { describe, expect, it } from 'vitest';
import { boxMassCandidates, chooseBoxMass, pilotCost } from '../../src/design/box-mass-choice.js';
import { loadTarget } from '../../src/theory/load-target.js';
import { designSetup } from '../../src/design/design-setup.js';

const target = (name: string) => new URL(`../../targets/conformance/${name}.json`, import.meta.url).pathname;

describe('the box mass of the base law', () => {
  it('tries multiples of the unordered tadpole: a Wick-ordered phi^4 still gets a scale though its first-order phi^2 coupling is 0', async () => {
    const wick = designSetup((await loadTarget(target('conf-1d-box-wick-lambda8'))).theory, { amplitudeLaw: 'tuned' });
    // lambda = 8, G0 = 1/(2m) = 1/2: (lambda/2) G0 = 2; the construction's own phi^2 coupling is 0, so no box mass yet.
    expect(wick.boxMassScale).toBeCloseTo(2, 12);
    expect(wick.boxMass).toBeNull();
    expect(boxMassCandidates(wick.boxMassScale!, 0, 1)).toEqual([0, 0.5, 1, 1.5, 2, 3, 4, 6]);
    // phi^6 (g = 30): its phi^2 self-contraction g G0^2 / 8 = 0.9375 is the first-order coupling too.
    const sextic = designSetup((await loadTarget(target('conf-1d-phi6-box'))).theory, { amplitudeLaw: 'tuned' });
    expect(sextic.boxMassScale).toBeCloseTo(30 * 0.25 / 8, 12);
    expect(sextic.boxMass?.coupling).toBeCloseTo(30 * 0.25 / 8, 12);
    // No box mass where it cannot be drawn (stratified momenta, or the founding paper's Gaussian law).
    expect(designSetup((await loadTarget(target('conf-1d-phi6-box'))).theory, { amplitudeLaw: 'gaussian' }).boxMassScale).toBeNull();
  });

  it('keeps the law proper (a box mass above -0.9 m^2) and adds the first-order coupling', () => {
    expect(boxMassCandidates(-1, 0.1, 1)).toEqual([-0.75, -0.5, -0.25, 0, 0.1]);
    expect(boxMassCandidates(-1, 0.1, 1).every((value) => value > -0.9)).toBe(true);
  });

  it('measures cost as the worst relative stderr over orders, refusing non-finite pilots', () => {
    const scale = (order: number) => (order === 2 ? 0.5 : 0.1);
    expect(pilotCost([{ order: 2, stderr: [0.01, 0.02] }, { order: 4, stderr: [0.003] }], scale)).toBeCloseTo(0.04, 12);
    expect(pilotCost([{ order: 2, stderr: [0.01, Number.NaN] }], scale)).toBe(Infinity);
  });

  it('picks the cheapest pilot, breaks near-ties toward the first-order coupling, and falls back to it when every pilot fails', async () => {
    const costs = new Map([[0, 0.3], [0.5, 0.1], [1, 0.1005], [2, 0.2]]);
    const chosen = await chooseBoxMass([0, 0.5, 1, 2], 1, async (coupling) => costs.get(coupling)!);
    expect(chosen.coupling).toBe(1);
    expect(chosen.candidates).toHaveLength(4);
    expect((await chooseBoxMass([0, 0.5, 1, 2], 0, async (coupling) => costs.get(coupling)!)).coupling).toBe(0.5);
    expect((await chooseBoxMass([0, 1], 0.25, async () => Infinity)).coupling).toBe(0.25);
  });
});
