import { describe, expect, it } from 'vitest';
import {
  derivativeQuarticTree1d,
  freePropagator1d,
  localQuarticTree1d,
  nonlocalQuarticTree1d,
  quarticExchangeTree1d,
  sexticTadpoleTree1d,
} from '../../src/reconstruct/tree-level-1d.js';
import { integratePanels } from '../../src/reconstruct/piecewise-exponential.js';
import { complementaryErrorFunction, chiSquaredPValue } from '../../src/reconstruct/fit-statistics.js';

const mass = 1;
const points = [0, 0.5, 1.0, 1.7];
const G = (x: number) => freePropagator1d(mass, x);

/** Brute-force 1-d quadrature over z in [-15, 17] with panels cut at the points. */
function brute1d(f: (z: number) => number, cuts: number[] = points, panel = 0.05): number {
  return integratePanels(f, -15, 17, cuts, panel, 12);
}

describe('tree-level d = 1 diagrams (closed forms vs quadrature and known values)', () => {
  it('local phi^4: G_c4(0,0,0,0) = -lambda/32 at m = 1 (docs/correlators.md, "Perturbation theory (first order)")', () => {
    expect(localQuarticTree1d([0, 0, 0, 0], 1)).toBeCloseTo(-1 / 32, 15);
    expect(localQuarticTree1d([0, 0, 0, 0], 2)).toBeCloseTo(-1 / 32 / 2 ** 5, 15);
  });

  it('local phi^4 at separated points matches quadrature', () => {
    const exact = -brute1d((z) => points.reduce((product, x) => product * G(x - z), 1));
    expect(localQuarticTree1d(points, mass)).toBeCloseTo(exact, 12);
  });

  it('two-derivative quartic matches quadrature of its definition', () => {
    const dG = (x: number, z: number) => mass * Math.sign(x - z) * G(x - z);
    const exact = -brute1d((z) => {
      let sum = 0;
      for (let k = 0; k < 4; k++) {
        for (let l = k + 1; l < 4; l++) {
          let product = dG(points[k], z) * dG(points[l], z);
          for (let o = 0; o < 4; o++) if (o !== k && o !== l) product *= G(points[o] - z);
          sum += product;
        }
      }
      return sum;
    });
    expect(derivativeQuarticTree1d(points, mass)).toBeCloseTo(exact, 11);
    expect(derivativeQuarticTree1d([0, 0, 0, 0], mass)).toBeCloseTo(-3 / 16, 14);
  });

  it('Gaussian non-local quartic matches 2-d quadrature and tends to local phi^4 as width -> 0', () => {
    const width = 0.5;
    const kernel = (u: number) => Math.exp(-(u * u) / (2 * width * width)) / Math.sqrt(2 * Math.PI * width * width);
    const pairings = [[0, 1, 2, 3], [0, 2, 1, 3], [0, 3, 1, 2]];
    let total = 0;
    for (const [a, b, c, d] of pairings) {
      total += brute1d((z) => {
        const inner = integratePanels((w) => kernel(z - w) * G(points[c] - w) * G(points[d] - w), z - 8 * width, z + 8 * width, [points[c], points[d]], 0.1, 12);
        return G(points[a] - z) * G(points[b] - z) * inner;
      }, points, 0.1);
    }
    expect(nonlocalQuarticTree1d(points, mass, width)).toBeCloseTo(-total / 3, 9);
    const local = localQuarticTree1d(points, mass);
    expect(Math.abs(nonlocalQuarticTree1d(points, mass, 1e-3) / local - 1)).toBeLessThan(1e-4);
  });

  it('sextic tadpole is -(1/2) G(0) times the local shape', () => {
    expect(sexticTadpoleTree1d(points, mass)).toBeCloseTo(0.25 * localQuarticTree1d(points, mass), 15);
  });

  it('quartic exchange in G_c6 matches nested quadrature', () => {
    const six = [0, 0.3, 0.6, 1.0, 1.4, 2.0];
    const z0 = six[0];
    let exact = 0;
    for (let a = 1; a < 6; a++) {
      for (let b = a + 1; b < 6; b++) {
        const right = six.filter((_, i) => i !== 0 && i !== a && i !== b);
        exact += brute1d(
          (z) => G(z0 - z) * G(six[a] - z) * G(six[b] - z) * brute1d((w) => G(z - w) * right.reduce((p, x) => p * G(x - w), 1), [z, ...right], 0.4),
          six,
          0.4,
        );
      }
    }
    expect(quarticExchangeTree1d(six, mass)).toBeCloseTo(exact, 9);
  });
});

describe('fit statistics', () => {
  it('erfc and the chi^2 p-value agree with known values', () => {
    expect(complementaryErrorFunction(0.5)).toBeCloseTo(0.4795001221869535, 14);
    expect(complementaryErrorFunction(3)).toBeCloseTo(2.209049699858544e-5, 18);
    expect(complementaryErrorFunction(-1)).toBeCloseTo(1.8427007929497148, 14);
    expect(chiSquaredPValue(2, 2)).toBeCloseTo(Math.exp(-1), 14);
    expect(chiSquaredPValue(3.84145882069412, 1)).toBeCloseTo(0.05, 10);
    expect(chiSquaredPValue(30, 20)).toBeCloseTo(0.06985366069940, 9);
  });
});
