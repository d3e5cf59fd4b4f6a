/**
 * A differentiable cos-net forward pass for gradient-based design: phi(x) = sum_i b_i cos(s p_i.x + c_i)
 * with a trainable momentum scale s (a tf.Scalar), at points and on a separable product grid. Unlike
 * the estimation path (cos-net.ts), angles are formed on the device so gradients flow to s; float32
 * then limits |s p.x| to a few hundred radians (fine for designs with a cutoff).
 */
import { tf } from '../backend/index.js';
import type { ParameterChunk, Points } from './architecture.js';
import type { ProductGrid } from './product-grid.js';

export interface DifferentiableCosNetChunk {
  /** p.x at the points, [count, width, points] (float32, unscaled). */
  readonly pointDots: tf.Tensor3D;
  /** p.u at the grid offsets, [count, offsets, width]. */
  readonly offsetDots: tf.Tensor3D | null;
  /** p.v at the grid nodes, [count, width, nodes]. */
  readonly nodeDots: tf.Tensor3D | null;
  readonly phases: tf.Tensor3D;
  readonly coefficients: tf.Tensor3D;
}

function dots(chunk: ParameterChunk, width: number, dimension: number, flat: Float64Array, count: number, pointsMajor: boolean): Float32Array {
  const momenta = chunk.arrays.momenta!;
  const out = new Float32Array(chunk.count * width * count);
  for (let network = 0; network < chunk.count; network++) {
    for (let neuron = 0; neuron < width; neuron++) {
      const slot = network * width + neuron;
      for (let point = 0; point < count; point++) {
        let total = 0;
        for (let axis = 0; axis < dimension; axis++) total += momenta[slot * dimension + axis]! * flat[point * dimension + axis]!;
        out[pointsMajor ? (network * count + point) * width + neuron : slot * count + point] = total;
      }
    }
  }
  return out;
}

/** Upload a sampled cos-net chunk for differentiable evaluation (dispose the tensors when done). */
export function uploadDifferentiableChunk(chunk: ParameterChunk, width: number, dimension: number, points: Points, grid: ProductGrid | null): DifferentiableCosNetChunk {
  const flatPoints = Float64Array.from(points.flat());
  return {
    pointDots: tf.tensor3d(dots(chunk, width, dimension, flatPoints, points.length, false), [chunk.count, width, points.length]),
    offsetDots: grid ? tf.tensor3d(dots(chunk, width, dimension, grid.offsets, grid.offsetCount, true), [chunk.count, grid.offsetCount, width]) : null,
    nodeDots: grid ? tf.tensor3d(dots(chunk, width, dimension, grid.nodes, grid.nodeCount, false), [chunk.count, width, grid.nodeCount]) : null,
    phases: tf.tensor3d(Float32Array.from(chunk.arrays.phases!), [chunk.count, 1, width]),
    coefficients: tf.tensor3d(Float32Array.from(chunk.arrays.coefficients!), [chunk.count, 1, width]),
  };
}

export function disposeDifferentiableChunk(chunk: DifferentiableCosNetChunk): void {
  tf.dispose([chunk.pointDots, chunk.phases, chunk.coefficients, ...(chunk.offsetDots ? [chunk.offsetDots] : []), ...(chunk.nodeDots ? [chunk.nodeDots] : [])]);
}

/** phi at the points, [count, points]. */
export function differentiablePointValues(chunk: DifferentiableCosNetChunk, scale: tf.Scalar): tf.Tensor2D {
  const [count, width, pointCount] = chunk.pointDots.shape;
  // Phases enter as [count, width, 1] so they broadcast over the points.
  const angles = tf.add(tf.mul(chunk.pointDots, scale), tf.reshape(chunk.phases, [count, width, 1]));
  return tf.reshape(tf.matMul(chunk.coefficients, tf.cos(angles)), [count, pointCount]);
}

/** phi on the grid, [count, offsets * nodes], by the separable cos/sin factorisation. */
export function differentiableGridValues(chunk: DifferentiableCosNetChunk, scale: tf.Scalar): tf.Tensor2D {
  const offsetDots = chunk.offsetDots!;
  const nodeDots = chunk.nodeDots!;
  const [count, offsetCount] = offsetDots.shape;
  const nodeCount = nodeDots.shape[2];
  const offsetAngles = tf.add(tf.mul(offsetDots, scale), chunk.phases);
  const nodeAngles = tf.mul(nodeDots, scale);
  const left = tf.concat([tf.mul(tf.cos(offsetAngles), chunk.coefficients), tf.neg(tf.mul(tf.sin(offsetAngles), chunk.coefficients))], 2);
  const right = tf.concat([tf.cos(nodeAngles), tf.sin(nodeAngles)], 1);
  return tf.reshape(tf.matMul(left, right), [count, offsetCount * nodeCount]);
}
