/**
 * One-hidden-layer networks with analytic kernels (arXiv:2008.08601):
 *   phi(x) = sum_i v_i sigma(w_i.x + b_i),  w ~ N(0, sigma_w^2/d), b ~ N(0, sigma_b^2), v ~ N(0, sigma_v^2/N).
 * With q(x, y) = sigma_b^2 + sigma_w^2 x.y / d the covariance of the pre-activations:
 *   Gauss-net, sigma(z) = exp(z - sigma_b^2 - sigma_w^2 |x|^2/d):  G2 = sigma_v^2 exp(-sigma_w^2 |x-y|^2 / (2d));
 *   Erf-net:   G2 = sigma_v^2 (2/pi) arcsin(2 q_xy / sqrt((1 + 2 q_xx)(1 + 2 q_yy)));
 *   ReLU-net:  G2 = sigma_v^2 sqrt(q_xx q_yy) (sin t + (pi - t) cos t) / (2 pi), cos t = q_xy / sqrt(q_xx q_yy).
 * v -> -v makes every family Z2-symmetric, so odd moments vanish.
 */
import { tf } from '../backend/index.js';
import { NnftError } from '../errors.js';
import { erf } from '../numeric/special-functions.js';
import { Rng } from '../random/rng.js';
import type { Dimension } from '../theory/theory.js';
import type { Architecture, ParameterChunk, Points } from './architecture.js';
import { connectedFromExactMoments } from './exact-connected.js';
import { gridPoints, type ProductGrid } from './product-grid.js';

export type HiddenLayerKind = 'gauss-net' | 'erf-net' | 'relu-net';

export interface HiddenLayerOptions {
  readonly kind: HiddenLayerKind;
  readonly dimension: Dimension;
  readonly width: number;
  readonly weightStd?: number;
  readonly biasStd?: number;
  readonly outputStd?: number;
}

export function hiddenLayerNet(input: HiddenLayerOptions): Architecture {
  const options = { ...input, weightStd: input.weightStd ?? 1, biasStd: input.biasStd ?? 1, outputStd: input.outputStd ?? 1 };
  const { dimension, width, kind } = options;
  if (!Number.isInteger(width) || width < 1) throw new NnftError('E_SEMANTIC', `width must be a positive integer, got ${width}`);
  const weightVariance = options.weightStd ** 2 / dimension;
  const biasVariance = options.biasStd ** 2;

  const sample = (seed: number, count: number): ParameterChunk => {
    const rng = new Rng(seed);
    const weights = new Float64Array(count * width * dimension);
    const biases = new Float64Array(count * width);
    const outputs = new Float64Array(count * width);
    const weightStd = Math.sqrt(weightVariance);
    const outputScale = options.outputStd / Math.sqrt(width);
    for (let slot = 0; slot < count * width; slot++) {
      for (let axis = 0; axis < dimension; axis++) weights[slot * dimension + axis] = weightStd * rng.normal();
      biases[slot] = options.biasStd * rng.normal();
      outputs[slot] = outputScale * rng.normal();
    }
    return { count, arrays: { weights, biases, outputs } };
  };

  /** Pre-activations in float64 on the host, [count, width, points]; the Gauss-net's normalisation is folded in. */
  const preActivations = (chunk: ParameterChunk, points: Points): Float64Array => {
    const { weights, biases } = chunk.arrays as Record<string, Float64Array>;
    const out = new Float64Array(chunk.count * width * points.length);
    const shifts = points.map((point) => (kind === 'gauss-net' ? biasVariance + weightVariance * point.reduce((sum, value) => sum + value * value, 0) : 0));
    for (let slot = 0; slot < chunk.count * width; slot++) {
      for (let p = 0; p < points.length; p++) {
        let value = biases![slot]! - shifts[p]!;
        for (let axis = 0; axis < dimension; axis++) value += weights![slot * dimension + axis]! * points[p]![axis]!;
        out[slot * points.length + p] = value;
      }
    }
    return out;
  };

  const activate = (pre: tf.Tensor): tf.Tensor => (kind === 'gauss-net' ? tf.exp(pre) : kind === 'erf-net' ? tf.erf(pre) : tf.relu(pre));
  const activateHost = (z: number): number => (kind === 'gauss-net' ? Math.exp(z) : kind === 'erf-net' ? erf(z) : Math.max(0, z));

  const applyAtPoints = (chunk: ParameterChunk, points: Points): tf.Tensor2D => {
    const pre = tf.tensor3d(Float32Array.from(preActivations(chunk, points)), [chunk.count, width, points.length]);
    const outputs = tf.tensor3d(Float32Array.from(chunk.arrays.outputs!), [chunk.count, 1, width]);
    return tf.matMul(outputs, activate(pre)).reshape([chunk.count, points.length]);
  };

  const referenceAtPoints = (chunk: ParameterChunk, points: Points): Float64Array => {
    const pre = preActivations(chunk, points);
    const outputs = chunk.arrays.outputs!;
    const out = new Float64Array(chunk.count * points.length);
    for (let network = 0; network < chunk.count; network++) {
      for (let neuron = 0; neuron < width; neuron++) {
        const slot = network * width + neuron;
        for (let p = 0; p < points.length; p++) out[network * points.length + p]! += outputs[slot]! * activateHost(pre[slot * points.length + p]!);
      }
    }
    return out;
  };

  const covariance = (x: readonly number[], y: readonly number[]): number => biasVariance + weightVariance * x.reduce((sum, value, axis) => sum + value * y[axis]!, 0);

  const kernel = (x: readonly number[], y: readonly number[]): number => {
    const outputVariance = options.outputStd ** 2;
    if (kind === 'gauss-net') {
      const squared = x.reduce((sum, value, axis) => sum + (value - y[axis]!) ** 2, 0);
      return outputVariance * Math.exp((-weightVariance * squared) / 2);
    }
    const qxy = covariance(x, y);
    const qxx = covariance(x, x);
    const qyy = covariance(y, y);
    if (kind === 'erf-net') return outputVariance * (2 / Math.PI) * Math.asin((2 * qxy) / Math.sqrt((1 + 2 * qxx) * (1 + 2 * qyy)));
    const norm = Math.sqrt(qxx * qyy);
    if (norm === 0) return 0;
    const angle = Math.acos(Math.max(-1, Math.min(1, qxy / norm)));
    return (outputVariance * norm * (Math.sin(angle) + (Math.PI - angle) * Math.cos(angle))) / (2 * Math.PI);
  };

  const architecture: Architecture = {
    kind,
    dimension,
    width,
    z2Symmetric: true,
    description: { ...options },
    sample,
    applyAtPoints,
    applyOnGrid: (chunk: ParameterChunk, grid: ProductGrid) => applyAtPoints(chunk, gridPoints(grid)),
    referenceAtPoints,
    exactMoment: (points) => {
      if (points.length % 2 === 1) return 0;
      if (points.length === 2) return kernel(points[0]!, points[1]!);
      return null;
    },
    exactConnected: (points, tuples) => connectedFromExactMoments(architecture, points, tuples),
  };
  return architecture;
}
