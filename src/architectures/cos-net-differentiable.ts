/**
 * A differentiable cos-net forward pass for gradient-based design: phi(x) = sum_i b_i cos(s p_i.x + c_i)
 * with a trainable momentum scale s, at points and on a separable product grid.
 *
 * The trigonometric factors are evaluated on the host in float64 at the current value s0 of the scale
 * (wasm's cos kernel is several times slower than V8's Math.cos, and float64 angles keep precision),
 * and enter the graph through tf.customGrad with their exact derivatives d cos(s D + c)/ds =
 * -sin(s D + c) D, so gradients with respect to s are exact at s0. Re-upload a chunk when s changes.
 */
import { tf } from '../backend/index.js';
import type { ParameterChunk, Points } from './architecture.js';
import type { ProductGrid } from './product-grid.js';

interface TrigFactor {
  readonly value: tf.Tensor3D;
  readonly derivative: tf.Tensor3D;
}

export interface DifferentiableCosNetChunk {
  /** The scale s0 the factors were evaluated at. */
  readonly scale: number;
  /** cos(s0 p.x + c) at the points, [count, width, points]. */
  readonly pointCosines: TrigFactor;
  /** [b cos(s0 p.u + c), -b sin(s0 p.u + c)] at the grid offsets, [count, offsets, 2 width]. */
  readonly offsetFactor: TrigFactor | null;
  /** [cos(s0 p.v); sin(s0 p.v)] at the grid nodes, [count, 2 width, nodes]. */
  readonly nodeFactor: TrigFactor | null;
  readonly coefficients: tf.Tensor3D;
}

/** A tensor that depends on the scalar s only through a precomputed value and derivative. */
function attach(factor: TrigFactor, scale: tf.Scalar): tf.Tensor3D {
  const body = (input: tf.Tensor) => {
    void input;
    return {
      value: tf.clone(factor.value),
      gradFunc: (dy: tf.Tensor) => [tf.sum(tf.mul(dy, factor.derivative))],
    };
  };
  return tf.customGrad(body as unknown as Parameters<typeof tf.customGrad>[0])(scale) as tf.Tensor3D;
}

/** Upload a chunk's factors; the tensors are kept (safe to call inside tf.tidy) and owned by the caller. */
export function uploadDifferentiableChunk(chunk: ParameterChunk, width: number, dimension: number, points: Points, grid: ProductGrid | null, scale = 1): DifferentiableCosNetChunk {
  const momenta = chunk.arrays.momenta!;
  const phases = chunk.arrays.phases!;
  const coefficients = chunk.arrays.coefficients!;
  const count = chunk.count;
  const dot = (slot: number, flat: ArrayLike<number>, index: number) => {
    let total = 0;
    for (let axis = 0; axis < dimension; axis++) total += momenta[slot * dimension + axis]! * flat[index * dimension + axis]!;
    return total;
  };
  const flatPoints = points.flat();
  const P = points.length;
  const pointValue = new Float32Array(count * width * P);
  const pointDerivative = new Float32Array(count * width * P);
  for (let slot = 0; slot < count * width; slot++) {
    for (let p = 0; p < P; p++) {
      const d = dot(slot, flatPoints, p);
      const angle = scale * d + phases[slot]!;
      pointValue[slot * P + p] = Math.cos(angle);
      pointDerivative[slot * P + p] = -Math.sin(angle) * d;
    }
  }
  let offsetFactor: TrigFactor | null = null;
  let nodeFactor: TrigFactor | null = null;
  if (grid) {
    const A = grid.offsetCount;
    const B = grid.nodeCount;
    const offsetValue = new Float32Array(count * A * 2 * width);
    const offsetDerivative = new Float32Array(offsetValue.length);
    const nodeValue = new Float32Array(count * 2 * width * B);
    const nodeDerivative = new Float32Array(nodeValue.length);
    for (let network = 0; network < count; network++) {
      for (let neuron = 0; neuron < width; neuron++) {
        const slot = network * width + neuron;
        const b = coefficients[slot]!;
        for (let a = 0; a < A; a++) {
          const d = dot(slot, grid.offsets, a);
          const angle = scale * d + phases[slot]!;
          const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
          const base = (network * A + a) * 2 * width;
          offsetValue[base + neuron] = b * cos;
          offsetDerivative[base + neuron] = -b * sin * d;
          offsetValue[base + width + neuron] = -b * sin;
          offsetDerivative[base + width + neuron] = -b * cos * d;
        }
        for (let node = 0; node < B; node++) {
          const d = dot(slot, grid.nodes, node);
          const angle = scale * d;
          const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
          nodeValue[(network * 2 * width + neuron) * B + node] = cos;
          nodeDerivative[(network * 2 * width + neuron) * B + node] = -sin * d;
          nodeValue[(network * 2 * width + width + neuron) * B + node] = sin;
          nodeDerivative[(network * 2 * width + width + neuron) * B + node] = cos * d;
        }
      }
    }
    offsetFactor = { value: tf.keep(tf.tensor3d(offsetValue, [count, A, 2 * width])), derivative: tf.keep(tf.tensor3d(offsetDerivative, [count, A, 2 * width])) };
    nodeFactor = { value: tf.keep(tf.tensor3d(nodeValue, [count, 2 * width, B])), derivative: tf.keep(tf.tensor3d(nodeDerivative, [count, 2 * width, B])) };
  }
  return {
    scale,
    pointCosines: { value: tf.keep(tf.tensor3d(pointValue, [count, width, P])), derivative: tf.keep(tf.tensor3d(pointDerivative, [count, width, P])) },
    offsetFactor,
    nodeFactor,
    coefficients: tf.keep(tf.tensor3d(Float32Array.from(coefficients), [count, 1, width])),
  };
}

export function disposeDifferentiableChunk(chunk: DifferentiableCosNetChunk): void {
  const factors = [chunk.pointCosines, chunk.offsetFactor, chunk.nodeFactor].filter((factor): factor is TrigFactor => factor !== null);
  tf.dispose([chunk.coefficients, ...factors.flatMap((factor) => [factor.value, factor.derivative])]);
}

/** phi at the points, [count, points]; `scale` must hold the value the chunk was uploaded at. */
export function differentiablePointValues(chunk: DifferentiableCosNetChunk, scale: tf.Scalar): tf.Tensor2D {
  const [count, , pointCount] = chunk.pointCosines.value.shape;
  return tf.reshape(tf.matMul(chunk.coefficients, attach(chunk.pointCosines, scale)), [count, pointCount]);
}

/** phi on the grid, [count, offsets * nodes], by the separable cos/sin factorisation. */
export function differentiableGridValues(chunk: DifferentiableCosNetChunk, scale: tf.Scalar): tf.Tensor2D {
  const left = attach(chunk.offsetFactor!, scale);
  const right = attach(chunk.nodeFactor!, scale);
  const [count, offsetCount] = left.shape;
  return tf.reshape(tf.matMul(left, right), [count, offsetCount * right.shape[2]]);
}
