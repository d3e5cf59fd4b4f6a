/**
 * The d = 1 spectral solver at extreme couplings states its convergence honestly
 * (docs/correlators.md, "Spectral method"): either its numbers are right within the truncation
 * error it reports, or it fails with E_NOT_CONVERGED naming what to change. (It used to print
 * "(not converged)" at lambda = 1e100 with an error bar ~30 orders too small and a G_c4 of the wrong
 * sign, and G2 = 0.0078 with "truncation error 0" at lambda = 1e308.)
 */
import { describe, expect, it } from 'vitest';
import { computeSpectral } from '../../src/correlators/spectral.js';
import { blockMap, makeTheory, phi4 } from './theory-fixtures.js';

/**
 * Ground-state energy of H = p^2/2 + y^4 (the pure quartic oscillator): 2^{-2/3} times the classic
 * 1.0603620905 of p^2 + y^4. By the virial theorem <y^4> = E0/3.
 */
const QUARTIC_E0 = 0.667986259155777;

describe('spectral method at extreme couplings', () => {
  it('lambda = 1e100 and 1e308 (infinite volume): the pure-quartic limit, exactly scaled, G_c4 < 0, error bars that hold', () => {
    for (const lambda of [1e100, 1e308]) {
      const result = computeSpectral(makeTheory({ interactions: [phi4(lambda)], points: [[0], [0.5]] }));
      expect(result.converged).toBe(true);
      const g = lambda / 24;
      // x = g^{-1/6} y: <x^4> = g^{-2/3} E0/3; the mass term is a relative g^{-2/3} correction (< 1e-60).
      const g2 = blockMap(result.correlators, 2).get('0,0')!;
      const c4 = blockMap(result.correlators, 4).get('0,0,0,0')!;
      const x4 = c4 + 3 * g2 * g2;
      const reference = g ** (-2 / 3) * (QUARTIC_E0 / 3);
      expect(Math.abs(x4 / reference - 1)).toBeLessThan(1e-9);
      expect(c4).toBeLessThan(0);
      expect(g2).toBeGreaterThan(0);
      expect(g2).toBeLessThan(10 * g ** (-1 / 3));
      // The stated errors are on the theory's scale (G2 ~ 1e-34 at 1e100), not the free one.
      const c4Error = result.truncationErrors[result.correlators.findIndex((block) => block.order === 4)]![0]!;
      expect(Number.isFinite(result.truncationError)).toBe(true);
      expect(result.truncationError).toBeLessThan(1e-9 * g2);
      expect(c4Error).toBeLessThan(1e-6 * Math.abs(c4));
    }
  });

  it('G2 scales as lambda^{-1/3} between 1e94 and 1e100', () => {
    const g2At = (lambda: number) => blockMap(computeSpectral(makeTheory({ interactions: [phi4(lambda)], points: [[0]] })).correlators, 2).get('0,0')!;
    expect(g2At(1e100) / g2At(1e94)).toBeCloseTo(0.01, 9);
  });

  it('the reported truncation error bounds the true error (a loose tolerance against a tight one)', () => {
    for (const lambda of [0.5, 6, 1e6, 1e100]) {
      const theory = makeTheory({ interactions: [phi4(lambda)], points: [[0], [0.5], [1]] });
      const tight = computeSpectral(theory, { tolerance: 1e-13 });
      for (const tolerance of [1e-3, 1e-6]) {
        const loose = computeSpectral(theory, { tolerance });
        loose.correlators.forEach((block, b) =>
          block.values.forEach((value, i) => {
            const truth = tight.correlators[b]!.values[i]!;
            expect(Math.abs(value - truth)).toBeLessThanOrEqual(loose.truncationErrors[b]![i]! + 1e-13 * Math.abs(truth));
          }),
        );
      }
    }
  });

  it('with an interaction region (basis frequency held at m) lambda = 1e100 fails clearly, naming the keys to change', () => {
    const theory = makeTheory({ interactions: [phi4(1e100)], interactionRegion: { kind: 'box', side: 4 }, points: [[0], [0.5]] });
    expect(() => computeSpectral(theory, { maxBasisSize: 200 })).toThrow(
      expect.objectContaining({
        code: 'E_NOT_CONVERGED',
        message: expect.stringContaining('spectral method did not converge'),
        hint: expect.stringMatching(/action\.interactions\[0\]\.coupling.*regulator\.interactionRegion.*"method": "lattice"/),
      }),
    );
  });
});
