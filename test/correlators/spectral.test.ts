import { describe, expect, it } from 'vitest';
import { computeSpectral, spectralApplicability } from '../../src/correlators/spectral.js';
import { NnftError } from '../../src/errors.js';
import { blockMap, local, makeTheory, phi4 } from './theory-fixtures.js';

describe('spectral method, free theory', () => {
  it('reproduces e^{-m|t|}/(2m) to 1e-10 and G_c4 = 0, with and without a region', () => {
    const mass = 1.3;
    const points = [[-0.7], [0], [0.4], [2.5]];
    for (const interactionRegion of [null, { kind: 'box' as const, side: 1.5 }]) {
      const result = computeSpectral(makeTheory({ mass, points, interactions: [phi4(0)], interactionRegion }));
      const g2 = blockMap(result.correlators, 2);
      for (let i = 0; i < points.length; i++)
        for (let j = i; j < points.length; j++) {
          const exact = Math.exp(-mass * Math.abs(points[i]![0]! - points[j]![0]!)) / (2 * mass);
          expect(Math.abs(g2.get(`${i},${j}`)! - exact)).toBeLessThan(1e-10);
        }
      for (const value of blockMap(result.correlators, 4).values()) expect(Math.abs(value)).toBeLessThan(1e-12);
      expect(result.correlators.every((block) => block.stderr.every((e) => e === 0))).toBe(true);
    }
  });
});

