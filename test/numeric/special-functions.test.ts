import { describe, expect, it } from 'vitest';
import { besselJ0, besselJ1, besselK, besselK0, besselK1, erf, erfc, logGamma } from '../../src/numeric/index.js';

// Reference values from an independent 30-digit computation (mpmath).
const K_VALUES: [number, number, number, number][] = [
  [1e-6, 13.9314420736264195, 999999.999992784324, 3759942411945874.52],
  [0.1, 2.42706902470201656, 9.85384478087060557, 1187.02122364189294],
  [1, 0.421024438240708333, 0.601907230197234575, 3.22747953113526191],
  [2.5, 0.062347553200366186, 0.0738908163477470636, 0.17437672765274677],
  [10, 1.77800623161676518e-5, 1.86487734538255846e-5, 2.39313258646278889e-5],
  [50, 3.41016774978949551e-23, 3.44410222671755561e-23, 3.6278396452990476e-23],
  [300, 3.72369485488914326e-132, 3.7298958583323727e-132, 3.76262075585568577e-132],
];
const J_VALUES: [number, number, number][] = [
  [0.3, 0.977626246538296089, 0.148318816273104002],
  [1, 0.765197686557966551, 0.440050585744933516],
  [5, -0.177596771314338304, -0.327579137591465222],
  [14.9, 0.00639154489085290683, 0.206876171809925053],
  [15, -0.0142244728267807732, 0.205104038613522761],
  [15.1, -0.0345618514555649562, 0.201310220408490918],
  [20, 0.167024664340583155, 0.0668331241758500456],
  [80, -0.0697421655122100228, -0.0560572966757125775],
  [400, -0.0388251815307839557, -0.00922205842858635125],
];

const relative = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe('modified Bessel K', () => {
  it.each(K_VALUES)('K_0, K_1, K_2.5 at x = %f to 1e-13 relative', (x, k0, k1, k25) => {
    expect(relative(besselK0(x), k0)).toBeLessThan(1e-13);
    expect(relative(besselK1(x), k1)).toBeLessThan(1e-13);
    expect(relative(besselK(2.5, x), k25)).toBeLessThan(1e-13);
  });
});

describe('Bessel J', () => {
  it.each(J_VALUES)('J_0, J_1 at x = %f to 1e-11 absolute', (x, j0, j1) => {
    expect(Math.abs(besselJ0(x) - j0)).toBeLessThan(1e-11);
    expect(Math.abs(besselJ1(x) - j1)).toBeLessThan(1e-11);
    expect(besselJ1(-x)).toBeCloseTo(-besselJ1(x), 15);
  });
});

describe('erf, erfc, log-gamma', () => {
  it('match reference values', () => {
    const cases: [number, number, number][] = [
      [0.1, 0.112462916018284898, 0.887537083981715102],
      [1, 0.842700792949714869, 0.157299207050285131],
      [2.4, 0.999311486103354921, 0.000688513896645078886],
      [2.6, 0.999763965583470651, 0.000236034416529349088],
      [4, 0.9999999845827421, 1.54172579002800189e-8],
      [6, 0.999999999999999978, 2.15197367124989131e-17],
    ];
    for (const [x, e, ec] of cases) {
      expect(Math.abs(erf(x) - e)).toBeLessThan(2e-15);
      expect(relative(erfc(x), ec)).toBeLessThan(1e-12);
      expect(erf(-x)).toBe(-erf(x));
    }
    for (const [x, value] of [
      [0.3, 1.09579799481807556],
      [1.5, -0.120782237635245222],
      [10.5, 13.9406252194037636],
      [100.25, 360.284559637764235],
    ] as const) {
      expect(Math.abs(logGamma(x) - value)).toBeLessThan(1e-13 * Math.max(1, Math.abs(value)));
    }
  });
});
