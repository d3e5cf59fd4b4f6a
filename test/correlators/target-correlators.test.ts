import { describe, expect, it } from 'vitest';
import { computeTargetCorrelators } from '../../src/correlators/index.js';
import { loadTarget } from '../../src/theory/load-target.js';
import { indexTuples } from '../../src/io/result.js';
import { NnftError } from '../../src/errors.js';
import type { NnftEvent } from '../../src/io/events.js';
import { makeTheory, phi4 } from './theory-fixtures.js';

const SHARED_TARGETS: [string, string][] = [
  ['free-scalar-1d', 'free'],
  ['phi4-local-1d', 'spectral'],
  ['phi4-strong-1d', 'spectral'],
  ['phi4-local-2d', 'perturbative'],
  ['phi4-nonlocal-1d', 'perturbative'],
];

describe('computeTargetCorrelators on every shared target', () => {
  it.each(SHARED_TARGETS)('%s: auto (or the file) picks %s and returns the result contract', async (name, expectedMethod) => {
    const { theory } = await loadTarget(`targets/${name}.json`);
    const events: NnftEvent[] = [];
    const result = await computeTargetCorrelators(theory, { onEvent: (event) => events.push(event) });
    expect(result.nnftResult).toBe(1);
    expect(result.kind).toBe('target-correlators');
    expect(result.method).toBe(expectedMethod);
    expect(typeof result.methodReason).toBe('string');
    expect((result.methodReason as string).length).toBeGreaterThan(20);
    expect(result.points).toEqual(theory.points.map((point) => [...point]));
    expect(result.correlators.map((block) => block.order)).toEqual([...theory.connectedOrders]);
    for (const block of result.correlators) {
      expect(block.indices).toEqual(indexTuples(theory.points.length, block.order));
      expect(block.values).toHaveLength(block.indices.length);
      expect(block.stderr).toHaveLength(block.indices.length);
      expect(block.values.every(Number.isFinite)).toBe(true);
      expect(block.stderr.every((error) => error >= 0 && error < 1e-6)).toBe(true);
    }
    expect(events.some((event) => event.type === 'info' && event.message.startsWith(`method: ${expectedMethod}`))).toBe(true);
    expect((result.timing as { seconds: number }).seconds).toBeLessThan(10);
    // Survives a JSON round trip unchanged (the --json contract).
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });
});

describe('method choice', () => {
  it('an explicit method overrides the file, and auto falls back to the lattice for strong coupling where nothing exact applies', async () => {
    const strong2d = makeTheory({ dimension: 2, momentumCutoff: 6, points: [[0, 0]], interactions: [phi4(40)] });
    const events: NnftEvent[] = [];
    const result = await computeTargetCorrelators(strong2d, {
      method: 'auto',
      onEvent: (event) => events.push(event),
      signal: AbortSignal.abort(),
    }).catch((error: unknown) => error);
    // The run is stopped before it starts; what matters here is that auto chose the lattice and said why.
    const info = events.find((event) => event.type === 'info');
    expect(info?.message).toMatch(/^method: lattice/);
    expect(info?.message).toMatch(/second-order/);
    expect(result).toBeDefined();
  });

  it('perturbative on a d = 1 target is available on request and differs from the exact answer at O(lambda^2)', async () => {
    const { theory } = await loadTarget('targets/phi4-local-1d.json');
    const perturbative = await computeTargetCorrelators(theory, { method: 'perturbative' });
    const exact = await computeTargetCorrelators(theory);
    expect(perturbative.method).toBe('perturbative');
    expect(perturbative.methodReason).toMatch(/requested explicitly/);
    const first = perturbative.correlators[1]!.values[0]!;
    const truth = exact.correlators[1]!.values[0]!;
    // lambda = 0.5: first order -lambda/32 (box stand-in for R), exact -0.010693; the gap is ~lambda^2 * 0.02.
    expect(Math.abs(first + 0.5 / 32)).toBeLessThan(1e-8);
    expect(Math.abs(first - truth)).toBeGreaterThan(0.5 * 0.02 * 0.25);
    expect(Math.abs(first - truth)).toBeLessThan(2 * 0.02 * 0.25);
  });

  it('data passes user-supplied correlators through in the canonical tuple order', async () => {
    const { theory } = await loadTarget('test/fixtures/valid/data-inline-1d.json');
    const result = await computeTargetCorrelators(theory);
    expect(result.method).toBe('data');
    const supplied = (theory.targetCorrelators.options as { correlators: { order: number; values: readonly number[] }[] }).correlators;
    const order2 = supplied.find((block) => block.order === 2)!;
    expect(result.correlators.find((block) => block.order === 2)!.values).toEqual([...order2.values]);
  });

  it('spectral refuses an unbounded potential with E_UNSUPPORTED', async () => {
    const theory = makeTheory({ interactions: [{ kind: 'local', power: 3, coupling: 1, wickOrdered: false }] });
    await expect(computeTargetCorrelators(theory, { method: 'spectral' })).rejects.toThrowError(NnftError);
  });
});
