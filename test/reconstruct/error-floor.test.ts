/**
 * The noise model for exact inputs (docs/reconstruct.md, "The `nnft action` command"): the relative error floor, and the rule that
 * picks the forward-fit mass for a correlators file. The references are closed forms: the free d = 1
 * propagator e^{-m|x|}/(2m) (whose decay rate is m exactly) and the floor's own definition.
 */
import { describe, expect, it } from 'vitest';
import { indexTuples, RESULT_VERSION, type CorrelatorResult } from '../../src/io/result.js';
import {
  applyRelativeErrorFloor,
  EXACT_INPUT_RELATIVE_ERROR_FLOOR,
  forwardFitMassForResult,
  reconstructAction,
} from '../../src/reconstruct/index.js';
import { freePropagator1d, localQuarticTree1d } from '../../src/reconstruct/tree-level-1d.js';

function exactResult(mass: number, extra: Record<string, unknown> = {}): CorrelatorResult {
  const x = [-1.5, -1, -0.5, 0, 0.5, 1, 1.5];
  const tuples2 = indexTuples(x.length, 2);
  const tuples4 = indexTuples(x.length, 4);
  const values2 = tuples2.map(([a, b]) => freePropagator1d(mass, x[a]! - x[b]!));
  const values4 = tuples4.map((tuple) => 0.5 * localQuarticTree1d(tuple.map((i) => x[i]!), mass));
  return {
    nnftResult: RESULT_VERSION,
    kind: 'target-correlators',
    points: x.map((value) => [value]),
    correlators: [
      { order: 2, indices: tuples2, values: values2, stderr: values2.map(() => 0) },
      { order: 4, indices: tuples4, values: values4, stderr: values4.map(() => 1e-14) },
    ],
    method: 'test',
    ...extra,
  };
}

describe('relative error floor', () => {
  it('raises errors below f |value| to it and keeps larger ones', () => {
    const block = { order: 4, indices: [[0, 0, 0, 0], [0, 0, 0, 1], [0, 0, 1, 1], [0, 1, 1, 1]], values: [-2, 0.5, 0, 1], stderr: [0, 0.1, 0, 1e-9] };
    const { block: floored, raised } = applyRelativeErrorFloor(block, 0.01);
    expect(floored.stderr[0]).toBe(0.02);
    expect(floored.stderr[1]).toBe(0.1); // a stated error above the floor is kept
    expect(floored.stderr[2]).toBeCloseTo(0.01 * 1e-6 * 2, 20); // a vanishing value takes 1e-6 of the largest
    expect(floored.stderr[3]).toBe(0.01);
    expect(raised).toEqual({ order: 4, raised: 3, exact: 2, values: 4 });
    expect(floored.values).toEqual(block.values);
    expect(() => applyRelativeErrorFloor(block, 0)).toThrow(RangeError);
  });

  it('reconstructAction records the floor it applied, and without one uses the stated errors', () => {
    const result = exactResult(1);
    const [twoPoint, fourPoint] = result.correlators as [CorrelatorResult['correlators'][number], CorrelatorResult['correlators'][number]];
    const withFloor = reconstructAction({ points: result.points, twoPoint, fourPoint, mass: 1, candidates: ['local'], errorFloor: EXACT_INPUT_RELATIVE_ERROR_FLOOR });
    expect(withFloor.errorFloor!.relative).toBe(EXACT_INPUT_RELATIVE_ERROR_FLOOR);
    expect(withFloor.errorFloor!.allRaised).toBe(true);
    expect(withFloor.errorFloor!.blocks.map((entry) => entry.raised)).toEqual([twoPoint.values.length, fourPoint.values.length]);
    expect(withFloor.notes.join(' ')).toMatch(/relative error floor 0\.01/);
    // exact tree-level data: the tree-level predictor is exact, so lambda comes back to rounding
    expect(withFloor.forwardFit!.fits[0]!.couplings[0]!.value).toBeCloseTo(0.5, 8);
    expect(withFloor.verdict.summary).toBe('local; clusters');
    const without = reconstructAction({ points: result.points, twoPoint, fourPoint, mass: 1, candidates: ['local'] });
    expect(without.errorFloor).toBeNull();
  });
});

describe('forward-fit mass of a correlators file', () => {
  it('--mass wins over everything the file says', () => {
    const chosen = forwardFitMassForResult(exactResult(1, { massGap: 1.2 }), { given: 0.9 });
    expect(chosen).toMatchObject({ mass: 0.9, source: 'option' });
  });

  it("a spectral file's massGap is the mass", () => {
    const chosen = forwardFitMassForResult(exactResult(1, { method: 'spectral', massGap: 1.0562 }));
    expect(chosen.mass).toBe(1.0562);
    expect(chosen.source).toBe('file-mass-gap');
    expect(chosen.statement).toMatch(/massGap/);
  });

  it('first-order data take the bare mass of their target, and without it no mass at all', () => {
    const result = exactResult(1, { method: 'perturbative' });
    expect(forwardFitMassForResult(result, { bareMass: { mass: 1, from: 'targets/x.json' } })).toMatchObject({ mass: 1, source: 'target-bare-mass' });
    const none = forwardFitMassForResult(result, { bareMassUnavailable: 'targets/x.json was not found' });
    expect(none.mass).toBeNull();
    expect(none.statement).toMatch(/bare propagator.*targets\/x\.json was not found.*--mass/);
  });

  it('an undeformed ensemble takes its architecture mass; a deformed one the decay rate of its G_c2', () => {
    const architecture = { kind: 'cos-net', width: 64, mass: 1.3, alpha: 0, cutoff: null };
    const undeformed = forwardFitMassForResult(exactResult(0.8, { kind: 'ensemble-correlators', architecture, deformation: null }));
    expect(undeformed).toMatchObject({ mass: 1.3, source: 'file' });
    // the file's G_c2 is e^{-0.8|x|}/1.6: its decay rate is 0.8 exactly, whatever the base mass says
    const deformed = forwardFitMassForResult(exactResult(0.8, { kind: 'ensemble-correlators', architecture, deformation: 'local phi^4' }), { errorFloor: EXACT_INPUT_RELATIVE_ERROR_FLOOR });
    expect(deformed.source).toBe('measured');
    expect(deformed.mass!).toBeCloseTo(0.8, 10);
    expect(deformed.statement).toMatch(/deformed.*base mass 1\.3/);
  });

  it('a file that states no mass: the decay rate of its G_c2; d > 1: none', () => {
    const chosen = forwardFitMassForResult(exactResult(1.7, { method: 'lattice' }), { errorFloor: EXACT_INPUT_RELATIVE_ERROR_FLOOR });
    expect(chosen.source).toBe('measured');
    expect(chosen.mass!).toBeCloseTo(1.7, 10);
    const twoD = { ...exactResult(1), points: exactResult(1).points.map((point) => [point[0]!, 0]) };
    expect(forwardFitMassForResult(twoD).mass).toBeNull();
  });
});
