/**
 * Connected correlators of the design ensemble AND their exact Jacobian with respect to the design
 * parameters, from one streaming pass over the draws (common random numbers within the pass).
 *
 * Per network the device computes the field at the points and on the interaction grid together with
 * its tangents: d phi/d sigma = phi/sigma and d phi/d s from the exact derivative of the trig factors
 * (pathwise, through the reparameterised draws), and the log-weight's derivatives
 * d log w/d g_k = -F_k (score function) and d log w/d(sigma, s) = -sum_k g_k dF_k/dphi . dphi.
 * The host accumulates, in float64 with a running log-shift,
 *   W = sum w, S_j = sum w mono_j, dW = sum w dlogw, dS_j = sum w (dlogw mono_j + dmono_j),
 * so that mu_j = S_j / W and d mu_j = (dS_j - mu_j dW) / W exactly; cumulants and their Jacobian
 * follow from the cumulant recipes by the product rule.
 */
import { tf } from '../backend/index.js';
import { uploadDifferentiableChunk, disposeDifferentiableChunk } from '../architectures/cos-net-differentiable.js';
import { belowModeCutoff, gaussianKernelMatrix } from '../densities/deformations.js';
import { cumulantsFromMoments } from './cumulant-jacobian.js';
import { monomialTable, type MonomialTable } from '../estimators/monomials.js';
import { deriveSeed } from '../random/index.js';
import { CHUNK_STREAM, type CosNetDesignGeometry } from './cos-net-design-model.js';
import { factorial } from '../numeric/special-functions.js';

export interface CumulantsWithJacobian {
  /** Per order: cumulant values over indexTuples(P, order). */
  readonly values: Map<number, Float64Array>;
  /** Per order: [tuple][parameter] derivatives, row-major (tuples x parameters). */
  readonly jacobian: Map<number, Float64Array>;
  readonly effectiveSampleSize: number;
  readonly ensembleSize: number;
}

interface ChunkTangents {
  count: number;
  phi: Float32Array; // [count, P]
  phiScale: Float32Array; // d phi / ds, [count, P]
  logWeight: Float32Array | null; // [count]
  /** d log w / d theta_k for k = sigma, s, couplings..., [K][count]. */
  logWeightTangents: Float32Array[];
}

async function chunkTangents(geometry: CosNetDesignGeometry, stepSeed: number, chunkIndex: number, count: number, parameters: readonly number[]): Promise<ChunkTangents> {
  const { base, points, terms, grid } = geometry;
  const [amplitudeScale, momentumScale, ...couplings] = parameters as [number, number, ...number[]];
  const chunk = base.sample(deriveSeed(stepSeed, CHUNK_STREAM, chunkIndex), count);
  const pointUpload = uploadDifferentiableChunk(chunk, base.width, base.dimension, points, null, momentumScale);
  const gridUpload =
    grid && terms.length > 0
      ? uploadDifferentiableChunk(geometry.modeCutoff !== null ? belowModeCutoff(chunk, base.dimension, geometry.modeCutoff) : chunk, base.width, base.dimension, points.slice(0, 1), grid, momentumScale)
      : null;
  const P = points.length;
  const outputs = tf.tidy(() => {
    const phi = tf.reshape(tf.matMul(pointUpload.coefficients, pointUpload.pointCosines.value), [count, P]).mul(amplitudeScale);
    const phiScale = tf.reshape(tf.matMul(pointUpload.coefficients, pointUpload.pointCosines.derivative), [count, P]).mul(amplitudeScale);
    if (!gridUpload) return [phi, phiScale];
    const left = gridUpload.offsetFactor!;
    const right = gridUpload.nodeFactor!;
    const gridSize = left.value.shape[1] * right.value.shape[2];
    const field = tf.reshape(tf.matMul(left.value, right.value), [count, gridSize]).mul(amplitudeScale) as tf.Tensor2D;
    const fieldScale = tf
      .reshape(tf.add(tf.matMul(left.derivative, right.value), tf.matMul(left.value, right.derivative)), [count, gridSize])
      .mul(amplitudeScale) as tf.Tensor2D;
    const weights = tf.tensor2d(Float32Array.from(grid!.weights), [gridSize, 1]);
    let logWeight: tf.Tensor = tf.zeros([count]);
    let tangentSigma: tf.Tensor = tf.zeros([count]);
    let tangentScale: tf.Tensor = tf.zeros([count]);
    const functionals: tf.Tensor[] = [];
    terms.forEach((term, index) => {
      let functional: tf.Tensor;
      let slope: tf.Tensor2D; // dF/dphi_q per grid point, [count, G]
      if (term.kind === 'local') {
        // He_k by the recurrence; dHe_n/dphi = n He_{n-1} (Wick) or n phi^{n-1}.
        let previous: tf.Tensor2D = tf.onesLike(field);
        let current: tf.Tensor2D = field;
        for (let k = 1; k < term.power; k++) {
          const next: tf.Tensor2D = term.wickOrdered ? tf.sub(tf.mul(field, current), tf.mul(previous, k * term.wickPropagatorAtZero)) : tf.mul(field, current);
          previous = current;
          current = next;
        }
        const scale = 1 / factorial(term.power);
        functional = tf.reshape(tf.matMul(current, weights), [count]).mul(scale);
        slope = tf.mul(previous, tf.reshape(weights, [1, gridSize])).mul(term.power * scale) as tf.Tensor2D;
      } else {
        const kernel = tf.tensor2d(gaussianKernelMatrix(grid!, base.dimension, term.kernelWidth), [gridSize, gridSize]);
        const squared = tf.square(field);
        const smeared = tf.matMul(squared, kernel) as tf.Tensor2D;
        functional = tf.sum(tf.mul(smeared, squared), 1).mul(1 / 24);
        // Kernel already carries both quadrature weights: dF/dphi_q = (1/6) phi_q (K phi^2)_q.
        slope = tf.mul(field, smeared).mul(1 / 6) as tf.Tensor2D;
      }
      const coupling = couplings[index]!;
      logWeight = tf.sub(logWeight, tf.mul(functional, coupling));
      tangentSigma = tf.sub(tangentSigma, tf.sum(tf.mul(slope, field), 1).mul(coupling / amplitudeScale));
      tangentScale = tf.sub(tangentScale, tf.sum(tf.mul(slope, fieldScale), 1).mul(coupling));
      functionals.push(tf.neg(functional));
    });
    return [phi, phiScale, logWeight, tangentSigma, tangentScale, ...functionals];
  });
  const data = (await Promise.all(outputs.map((tensor) => tensor.data()))) as Float32Array[];
  tf.dispose(outputs);
  disposeDifferentiableChunk(pointUpload);
  if (gridUpload) disposeDifferentiableChunk(gridUpload);
  const zeros = new Float32Array(count);
  if (data.length === 2) {
    return { count, phi: data[0]!, phiScale: data[1]!, logWeight: null, logWeightTangents: parameters.map(() => zeros) };
  }
  const [phi, phiScale, logWeight, tangentSigma, tangentScale, ...negativeFunctionals] = data as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, ...Float32Array[]];
  return { count, phi, phiScale, logWeight, logWeightTangents: [tangentSigma, tangentScale, ...negativeFunctionals] };
}

