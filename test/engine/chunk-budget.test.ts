import { describe, expect, it } from 'vitest';
import { chunkBudget, DEFAULT_CHUNK_SIZE, GRID_TENSOR_FLOATS } from '../../src/ensemble/chunk-plan.js';

describe('chunk budget', () => {
  it('keeps the default for undeformed ensembles and d = 1 grids, and caps a 144 x 144 grid below the 2,000 that overran the wasm heap', () => {
    expect(chunkBudget(undefined, null)).toBe(DEFAULT_CHUNK_SIZE);
    expect(chunkBudget(undefined, 1472)).toBe(DEFAULT_CHUNK_SIZE);
    const capped = chunkBudget(undefined, 144 * 144);
    expect(capped).toBe(Math.floor(GRID_TENSOR_FLOATS / (144 * 144)));
    expect(capped).toBeLessThan(1000);
    expect(chunkBudget(300, 144 * 144)).toBe(300);
  });
});