describe('spectral method, interacting', () => {
  it('matches an independent finite-difference solution at strong coupling (lambda = 6)', () => {
    // H = p^2/2 + x^2/2 + (6/24) x^4 on a grid (h -> 0 Richardson): G2(0) = 0.3548394..., G2(0.5) = 0.1755984...
    const result = computeSpectral(makeTheory({ interactions: [phi4(6)], points: [[0], [0.5]] }));
    const g2 = blockMap(result.correlators, 2);
    expect(Math.abs(g2.get('0,0')! - 0.354840251)).toBeLessThan(2e-6);
    expect(Math.abs(g2.get('0,1')! - 0.175598342)).toBeLessThan(2e-6);
    expect(result.massGap).toBeCloseTo(1.405034, 4);
    expect(result.converged).toBe(true);
    expect(result.truncationError).toBeLessThan(1e-9);
  });

  it('handles odd potentials with a non-zero mean (phi^3 + phi^4), against an independent solution', () => {
    // V = x^2/2 + (0.8/6) x^3 + (1.5/24) x^4; references from a Richardson-extrapolated grid solution.
    const result = computeSpectral(
      makeTheory({ interactions: [local(3, 0.8), local(4, 1.5)], points: [[0], [0.5]], connectedOrders: [2, 3] }),
    );
    const g2 = blockMap(result.correlators, 2);
    const g3 = blockMap(result.correlators, 3);
    expect(Math.abs(g2.get('0,0')! - 0.454345535313)).toBeLessThan(1e-7);
    expect(Math.abs(g2.get('0,1')! - 0.262257809003)).toBeLessThan(1e-7);
    expect(Math.abs(g3.get('0,0,0')! + 0.026304489824)).toBeLessThan(1e-7);
    expect(result.massGap).toBeCloseTo(1.095786496, 6);
  });

  it('agrees with first-order perturbation theory with a gap that shrinks like lambda^2', () => {
    // d=1, m=1, V=R: G(0) = 1/2 - lambda/16, G_c4(0,0,0,0) = -lambda/32 at first order.
    const gaps = [0.02, 0.01].map((lambda) => {
      const result = computeSpectral(makeTheory({ interactions: [phi4(lambda)], points: [[0]] }));
      return {
        g2: blockMap(result.correlators, 2).get('0,0')! - (0.5 - lambda / 16),
        g4: blockMap(result.correlators, 4).get('0,0,0,0')! + lambda / 32,
      };
    });
    // Halving lambda divides an O(lambda^2) gap by 4 (within 10% from O(lambda^3)).
    expect(gaps[0]!.g2 / gaps[1]!.g2).toBeGreaterThan(3.6);
    expect(gaps[0]!.g2 / gaps[1]!.g2).toBeLessThan(4.4);
    expect(gaps[0]!.g4 / gaps[1]!.g4).toBeGreaterThan(3.6);
    expect(gaps[0]!.g4 / gaps[1]!.g4).toBeLessThan(4.4);
    expect(Math.abs(gaps[1]!.g4)).toBeLessThan(1e-4 * 0.1);
  });

  it('Wick ordering equals the explicit polynomial counterterm', () => {
    const lambda = 1.2;
    const wick = computeSpectral(makeTheory({ interactions: [phi4(lambda, true)] }));
    // :x^4: = x^4 - 6 c x^2 + 3c^2 with c = 1/2: (lambda/24)(-6c) x^2 = (g2/2) x^2 with g2 = -lambda c / 2.
    const explicit = computeSpectral(makeTheory({ interactions: [phi4(lambda), local(2, -lambda * 0.25)] }));
    wick.correlators.forEach((block, b) =>
      block.values.forEach((value, i) => expect(Math.abs(value - explicit.correlators[b]!.values[i]!)).toBeLessThan(1e-12)),
    );
  });

  it('with a region: a large box approaches infinite volume, and points outside the box still see it', () => {
    const points = [[0], [0.5]];
    const infinite = computeSpectral(makeTheory({ interactions: [phi4(2)], points }));
    const box = computeSpectral(makeTheory({ interactions: [phi4(2)], points, interactionRegion: { kind: 'box', side: 24 } }));
    infinite.correlators.forEach((block, b) =>
      block.values.forEach((value, i) => expect(Math.abs(value - box.correlators[b]!.values[i]!)).toBeLessThan(1e-9)),
    );
    const outside = computeSpectral(
      makeTheory({ interactions: [phi4(2)], points: [[-2], [3]], interactionRegion: { kind: 'box', side: 1 } }),
    );
    const g2 = blockMap(outside.correlators, 2);
    // The interaction lowers the propagator across the box relative to the free e^{-5}/2.
    expect(g2.get('0,1')!).toBeLessThan(Math.exp(-5) / 2);
    expect(g2.get('0,1')!).toBeGreaterThan(0.5 * Math.exp(-5) / 2);
    // The 4-point function at points outside V is non-zero (connected through the region) and negative.
    expect(blockMap(outside.correlators, 4).get('0,0,1,1')!).toBeLessThan(0);
  });

  it('a fixed basis size reports the change against 3/4 of it', () => {
    const result = computeSpectral(makeTheory({ interactions: [phi4(6)] }), { basisSize: 16 });
    expect(result.basisSize).toBe(16);
    expect(result.truncationError).toBeGreaterThan(1e-8);
    expect(result.converged).toBe(false);
  });

  it('refuses theories it cannot solve, saying why', () => {
    expect(spectralApplicability(makeTheory({ interactions: [local(3, 1)] })).ok).toBe(false);
    expect(spectralApplicability(makeTheory({ dimension: 2, momentumCutoff: 5, points: [[0, 0]] })).ok).toBe(false);
    expect(spectralApplicability(makeTheory({ momentumCutoff: 5 })).ok).toBe(false);
    expect(() => computeSpectral(makeTheory({ interactions: [local(3, 1)] }))).toThrowError(NnftError);
    expect(() => computeSpectral(makeTheory({ interactions: [local(3, 1)] }))).toThrowError(/unbounded below/);
  });

  it('strong coupling converges fast with the variational basis, and agrees with the fixed-frequency basis in a large box', () => {
    const points = [[0], [0.4]];
    const start = performance.now();
    const infinite = computeSpectral(makeTheory({ interactions: [phi4(100)], points }));
    expect(performance.now() - start).toBeLessThan(3000);
    expect(infinite.basisSize).toBeLessThanOrEqual(100);
    const box = computeSpectral(makeTheory({ interactions: [phi4(100)], points, interactionRegion: { kind: 'box', side: 30 } }));
    infinite.correlators.forEach((block, b) =>
      block.values.forEach((value, i) => expect(Math.abs(value - box.correlators[b]!.values[i]!)).toBeLessThan(1e-9)),
    );
  });
});