/** Streaming float64 sums of weighted monomials and their parameter derivatives. */
class TangentSums {
  readonly table: MonomialTable;
  readonly parameterCount: number;
  logShift = -Infinity;
  weight = 0;
  weightSquared = 0;
  readonly monomial: Float64Array;
  readonly weightTangent: Float64Array;
  readonly monomialTangent: Float64Array; // [monomial][parameter]
  count = 0;

  constructor(table: MonomialTable, parameterCount: number) {
    this.table = table;
    this.parameterCount = parameterCount;
    this.monomial = new Float64Array(table.tuples.length);
    this.weightTangent = new Float64Array(parameterCount);
    this.monomialTangent = new Float64Array(table.tuples.length * parameterCount);
  }

  private rescale(newShift: number): void {
    if (this.logShift === -Infinity) {
      this.logShift = newShift;
      return;
    }
    const factor = Math.exp(this.logShift - newShift);
    this.weight *= factor;
    this.weightSquared *= factor * factor;
    for (let j = 0; j < this.monomial.length; j++) this.monomial[j]! *= factor;
    for (let j = 0; j < this.weightTangent.length; j++) this.weightTangent[j]! *= factor;
    for (let j = 0; j < this.monomialTangent.length; j++) this.monomialTangent[j]! *= factor;
    this.logShift = newShift;
  }

  add(tangents: ChunkTangents, pointCount: number, amplitudeScale: number): void {
    const { count, phi, phiScale, logWeight, logWeightTangents } = tangents;
    if (logWeight) {
      let maximum = -Infinity;
      for (let m = 0; m < count; m++) maximum = Math.max(maximum, logWeight[m]!);
      if (maximum > this.logShift) this.rescale(maximum);
    } else if (this.logShift === -Infinity) {
      this.logShift = 0;
    }
    const K = this.parameterCount;
    const tuples = this.table.tuples;
    const values = new Float64Array(pointCount);
    // Field tangents per point: [parameter][point] (sigma: phi/sigma, s: phiScale, couplings: 0).
    const fieldTangent = new Float64Array(K * pointCount);
    for (let m = 0; m < count; m++) {
      const w = logWeight ? Math.exp(logWeight[m]! - this.logShift) : Math.exp(-this.logShift);
      for (let p = 0; p < pointCount; p++) {
        values[p] = phi[m * pointCount + p]!;
        fieldTangent[p] = values[p]! / amplitudeScale;
        fieldTangent[pointCount + p] = phiScale[m * pointCount + p]!;
      }
      this.weight += w;
      this.weightSquared += w * w;
      for (let k = 0; k < K; k++) this.weightTangent[k]! += w * logWeightTangents[k]![m]!;
      for (let j = 0; j < tuples.length; j++) {
        const tuple = tuples[j]!;
        let product = 1;
        for (const point of tuple) product *= values[point]!;
        this.monomial[j]! += w * product;
        for (let k = 0; k < K; k++) {
          let derivative = logWeightTangents[k]![m]! * product;
          if (k < 2) {
            // Product rule over the factors of the monomial (sigma and s move the field).
            for (let position = 0; position < tuple.length; position++) {
              let others = 1;
              for (let other = 0; other < tuple.length; other++) if (other !== position) others *= values[tuple[other]!]!;
              derivative += others * fieldTangent[k * pointCount + tuple[position]!]!;
            }
          }
          this.monomialTangent[j * K + k]! += w * derivative;
        }
      }
    }
    this.count += count;
  }
}

