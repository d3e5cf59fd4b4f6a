/**
 * The cos-net's forward passes over its parameter layout (momenta [count * N * d], phases and
 * coefficients [count * N], float64 on the host): phi = sum_i b_i cos(p_i.x + c_i) at points, on a
 * separable product grid, and as a float64 host reference. The family's draw is cos-net.ts; the
 * lattice cos-net shares these passes.
 *
 * Phase angles p.x + c are formed and reduced to [-pi, pi] in float64 on the host: float32 cannot
 * resolve p.x for large momenta, and the device then only evaluates cos/sin of small angles and
 * does the (large) weighted sums.
 */
import { tf } from '../backend/index.js';
import { NnftError } from '../errors.js';
import type { Dimension } from '../theory/theory.js';
import type { Architecture, ParameterChunk, Points } from './architecture.js';
import type { QuadratureMomentum } from './momentum-strategy.js';
import type { ProductGrid } from './product-grid.js';

const TWO_PI = 2 * Math.PI;
/** Floats of the grid pass's per-network factors formed at once (256 MB). */
const QUADRATURE_LEFT_BUDGET = 64 * 1024 * 1024;

/** Reduce an angle to [-pi, pi] in float64. */
function reduceAngle(angle: number): number {
  return angle - TWO_PI * Math.round(angle / TWO_PI);
}

export type CosNetPasses = Pick<Architecture, 'applyAtPoints' | 'applyOnGrid' | 'referenceAtPoints'>;

/**
 * The passes for width N in d dimensions. `nodeMomenta`: momenta the same in every network
 * (quadrature), whose grid trig tables are then built once; `gridSliceFloats`: floats of the grid
 * pass's per-network factors formed at once (default 64 Mi: 256 MB).
 */
