/**
 * Dense symmetric correlator tensors on a grid of M points: row-major Float64Array of M^order
 * entries. Converts the result contract's non-decreasing index tuples into the full tensor, and
 * contracts a matrix into every axis (the amputation's inner loop, O(M^(order+1)) instead of
 * O(M^(2 order)) for the naive sum).
 */
import { NnftError } from '../errors.js';
import type { CorrelatorBlock } from '../io/result.js';

export interface GridTensor {
  /** Number of grid points M. */
  readonly size: number;
  /** Number of indices (2, 4, 6). */
  readonly order: number;
  /** Row-major entries, M^order of them. */
  readonly data: Float64Array;
}

export function tensorLength(size: number, order: number): number {
  return size ** order;
}

/** Flat row-major offset of an index tuple. */
export function tensorOffset(size: number, indices: readonly number[]): number {
  let offset = 0;
  for (const index of indices) offset = offset * size + index;
  return offset;
}

/** Calls visit(offset, indices) for every entry; `indices` is reused between calls. */
export function forEachEntry(size: number, order: number, visit: (offset: number, indices: number[]) => void): void {
  const indices = new Array<number>(order).fill(0);
  const total = tensorLength(size, order);
  for (let offset = 0; offset < total; offset++) {
    visit(offset, indices);
    for (let axis = order - 1; axis >= 0; axis--) {
      indices[axis]++;
      if (indices[axis] < size) break;
      indices[axis] = 0;
    }
  }
}

/** Build the full symmetric tensor from values listed over non-decreasing index tuples. */
export function symmetricTensorFromTuples(
  size: number,
  order: number,
  tuples: readonly (readonly number[])[],
  values: ArrayLike<number>,
  what = `order-${order} correlator`,
): GridTensor {
  const lookup = new Map<number, number>();
  tuples.forEach((tuple, position) => {
    if (tuple.length !== order) {
      throw new NnftError('E_SEMANTIC', `${what}: index tuple ${position} has ${tuple.length} indices, expected ${order}`);
    }
    const sorted = [...tuple].sort((a, b) => a - b);
    if (sorted.some((index) => !Number.isInteger(index) || index < 0 || index >= size)) {
      throw new NnftError('E_SEMANTIC', `${what}: index tuple [${tuple.join(',')}] is outside 0..${size - 1}`);
    }
    lookup.set(tensorOffset(size, sorted), values[position]);
  });
  const data = new Float64Array(tensorLength(size, order));
  const sorted = new Array<number>(order);
  let missing: number[] | null = null;
  forEachEntry(size, order, (offset, indices) => {
    for (let axis = 0; axis < order; axis++) sorted[axis] = indices[axis];
    sorted.sort((a, b) => a - b);
    const value = lookup.get(tensorOffset(size, sorted));
    if (value === undefined) {
      missing ??= sorted.slice();
      return;
    }
    data[offset] = value;
  });
  if (missing) {
    throw new NnftError('E_SEMANTIC', `${what}: no value for index tuple [${(missing as number[]).join(',')}]`, {
      hint: 'Amputation needs every combination of grid points with repetition.',
    });
  }
  return { size, order, data };
}

/** Full tensor (values, and optionally stderr) from a result-contract correlator block. */
export function tensorFromBlock(block: CorrelatorBlock, size: number, field: 'values' | 'stderr' = 'values'): GridTensor {
  return symmetricTensorFromTuples(size, block.order, block.indices, block[field], `order-${block.order} ${field}`);
}

/**
 * Contract a size x size matrix into every axis: out[i1..in] = sum_a T[a1..an] Q[a1,i1]...Q[an,in].
 * One axis at a time, each pass O(M^(order+1)).
 */
export function contractAllAxes(tensor: GridTensor, matrix: Float64Array): GridTensor {
  const { size, order } = tensor;
  let current = tensor.data;
  for (let axis = 0; axis < order; axis++) {
    const next = new Float64Array(current.length);
    const inner = size ** (order - 1 - axis); // stride of this axis
    const outer = size ** axis;
    for (let o = 0; o < outer; o++) {
      for (let newIndex = 0; newIndex < size; newIndex++) {
        const target = (o * size + newIndex) * inner;
        for (let oldIndex = 0; oldIndex < size; oldIndex++) {
          const weight = matrix[oldIndex * size + newIndex];
          if (weight === 0) continue;
          const source = (o * size + oldIndex) * inner;
          for (let r = 0; r < inner; r++) next[target + r] += weight * current[source + r];
        }
      }
    }
    current = next;
  }
  return { size, order, data: current };
}

export function scaleTensor(tensor: GridTensor, factor: number): GridTensor {
  return { ...tensor, data: tensor.data.map((value) => value * factor) };
}
