/** Exact grid correlators for the reconstruction tests (float64, built from the free propagator). */
import type { GridTensor } from '../../src/reconstruct/grid-tensor.js';
import { forEachEntry } from '../../src/reconstruct/grid-tensor.js';
import { TRIPLE_SPLITS } from '../../src/reconstruct/amputate.js';

export function propagator1d(mass: number, distance: number): number {
  return Math.exp(-mass * Math.abs(distance)) / (2 * mass);
}

export function uniformGrid1d(count: number, spacing: number): number[][] {
  const start = (-(count - 1) * spacing) / 2;
  return Array.from({ length: count }, (_, i) => [start + i * spacing]);
}

export function twoPointMatrix(points: number[][], kernel: (distance: number) => number): Float64Array {
  const size = points.length;
  const matrix = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      const distance = Math.hypot(...points[i].map((value, axis) => value - points[j][axis]));
      matrix[i * size + j] = kernel(distance);
    }
  }
  return matrix;
}

/** Tree-level local phi^4 on the grid: K_abcd = -lambda a^d sum_z C_az C_bz C_cz C_dz. */
export function treeLevelFourPoint(twoPoint: Float64Array, size: number, coupling: number, cellVolume: number): GridTensor {
  const data = new Float64Array(size ** 4);
  forEachEntry(size, 4, (offset, [a, b, c, d]) => {
    let sum = 0;
    for (let z = 0; z < size; z++) {
      sum += twoPoint[a * size + z] * twoPoint[b * size + z] * twoPoint[c * size + z] * twoPoint[d * size + z];
    }
    data[offset] = -coupling * cellVolume * sum;
  });
  return { size, order: 4, data };
}

/** Tree-level local phi^4 six-point: lambda^2 a^2d sum_10 sum_zw C C C C_zw C C C. */
export function treeLevelSixPoint(twoPoint: Float64Array, size: number, coupling: number, cellVolume: number): GridTensor {
  // H_abc,w = sum_z C_az C_bz C_cz C_zw
  const triples = size ** 3;
  const half = new Float64Array(triples * size);
  for (let t = 0; t < triples; t++) {
    const a = Math.floor(t / (size * size));
    const b = Math.floor(t / size) % size;
    const c = t % size;
    for (let w = 0; w < size; w++) {
      let sum = 0;
      for (let z = 0; z < size; z++) sum += twoPoint[a * size + z] * twoPoint[b * size + z] * twoPoint[c * size + z] * twoPoint[z * size + w];
      half[t * size + w] = sum;
    }
  }
  const data = new Float64Array(size ** 6);
  const rest = [0, 0, 0];
  forEachEntry(size, 6, (offset, indices) => {
    let total = 0;
    for (const split of TRIPLE_SPLITS) {
      let r = 0;
      for (let p = 0; p < 6; p++) if (!split.includes(p)) rest[r++] = indices[p];
      const left = (indices[split[0]] * size + indices[split[1]]) * size + indices[split[2]];
      for (let w = 0; w < size; w++) {
        total += half[left * size + w] * twoPoint[rest[0] * size + w] * twoPoint[rest[1] * size + w] * twoPoint[rest[2] * size + w];
      }
    }
    data[offset] = (coupling * cellVolume) ** 2 * total;
  });
  return { size, order: 6, data };
}
