/**
 * The exact two-pass gradient of a loss built from weighted connected correlators (docs/ensemble.md, "Gradients (for design)"):
 * pass 1 streams the chunks and accumulates the chunk-additive sums S_j = sum_m w_m mono_j(phi_m) and
 * W = sum_m w_m; the host then forms L and its cotangents c_j = dL/dS_j, c_W = dL/dW in float64
 * (chain rule through the ratios and the cumulant formulas). Pass 2 redraws the same chunks and
 * differentiates the linear functional sum_j c_j S_j(chunk) + c_W W(chunk) on the device; by linearity
 * the per-chunk gradients add up to dL exactly.
 *
 * Monomials up to order 4 become quadratic forms on phi and on the P(P+1)/2 distinct products
 * phi_a phi_b (a <= b), written with tf.customGrad so
 * the backward pass reuses the forward GEMM (grad of x Q x^T is 2 x Q for symmetric Q).
 */
import { tf } from '../backend/index.js';
import { cumulantRecipe, evaluateCumulant } from './cumulants.js';
import type { MomentSums } from './moment-sums.js';
import type { MonomialTable } from './monomials.js';
import { indexTuples } from '../io/result.js';

export interface LossCotangents {
  readonly loss: number;
  /** dL/dS_j per monomial, with S_j relative to exp(logShift). */
  readonly monomial: Float64Array;
  /** dL/dW. */
  readonly weight: number;
  readonly logShift: number;
}

/**
 * Cotangents for L = sum over orders and tuples of loss(order, tupleIndex, cumulant), with
 * `lossTerm` returning [value, dValue/dCumulant].
 */
export function lossCotangents(
  table: MonomialTable,
  sums: MomentSums,
  orders: readonly number[],
  evenOnly: boolean,
  lossTerm: (order: number, tupleIndex: number, cumulant: number) => [number, number],
): LossCotangents {
  const weightSum = sums.weightSum;
  const moments = new Float64Array(table.tuples.length);
  for (let j = 0; j < moments.length; j++) moments[j] = sums.weighted[j]! / weightSum;
  const momentCotangent = new Float64Array(moments.length);
  let loss = 0;
  for (const order of orders) {
    indexTuples(table.pointCount, order).forEach((tuple, tupleIndex) => {
      const recipe = cumulantRecipe(tuple, (sub) => table.indexOf(sub), evenOnly);
      const [value, slope] = lossTerm(order, tupleIndex, evaluateCumulant(recipe, moments));
      loss += value;
      for (const term of recipe.terms) {
        term.moments.forEach((moment, position) => {
          let product = term.coefficient * slope;
          term.moments.forEach((other, otherPosition) => {
            if (otherPosition !== position) product *= moments[other]!;
          });
          momentCotangent[moment]! += product;
        });
      }
    });
  }
  // mu_j = S_j / W: dL/dS_j = dL/dmu_j / W, dL/dW = -sum_j dL/dmu_j mu_j / W.
  const monomial = new Float64Array(moments.length);
  let weight = 0;
  for (let j = 0; j < moments.length; j++) {
    monomial[j] = momentCotangent[j]! / weightSum;
    weight -= (momentCotangent[j]! * moments[j]!) / weightSum;
  }
  return { loss, monomial, weight, logShift: sums.logShift };
}

/** x Q x^T per row for a symmetric Q, with a one-GEMM backward pass. */
function quadraticForm(x: tf.Tensor2D, q: tf.Tensor2D): tf.Tensor1D {
  const body = (input: tf.Tensor, save: tf.GradSaveFunc) => {
    const xq = tf.matMul(input as tf.Tensor2D, q);
    save([xq]);
    return {
      value: tf.sum(tf.mul(xq, input), 1),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(tf.expandDims(dy, 1), tf.mul(saved[0]!, 2))],
    };
  };
  const form = tf.customGrad(body as unknown as Parameters<typeof tf.customGrad>[0]);
  return form(x) as tf.Tensor1D;
}

/** Device form of the cotangent polynomial sum_j c_j mono_j(phi), for monomials up to order 4. */
export interface CotangentPolynomial {
  readonly pointCount: number;
  /** Unordered pairs a <= b: the basis of phi (x) phi (P(P+1)/2 entries instead of P^2). */
  readonly pairFirst: Int32Array;
  readonly pairSecond: Int32Array;
  readonly linear: Float32Array | null;
  readonly quadratic: Float32Array | null;
  readonly cubic: Float32Array | null;
  readonly quartic: Float32Array | null;
  readonly weight: number;
  readonly logShift: number;
}

