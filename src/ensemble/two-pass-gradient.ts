/**
 * Exact gradient of a correlator loss in bounded memory (docs/ensemble.md, "Gradients (for design)"): pass 1 streams every chunk
 * and accumulates moment sums in float64; the host forms the loss and its cotangents; pass 2 redraws
 * the same chunks (same seeds) and differentiates each chunk's linear functional with respect to the
 * parameters on the device, adding the per-chunk gradients in float64.
 */
import { tf } from '../backend/index.js';
import { chunkFunctional, cotangentPolynomial, lossCotangents } from '../estimators/loss-gradient.js';
import { MomentSums } from '../estimators/moment-sums.js';
import { monomialTable } from '../estimators/monomials.js';

/** A model whose chunk c is a deterministic function of the parameters (common random numbers). */
export interface DifferentiableEnsemble {
  readonly chunkCount: number;
  readonly pointCount: number;
  /**
   * phi at the points [count, points] and log-weights [count] (or null); runs inside tf.tidy / tf.grads.
   * `values` are the parameters' numeric values (for host-side precomputation at that point).
   */
  forward(chunkIndex: number, parameters: readonly tf.Scalar[], values: readonly number[]): { phi: tf.Tensor2D; logWeights: tf.Tensor1D | null };
  /** Called after a chunk's tensors are disposed (free per-chunk uploads here). */
  release?(chunkIndex: number): void;
}

export interface LossAndGradient {
  readonly loss: number;
  readonly gradient: number[];
  readonly passOneSeconds: number;
  readonly passTwoSeconds: number;
}

export async function lossAndGradient(
  model: DifferentiableEnsemble,
  parameterValues: readonly number[],
  orders: readonly number[],
  evenOnly: boolean,
  lossTerm: (order: number, tupleIndex: number, cumulant: number) => [number, number],
): Promise<LossAndGradient> {
  const table = monomialTable(model.pointCount, Math.max(...orders));
  const sums = new MomentSums(table);
  const started = performance.now();
  const parameters = parameterValues.map((value) => tf.scalar(value));
  for (let chunkIndex = 0; chunkIndex < model.chunkCount; chunkIndex++) {
    const [columns, logWeights] = tf.tidy(() => {
      const { phi, logWeights: weights } = model.forward(chunkIndex, parameters, parameterValues);
      return weights ? [tf.transpose(phi), weights] : [tf.transpose(phi)];
    }) as [tf.Tensor2D, tf.Tensor1D | undefined];
    const [columnData, weightData] = await Promise.all([columns.data(), logWeights ? logWeights.data() : Promise.resolve(null)]);
    const count = columns.shape[1];
    tf.dispose([columns, ...(logWeights ? [logWeights] : [])]);
    model.release?.(chunkIndex);
    const chunkSums = new MomentSums(table);
    const perPoint = Array.from({ length: model.pointCount }, (_, p) => Float64Array.from(columnData.subarray(p * count, (p + 1) * count)));
    chunkSums.addNetworks(perPoint, count, weightData ? Float64Array.from(weightData) : null);
    sums.merge(chunkSums);
  }
  const passOne = performance.now();
  const cotangents = lossCotangents(table, sums, orders, evenOnly, lossTerm);
  const polynomial = cotangentPolynomial(table, cotangents);
  const gradient = new Array<number>(parameters.length).fill(0);
  for (let chunkIndex = 0; chunkIndex < model.chunkCount; chunkIndex++) {
    const grads = tf.tidy(() =>
      tf.grads((...inputs: tf.Tensor[]) => {
        const { phi, logWeights } = model.forward(chunkIndex, inputs as tf.Scalar[], parameterValues);
        return chunkFunctional(polynomial, phi, logWeights);
      })(parameters),
    );
    const values = await Promise.all(grads.map((tensor) => tensor.data()));
    tf.dispose(grads);
    model.release?.(chunkIndex);
    values.forEach((value, index) => (gradient[index]! += value[0]!));
  }
  tf.dispose(parameters);
  return { loss: cotangents.loss, gradient, passOneSeconds: (passOne - started) / 1000, passTwoSeconds: (performance.now() - passOne) / 1000 };
}
