/**
 * The radial CDF and density of the alpha momentum densities (architectures/alpha-momentum-density.ts).
 * Oracles: closed forms of int_0^r p^{d-1} (p^2 + m^2)^{-(1+alpha)} dp worked out by hand, independent
 * of the code's closed forms and of its table in theta = arctan(p/m); density() against central
 * differences of cdf(); radius() inverting cdf(); and the split layout's node weights, which are
 * density() times the node spacing.
 */
import { describe, expect, it } from 'vitest';
import { alphaMomentumDensity } from '../../src/architectures/alpha-momentum-density.js';
import { splitLayout } from '../../src/architectures/split-momenta.js';
import type { Dimension } from '../../src/theory/theory.js';

interface Case {
  readonly name: string;
  readonly dimension: Dimension;
  readonly alpha: number;
  readonly cutoff: number | null;
  /** int_0^r p^{d-1} (p^2 + m^2)^{-(1+alpha)} dp, unnormalised. */
  readonly integral: (r: number, m: number) => number;
  /** Whether the code has a closed form here (otherwise it uses its table). */
  readonly closedForm: boolean;
}

const cases: Case[] = [
  { name: 'd = 1, alpha = 0, no cutoff (Lorentzian)', dimension: 1, alpha: 0, cutoff: null, integral: (r, m) => Math.atan(r / m) / m, closedForm: true },
  { name: 'd = 1, alpha = 0, cutoff 7', dimension: 1, alpha: 0, cutoff: 7, integral: (r, m) => Math.atan(r / m) / m, closedForm: true },
  { name: 'd = 2, alpha = 0, cutoff 10', dimension: 2, alpha: 0, cutoff: 10, integral: (r, m) => 0.5 * Math.log(1 + (r * r) / (m * m)), closedForm: true },
  { name: 'd = 3, alpha = -1 (uniform ball), cutoff 5', dimension: 3, alpha: -1, cutoff: 5, integral: (r) => r ** 3 / 3, closedForm: true },
  { name: 'd = 1, alpha = 1/2, no cutoff', dimension: 1, alpha: 0.5, cutoff: null, integral: (r, m) => r / (m * m * Math.sqrt(r * r + m * m)), closedForm: false },
  { name: 'd = 2, alpha = 1, no cutoff', dimension: 2, alpha: 1, cutoff: null, integral: (r, m) => 0.5 * (1 / (m * m) - 1 / (r * r + m * m)), closedForm: false },
  { name: 'd = 3, alpha = 0, cutoff 20', dimension: 3, alpha: 0, cutoff: 20, integral: (r, m) => r - m * Math.atan(r / m), closedForm: false },
  { name: 'd = 4, alpha = 0, cutoff 6', dimension: 4, alpha: 0, cutoff: 6, integral: (r, m) => 0.5 * r * r - 0.5 * m * m * Math.log(1 + (r * r) / (m * m)), closedForm: false },
];

const mass = 1.3;

describe('radial CDF and density of the alpha momentum densities', () => {
  for (const c of cases) {
    describe(c.name, () => {
      const law = alphaMomentumDensity(c.dimension, mass, c.cutoff, c.alpha);
      const total = c.cutoff === null ? c.integral(1e150, mass) : c.integral(c.cutoff, mass);
      const exactCdf = (r: number) => c.integral(r, mass) / total;
      const top = c.cutoff ?? 60;
      const radii = Array.from({ length: 41 }, (_, i) => (top * (i + 0.5)) / 41);

      it(`cdf() is the closed form (measured <= 2.1e-15) to ${c.closedForm ? '1e-14' : '1e-13'} (${c.closedForm ? 'closed form' : 'tabulated'} in the code)`, () => {
        expect(law.method.startsWith(c.closedForm ? 'closed form' : 'tabulated')).toBe(true);
        for (const r of radii) expect(Math.abs(law.cdf(r) - exactCdf(r)), `r = ${r}`).toBeLessThan(c.closedForm ? 1e-14 : 1e-13);
      });

      it('density() is the derivative of cdf() (central differences with step 1e-4 r, 1e-7 relative; measured <= 2e-8)', () => {
        for (const r of radii) {
          const h = 1e-4 * r;
          const difference = (law.cdf(r + h) - law.cdf(r - h)) / (2 * h);
          expect(Math.abs(law.density(r) / difference - 1), `r = ${r}`).toBeLessThan(1e-7);
        }
      });

      it('radius() inverts cdf(), and both are clamped outside [0, cutoff]', () => {
        for (const r of radii) expect(Math.abs(law.radius(law.cdf(r)) / r - 1), `r = ${r}`).toBeLessThan(1e-12);
        expect(law.cdf(0)).toBe(0);
        expect(law.cdf(-1)).toBe(0);
        expect(law.density(-1)).toBe(0);
        if (c.cutoff !== null) {
          expect(law.cdf(c.cutoff)).toBe(1);
          expect(law.cdf(2 * c.cutoff)).toBe(1);
          expect(law.density(2 * c.cutoff)).toBe(0);
        } else {
          expect(law.cdf(Infinity)).toBe(1);
          expect(law.density(Infinity)).toBe(0);
        }
      });
    });
  }

  it("split momenta: the split quantile is cdf(P) and each node's weight is density(p_i) P / n, to 1e-14 against the closed form (alpha = 1/2)", () => {
    // rho(p) = m^2 (p^2 + m^2)^{-3/2}, F(p) = p / sqrt(p^2 + m^2): the code tabulates this case.
    const law = alphaMomentumDensity(1, mass, null, 0.5);
    const splitMomentum = 20;
    const layout = splitLayout(64, splitMomentum, law);
    expect(Math.abs(layout.splitQuantile - splitMomentum / Math.hypot(splitMomentum, mass))).toBeLessThan(1e-14);
    const spacing = splitMomentum / layout.nodes.length;
    for (const node of layout.nodes) {
      const p = node.components[0]!;
      expect(Math.abs(node.weight / ((mass * mass * spacing) / (p * p + mass * mass) ** 1.5) - 1), `p = ${p}`).toBeLessThan(1e-14);
    }
  });
});