export function cotangentPolynomial(table: MonomialTable, cotangents: LossCotangents): CotangentPolynomial {
  const P = table.pointCount;
  if (table.maxOrder > 4) throw new RangeError('gradient functionals support connected orders up to 4');
  const pairIndex = new Int32Array(P * P);
  const first: number[] = [];
  const second: number[] = [];
  for (let a = 0; a < P; a++) {
    for (let b = a; b < P; b++) {
      pairIndex[a * P + b] = first.length;
      first.push(a);
      second.push(b);
    }
  }
  const pairs = first.length;
  let linear: Float32Array | null = null;
  let quadratic: Float32Array | null = null;
  let cubic: Float32Array | null = null;
  let quartic: Float32Array | null = null;
  table.tuples.forEach((tuple, j) => {
    const c = cotangents.monomial[j]!;
    if (c === 0) return;
    if (tuple.length === 1) (linear ??= new Float32Array(P))[tuple[0]!]! += c;
    if (tuple.length === 2) {
      const [a, b] = tuple as [number, number];
      quadratic ??= new Float32Array(P * P);
      // Symmetric split, so x Q x^T = c phi_a phi_b.
      quadratic[a * P + b]! += c / 2;
      quadratic[b * P + a]! += c / 2;
    }
    if (tuple.length === 3) {
      const [a, b, d] = tuple as [number, number, number];
      (cubic ??= new Float32Array(pairs * P))[pairIndex[a * P + b]! * P + d]! += c;
    }
    if (tuple.length === 4) {
      const [a, b, d, e] = tuple as [number, number, number, number];
      quartic ??= new Float32Array(pairs * pairs);
      const left = pairIndex[a * P + b]!;
      const right = pairIndex[d * P + e]!;
      quartic[left * pairs + right]! += c / 2;
      quartic[right * pairs + left]! += c / 2;
    }
  });
  return { pointCount: P, pairFirst: Int32Array.from(first), pairSecond: Int32Array.from(second), linear, quadratic, cubic, quartic, weight: cotangents.weight, logShift: cotangents.logShift };
}

/**
 * sum_m exp(logw_m - shift) (c_W + sum_j c_j mono_j(phi_m)) for one chunk, differentiable in phi and
 * logw; call inside tf.grads / tf.variableGrads.
 */
export function chunkFunctional(polynomial: CotangentPolynomial, phi: tf.Tensor2D, logWeights: tf.Tensor1D | null): tf.Scalar {
  const [count, P] = phi.shape;
  let perNetwork: tf.Tensor1D = tf.fill([count], polynomial.weight) as tf.Tensor1D;
  if (polynomial.linear) perNetwork = tf.add(perNetwork, tf.reshape(tf.matMul(phi, tf.tensor2d(polynomial.linear, [P, 1])), [count]));
  if (polynomial.quadratic) perNetwork = tf.add(perNetwork, quadraticForm(phi, tf.tensor2d(polynomial.quadratic, [P, P])));
  if (polynomial.cubic || polynomial.quartic) {
    const pairCount = polynomial.pairFirst.length;
    // Selection by one-hot matrices, not tf.gather: gather's gradient (UnsortedSegmentSum) has no wasm kernel.
    const select = (indices: Int32Array) => {
      const matrix = new Float32Array(P * pairCount);
      indices.forEach((point, pair) => (matrix[point * pairCount + pair] = 1));
      return tf.matMul(phi, tf.tensor2d(matrix, [P, pairCount]));
    };
    const pairs = tf.mul(select(polynomial.pairFirst), select(polynomial.pairSecond)) as tf.Tensor2D;
    if (polynomial.cubic) perNetwork = tf.add(perNetwork, tf.sum(tf.mul(tf.matMul(pairs, tf.tensor2d(polynomial.cubic, [pairCount, P])), phi), 1));
    if (polynomial.quartic) perNetwork = tf.add(perNetwork, quadraticForm(pairs, tf.tensor2d(polynomial.quartic, [pairCount, pairCount])));
  }
  const weights = logWeights ? tf.exp(tf.sub(logWeights, polynomial.logShift)) : tf.fill([count], Math.exp(-polynomial.logShift));
  return tf.sum(tf.mul(weights, perNetwork)) as tf.Scalar;
}
