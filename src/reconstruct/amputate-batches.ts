/**
 * Amputation with errors: the vertices are computed from the mean over batches, and their standard
 * errors by the delete-one jackknife over batches (each batch an independent set of networks with
 * its own estimate of C, K and optionally K6). Also decides whether noise amplification has made the
 * amputated vertex meaningless.
 */
import { NnftError } from '../errors.js';
import { type Amputation, type AmputationOptions, amputateGrid, type GridCorrelators } from './amputate.js';
import type { GridTensor } from './grid-tensor.js';
import { averageBatches, jackknifeBatches } from './jackknife.js';

export interface NoiseAssessment {
  /** ||V||_F / ||stderr(V)||_F. */
  readonly signalToNoise: number;
  /** False when the vertex is not resolved above its errors (signalToNoise < minimum). */
  readonly meaningful: boolean;
  readonly message: string;
}

export interface AmputationWithErrors extends Amputation {
  readonly quarticStderr: GridTensor;
  readonly quadraticStderr: Float64Array;
  readonly sexticStderr?: GridTensor;
  readonly diagonalCouplingStderr: number;
  /** Leave-one-out quartic vertices (for derived statistics such as the vertex spread). */
  readonly quarticLeaveOneOut: Float64Array[];
  readonly batchCount: number;
  readonly noise: NoiseAssessment;
}

/** Signal-to-noise below which the amputated vertex is declared meaningless. */
export const MIN_VERTEX_SIGNAL_TO_NOISE = 3;

function frobenius(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] * values[i];
  return Math.sqrt(sum);
}

export function assessVertexNoise(vertex: ArrayLike<number>, stderr: ArrayLike<number>, amplification: number): NoiseAssessment {
  const signal = frobenius(vertex);
  const noise = frobenius(stderr);
  const signalToNoise = noise === 0 ? Infinity : signal / noise;
  const meaningful = signalToNoise >= MIN_VERTEX_SIGNAL_TO_NOISE;
  const message = meaningful
    ? `amputated vertex resolved: signal/noise ${signalToNoise.toPrecision(3)} (noise amplification ||C^-1||^4 = ${amplification.toPrecision(3)})`
    : `amputated vertex is meaningless: its errors are comparable to its size (signal/noise ${signalToNoise.toPrecision(3)} < ${MIN_VERTEX_SIGNAL_TO_NOISE}); ` +
      `noise in G_c4 is amplified by up to ||C^-1||^4 = ${amplification.toPrecision(3)}. Use a coarser grid, more networks, or rely on the forward fit.`;
  return { signalToNoise, meaningful, message };
}

export function amputateBatches(batches: readonly GridCorrelators[], options: AmputationOptions = {}): AmputationWithErrors {
  if (batches.length < 2) {
    throw new NnftError('E_SEMANTIC', `amputation errors need at least 2 batches, got ${batches.length}`);
  }
  const first = batches[0];
  const size = first.fourPoint.size;
  const withSix = first.sixPoint !== undefined;
  const arrays = batches.map((batch) => ({
    twoPoint: batch.twoPoint,
    fourPoint: batch.fourPoint.data,
    ...(withSix ? { sixPoint: batch.sixPoint!.data } : {}),
  }));
  const quarticLength = size ** 4;
  const quadraticLength = size ** 2;
  const toInput = (mean: Record<string, Float64Array>): GridCorrelators => ({
    twoPoint: mean.twoPoint,
    fourPoint: { size, order: 4, data: mean.fourPoint },
    ...(withSix ? { sixPoint: { size, order: 6, data: mean.sixPoint } } : {}),
  });
  // Flatten [V, dK, diagonal coupling, g6?] into one vector per estimate.
  const estimator = (mean: Record<string, Float64Array>): Float64Array => {
    const result = amputateGrid(toInput(mean), options);
    const sixLength = result.sextic ? result.sextic.data.length : 0;
    const flat = new Float64Array(quarticLength + quadraticLength + 1 + sixLength);
    flat.set(result.quartic.data, 0);
    flat.set(result.quadratic, quarticLength);
    flat[quarticLength + quadraticLength] = result.diagonalCoupling;
    if (result.sextic) flat.set(result.sextic.data, quarticLength + quadraticLength + 1);
    return flat;
  };
  const central = amputateGrid(toInput(averageBatches(arrays)), options);
  const jack = jackknifeBatches(arrays, estimator);
  const sextic = quarticLength + quadraticLength + 1;
  const quarticStderr: GridTensor = { size, order: 4, data: jack.stderr.slice(0, quarticLength) };
  return {
    ...central,
    quarticStderr,
    quadraticStderr: jack.stderr.slice(quarticLength, quarticLength + quadraticLength),
    diagonalCouplingStderr: jack.stderr[quarticLength + quadraticLength],
    ...(withSix ? { sexticStderr: { size, order: 6, data: jack.stderr.slice(sextic) } } : {}),
    quarticLeaveOneOut: jack.leaveOneOut.map((sample) => sample.slice(0, quarticLength)),
    batchCount: batches.length,
    noise: assessVertexNoise(central.quartic.data, quarticStderr.data, central.noiseAmplification),
  };
}

