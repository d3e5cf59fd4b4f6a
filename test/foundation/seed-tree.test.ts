import { describe, expect, it } from 'vitest';
import { deriveSeed, seedStream, Rng } from '../../src/random/index.js';

describe('seed tree', () => {
  it('is deterministic and never returns 0 or more than 31 bits', () => {
    for (let root = 0; root < 50; root++) {
      for (let counter = 0; counter < 50; counter++) {
        const seed = deriveSeed(root, 'ensemble/momenta', counter);
        expect(seed).toBe(deriveSeed(root, 'ensemble/momenta', counter));
        expect(seed).toBeGreaterThan(0);
        expect(seed).toBeLessThan(2 ** 31);
        expect(Number.isInteger(seed)).toBe(true);
      }
    }
  });

  it('separates roots, streams and counters (no collisions in 30,000 draws)', () => {
    const seen = new Set<number>();
    for (const stream of ['a', 'b', 'ensemble/phases']) {
      for (let root = 0; root < 100; root++) {
        for (let counter = 0; counter < 100; counter++) seen.add(deriveSeed(root, stream, counter));
      }
    }
    // 30,000 draws from 2^31 values: the expected number of collisions is about 0.2.
    expect(seen.size).toBeGreaterThanOrEqual(29_998);
  });

  it('distinguishes large roots and counters beyond 32 bits', () => {
    expect(deriveSeed(2 ** 40, 's', 0)).not.toBe(deriveSeed(0, 's', 0));
    expect(deriveSeed(1, 's', 2 ** 33)).not.toBe(deriveSeed(1, 's', 0));
  });

  it('rejects negative or fractional seeds', () => {
    expect(() => deriveSeed(-1, 's', 0)).toThrow(RangeError);
    expect(() => deriveSeed(1.5, 's', 0)).toThrow(RangeError);
    expect(() => deriveSeed(1, 's', -2)).toThrow(RangeError);
  });

  it('child streams compose names', () => {
    const stream = seedStream(7, 'design').child('step');
    expect(stream.stream).toBe('design/step');
    expect(stream.seed(3)).toBe(deriveSeed(7, 'design/step', 3));
  });
});

describe('host Rng', () => {
  it('reproduces its sequence from a seed', () => {
    const a = new Rng(12345);
    const b = new Rng(12345);
    for (let i = 0; i < 100; i++) expect(a.uniform()).toBe(b.uniform());
  });

  it('gives uniforms with mean 1/2 and variance 1/12 within 5 standard errors', () => {
    const rng = Rng.fromTree(1, 'test/uniform');
    const count = 200_000;
    let sum = 0;
    let sumSquares = 0;
    for (let i = 0; i < count; i++) {
      const u = rng.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      sum += u;
      sumSquares += u * u;
    }
    const mean = sum / count;
    const variance = sumSquares / count - mean * mean;
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / count));
    // Var of u^2 is 4/45; the variance estimate's standard error is about sqrt(1/180/count).
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(5 * Math.sqrt(1 / 180 / count));
  });

  it('gives standard normals with the right first four moments', () => {
    const rng = Rng.fromTree(2, 'test/normal');
    const count = 200_000;
    let m1 = 0;
    let m2 = 0;
    let m4 = 0;
    for (let i = 0; i < count; i++) {
      const z = rng.normal();
      m1 += z;
      m2 += z * z;
      m4 += z ** 4;
    }
    m1 /= count;
    m2 /= count;
    m4 /= count;
    expect(Math.abs(m1)).toBeLessThan(5 / Math.sqrt(count));
    expect(Math.abs(m2 - 1)).toBeLessThan(5 * Math.sqrt(2 / count));
    expect(Math.abs(m4 - 3)).toBeLessThan(5 * Math.sqrt(96 / count));
  });
});