function normalisedMoments(sums: TangentSums): { moments: Float64Array; tangents: Float64Array } {
  const K = sums.parameterCount;
  const moments = new Float64Array(sums.monomial.length);
  const tangents = new Float64Array(moments.length * K);
  for (let j = 0; j < moments.length; j++) {
    moments[j] = sums.monomial[j]! / sums.weight;
    for (let k = 0; k < K; k++) tangents[j * K + k] = (sums.monomialTangent[j * K + k]! - moments[j]! * sums.weightTangent[k]!) / sums.weight;
  }
  return { moments, tangents };
}

/**
 * Exact moments E_0[phi(x_1)...phi(x_k)] of the undeformed base ensemble at amplitude scale sigma and
 * momentum scale s (= sigma^k E_0 at the points s x), with their derivatives.
 */
function exactMoments(
  geometry: CosNetDesignGeometry,
  table: MonomialTable,
  parameters: readonly number[],
  differentiateScale: boolean,
): { moments: Float64Array; tangents: Float64Array } | null {
  const K = parameters.length;
  const [sigma, scale] = parameters as [number, number];
  const moments = new Float64Array(table.tuples.length);
  const tangents = new Float64Array(moments.length * K);
  const at = (tuple: readonly number[], s: number): number | null =>
    geometry.base.exactMoment(tuple.map((point) => geometry.points[point]!.map((coordinate) => coordinate * s)));
  for (let j = 0; j < moments.length; j++) {
    const tuple = table.tuples[j]!;
    const value = at(tuple, scale);
    if (value === null) return null;
    const order = tuple.length;
    moments[j] = sigma ** order * value;
    tangents[j * K] = order * sigma ** (order - 1) * value;
    if (differentiateScale) {
      const step = 1e-4 * scale;
      const up = at(tuple, scale + step)!;
      const down = at(tuple, scale - step)!;
      tangents[j * K + 1] = (sigma ** order * (up - down)) / (2 * step);
    }
  }
  return { moments, tangents };
}

export async function cumulantsWithJacobian(
  geometry: CosNetDesignGeometry,
  stepSeed: number,
  ensembleSize: number,
  parameters: readonly number[],
  orders: readonly number[],
  evenOnly: boolean,
  options: { controlVariate?: boolean; differentiateScale?: boolean } = {},
): Promise<CumulantsWithJacobian> {
  const pointCount = geometry.points.length;
  const table = monomialTable(pointCount, Math.max(...orders));
  const K = parameters.length;
  const weighted = new TangentSums(table, K);
  const plain = new TangentSums(table, K);
  const exact = options.controlVariate && geometry.terms.length > 0 ? exactMoments(geometry, table, parameters, options.differentiateScale ?? true) : null;
  const chunkCount = Math.ceil(ensembleSize / geometry.chunkSize);
  for (let chunkIndex = 0; chunkIndex < chunkCount; chunkIndex++) {
    const count = Math.min(geometry.chunkSize, ensembleSize - chunkIndex * geometry.chunkSize);
    const tangents = await chunkTangents(geometry, stepSeed, chunkIndex, count, parameters);
    weighted.add(tangents, pointCount, parameters[0]!);
    if (exact) {
      const zeros = new Float32Array(count);
      plain.add({ ...tangents, logWeight: null, logWeightTangents: parameters.map(() => zeros) }, pointCount, parameters[0]!);
    }
  }
  const deformed = normalisedMoments(weighted);
  const result = cumulantsFromMoments(table, pointCount, orders, evenOnly, deformed.moments, deformed.tangents, K);
  if (exact) {
    // Control variate: c_w - c_0 (same draws, unweighted) + c_exact (undeformed, exactly known).
    const undeformed = normalisedMoments(plain);
    const sampled = cumulantsFromMoments(table, pointCount, orders, evenOnly, undeformed.moments, undeformed.tangents, K);
    const known = cumulantsFromMoments(table, pointCount, orders, evenOnly, exact.moments, exact.tangents, K);
    for (const order of orders) {
      const values = result.values.get(order)!;
      const jacobian = result.jacobian.get(order)!;
      values.forEach((_, t) => (values[t] = values[t]! - sampled.values.get(order)![t]! + known.values.get(order)![t]!));
      jacobian.forEach((_, i) => (jacobian[i] = jacobian[i]! - sampled.jacobian.get(order)![i]! + known.jacobian.get(order)![i]!));
    }
  }
  return { ...result, effectiveSampleSize: (weighted.weight * weighted.weight) / weighted.weightSquared, ensembleSize };
}