export function cosNetPasses(dimension: Dimension, width: number, nodeMomenta: readonly QuadratureMomentum[] | null, gridSliceFloats?: number): CosNetPasses {
  /** cos(p.x + c) in float64 for every network, neuron and point: [count, width, points] or [count, points, width]. */
  const hostCosines = (chunk: ParameterChunk, flatPoints: Float64Array, pointCount: number, withPhase: boolean, pointsMajor: boolean): Float32Array => {
    const { momenta, phases } = chunk.arrays as { momenta: Float64Array; phases: Float64Array };
    const out = new Float32Array(chunk.count * width * pointCount);
    for (let network = 0; network < chunk.count; network++) {
      for (let neuron = 0; neuron < width; neuron++) {
        const slot = network * width + neuron;
        const phase = withPhase ? phases[slot]! : 0;
        for (let point = 0; point < pointCount; point++) {
          let angle = phase;
          for (let axis = 0; axis < dimension; axis++) angle += momenta[slot * dimension + axis]! * flatPoints[point * dimension + axis]!;
          const index = pointsMajor ? (network * pointCount + point) * width + neuron : slot * pointCount + point;
          out[index] = Math.cos(reduceAngle(angle));
        }
      }
    }
    return out;
  };

  const flatten = (points: Points): Float64Array => {
    const flat = new Float64Array(points.length * dimension);
    points.forEach((point, index) => {
      if (point.length !== dimension) throw new NnftError('E_SEMANTIC', `point ${index} has ${point.length} coordinates, expected ${dimension}`);
      for (let axis = 0; axis < dimension; axis++) flat[index * dimension + axis] = point[axis]!;
    });
    return flat;
  };

  const coefficientTensor = (chunk: ParameterChunk): tf.Tensor3D =>
    tf.tensor3d(Float32Array.from(chunk.arrays.coefficients!), [chunk.count, 1, width]);

  const applyAtPoints = (chunk: ParameterChunk, points: Points): tf.Tensor2D => {
    // cos of the float64-reduced angles on the host (V8's Math.cos outruns wasm's cos kernel several
    // times over); the device does the weighted sum over neurons.
    const cosines = tf.tensor3d(hostCosines(chunk, flatten(points), points.length, true, false), [chunk.count, width, points.length]);
    // [count, 1, width] x [count, width, points]: one batched product, no transpose flags.
    return tf.matMul(coefficientTensor(chunk), cosines).reshape([chunk.count, points.length]);
  };

  /**
   * The two factors of the separable grid evaluation, built on the host in float64:
   * left[m, a, :] = [b cos(p.u_a + c), -b sin(p.u_a + c)] and right[m, :, b] = [cos(p.v_b); sin(p.v_b)].
   * Evenly spaced offsets (d = 1 panel starts) use the rotation recurrence instead of trig calls,
   * re-seeded every 64 steps; trig on the wasm backend is far slower than this host loop.
   */
  const gridFactors = (chunk: ParameterChunk, grid: ProductGrid, firstNetwork: number, endNetwork: number): { left: Float32Array; right: Float32Array } => {
    const { momenta, phases, coefficients } = chunk.arrays as Record<string, Float64Array>;
    const { offsetCount, nodeCount, offsets, nodes } = grid;
    const step = new Float64Array(dimension);
    let evenlySpaced = offsetCount > 2;
    for (let axis = 0; axis < dimension && evenlySpaced; axis++) {
      step[axis] = offsetCount > 1 ? offsets[dimension + axis]! - offsets[axis]! : 0;
      for (let a = 1; a < offsetCount && evenlySpaced; a++) {
        const difference = offsets[a * dimension + axis]! - offsets[(a - 1) * dimension + axis]!;
        if (Math.abs(difference - step[axis]!) > 1e-12 * Math.max(1, Math.abs(step[axis]!))) evenlySpaced = false;
      }
    }
    const count = endNetwork - firstNetwork;
    const left = new Float32Array(count * offsetCount * 2 * width);
    const right = new Float32Array(count * 2 * width * nodeCount);
    for (let network = 0; network < count; network++) {
      for (let neuron = 0; neuron < width; neuron++) {
        const slot = (firstNetwork + network) * width + neuron;
        const b = coefficients![slot]!;
        const dot = (flat: Float64Array, index: number): number => {
          let total = 0;
          for (let axis = 0; axis < dimension; axis++) total += momenta![slot * dimension + axis]! * flat[index * dimension + axis]!;
          return total;
        };
        let stepCos = 1;
        let stepSin = 0;
        if (evenlySpaced) {
          let stepAngle = 0;
          for (let axis = 0; axis < dimension; axis++) stepAngle += momenta![slot * dimension + axis]! * step[axis]!;
          stepCos = Math.cos(stepAngle);
          stepSin = Math.sin(stepAngle);
        }
        let cosine = 0;
        let sine = 0;
        for (let a = 0; a < offsetCount; a++) {
          if (!evenlySpaced || a % 64 === 0) {
            const angle = reduceAngle(dot(offsets, a) + phases![slot]!);
            cosine = Math.cos(angle);
            sine = Math.sin(angle);
          } else {
            const nextCosine = cosine * stepCos - sine * stepSin;
            sine = sine * stepCos + cosine * stepSin;
            cosine = nextCosine;
          }
          const base = (network * offsetCount + a) * 2 * width;
          left[base + neuron] = b * cosine;
          left[base + width + neuron] = -b * sine;
        }
        for (let node = 0; node < nodeCount; node++) {
          const angle = reduceAngle(dot(nodes, node));
          right[(network * 2 * width + neuron) * nodeCount + node] = Math.cos(angle);
          right[(network * 2 * width + width + neuron) * nodeCount + node] = Math.sin(angle);
        }
      }
    }
    return { left, right };
  };

  /**
   * Quadrature momenta are the same in every network, so the trig tables of a grid are built once:
   * with alpha = b cos c and beta = -b sin c, phi(u_a + v_b) = sum_i (alpha Cu + beta Su)_ai Cv_ib +
   * (beta Cu - alpha Su)_ai Sv_ib, where C, S are cos, sin of p_i.u_a and p_i.v_b. Per network only
   * the [offsets, 2N] left factor is formed (multiply-adds, no trig), and one shared right factor
   * turns the whole chunk into a single 2-d product.
   */
  const quadratureTables = new WeakMap<ProductGrid, { cosOffsets: Float64Array; sinOffsets: Float64Array; right: Float32Array }>();
  const quadratureGridTables = (grid: ProductGrid) => {
    let tables = quadratureTables.get(grid);
    if (tables) return tables;
    const { offsetCount, nodeCount, offsets, nodes } = grid;
    const cosOffsets = new Float64Array(offsetCount * width);
    const sinOffsets = new Float64Array(offsetCount * width);
    const right = new Float32Array(2 * width * nodeCount);
    for (let neuron = 0; neuron < width; neuron++) {
      const momentum = nodeMomenta![neuron]!.components;
      for (let a = 0; a < offsetCount; a++) {
        let angle = 0;
        for (let axis = 0; axis < dimension; axis++) angle += momentum[axis]! * offsets[a * dimension + axis]!;
        angle = reduceAngle(angle);
        cosOffsets[a * width + neuron] = Math.cos(angle);
        sinOffsets[a * width + neuron] = Math.sin(angle);
      }
      for (let b = 0; b < nodeCount; b++) {
        let angle = 0;
        for (let axis = 0; axis < dimension; axis++) angle += momentum[axis]! * nodes[b * dimension + axis]!;
        angle = reduceAngle(angle);
        right[neuron * nodeCount + b] = Math.cos(angle);
        right[(width + neuron) * nodeCount + b] = Math.sin(angle);
      }
    }
    tables = { cosOffsets, sinOffsets, right };
    quadratureTables.set(grid, tables);
    return tables;
  };

  /**
   * The per-network factors hold networks x offsets x 2N floats (quadrature: 2.4 GB for 2,000 networks
   * at width 1024 on a 144 x 144 grid, past the wasm heap), and with random momenta also networks x 2N
   * x nodes (d = 3, width 64, 64^3 grid: 2 MB a network): form them for slices of the chunk, so only
   * the field itself grows with the chunk (its size is capped by ensemble/chunk-plan.ts).
   */
  const inSlices = (chunk: ParameterChunk, perNetwork: number, slice: (first: number, end: number) => tf.Tensor2D): tf.Tensor2D => {
    const size = Math.max(1, Math.floor((gridSliceFloats ?? QUADRATURE_LEFT_BUDGET) / perNetwork));
    if (chunk.count <= size) return slice(0, chunk.count);
    const parts: tf.Tensor2D[] = [];
    for (let first = 0; first < chunk.count; first += size) parts.push(slice(first, Math.min(chunk.count, first + size)));
    const field = tf.concat(parts, 0);
    tf.dispose(parts);
    return field;
  };

  const quadratureGridSlice = (chunk: ParameterChunk, grid: ProductGrid, firstNetwork: number, endNetwork: number): tf.Tensor2D => {
    const { cosOffsets, sinOffsets, right } = quadratureGridTables(grid);
    const { phases, coefficients } = chunk.arrays as Record<string, Float64Array>;
    const { offsetCount, nodeCount } = grid;
    const count = endNetwork - firstNetwork;
    const left = new Float32Array(count * offsetCount * 2 * width);
    const alpha = new Float64Array(width);
    const beta = new Float64Array(width);
    for (let local = 0; local < count; local++) {
      const network = firstNetwork + local;
      for (let neuron = 0; neuron < width; neuron++) {
        const slot = network * width + neuron;
        alpha[neuron] = coefficients![slot]! * Math.cos(phases![slot]!);
        beta[neuron] = -coefficients![slot]! * Math.sin(phases![slot]!);
      }
      for (let a = 0; a < offsetCount; a++) {
        const base = (local * offsetCount + a) * 2 * width;
        const row = a * width;
        for (let neuron = 0; neuron < width; neuron++) {
          const c = cosOffsets[row + neuron]!;
          const s = sinOffsets[row + neuron]!;
          left[base + neuron] = alpha[neuron]! * c + beta[neuron]! * s;
          left[base + width + neuron] = beta[neuron]! * c - alpha[neuron]! * s;
        }
      }
    }
    return tf.tidy(() => {
      const leftTensor = tf.tensor2d(left, [count * offsetCount, 2 * width]);
      const rightTensor = tf.tensor2d(right, [2 * width, nodeCount]);
      return tf.matMul(leftTensor, rightTensor).reshape([count, offsetCount * nodeCount]);
    });
  };

  const randomGridSlice = (chunk: ParameterChunk, grid: ProductGrid, firstNetwork: number, endNetwork: number): tf.Tensor2D =>
    tf.tidy(() => {
      const count = endNetwork - firstNetwork;
      const { left, right } = gridFactors(chunk, grid, firstNetwork, endNetwork);
      const leftTensor = tf.tensor3d(left, [count, grid.offsetCount, 2 * width]);
      const rightTensor = tf.tensor3d(right, [count, 2 * width, grid.nodeCount]);
      return tf.matMul(leftTensor, rightTensor).reshape([count, grid.offsetCount * grid.nodeCount]);
    });

  const applyOnGrid = (chunk: ParameterChunk, grid: ProductGrid): tf.Tensor2D => {
    if (nodeMomenta) return inSlices(chunk, grid.offsetCount * 2 * width, (first, end) => quadratureGridSlice(chunk, grid, first, end));
    return inSlices(chunk, (grid.offsetCount + grid.nodeCount) * 2 * width, (first, end) => randomGridSlice(chunk, grid, first, end));
  };

  const referenceAtPoints = (chunk: ParameterChunk, points: Points): Float64Array => {
    const { momenta, phases, coefficients } = chunk.arrays as Record<string, Float64Array>;
    const flat = flatten(points);
    const out = new Float64Array(chunk.count * points.length);
    for (let network = 0; network < chunk.count; network++) {
      for (let point = 0; point < points.length; point++) {
        let total = 0;
        for (let neuron = 0; neuron < width; neuron++) {
          const slot = network * width + neuron;
          let angle = phases![slot]!;
          for (let axis = 0; axis < dimension; axis++) angle += momenta![slot * dimension + axis]! * flat[point * dimension + axis]!;
          total += coefficients![slot]! * Math.cos(angle);
        }
        out[network * points.length + point] = total;
      }
    }
    return out;
  };

  return { applyAtPoints, applyOnGrid, referenceAtPoints };
}
