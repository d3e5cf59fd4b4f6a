/** Small Theory builders for the correlator tests (plain data, no file loading). */
import type { Interaction, Theory } from '../../src/theory/theory.js';

export function makeTheory(overrides: Partial<Theory> & { interactions?: Interaction[] } = {}): Theory {
  return {
    name: 'test',
    description: '',
    dimension: 1,
    mass: 1,
    interactions: [],
    momentumCutoff: null,
    interactionRegion: null,
    points: [[0], [0.5], [1]],
    connectedOrders: [2, 4],
    targetCorrelators: { method: 'auto', options: {} },
    source: { file: null, sha256: null },
    ...overrides,
  };
}

export function phi4(coupling: number, wickOrdered = false): Interaction {
  return { kind: 'local', power: 4, coupling, wickOrdered };
}

export function local(power: number, coupling: number, wickOrdered = false): Interaction {
  return { kind: 'local', power, coupling, wickOrdered };
}

/** Values of the block of the given order as a map from "i,j,..." to value. */
export function blockMap(blocks: { order: number; indices: number[][]; values: number[] }[], order: number): Map<string, number> {
  const block = blocks.find((candidate) => candidate.order === order);
  if (!block) throw new Error(`no block of order ${order}`);
  return new Map(block.indices.map((tuple, i) => [tuple.join(','), block.values[i]!]));
}
