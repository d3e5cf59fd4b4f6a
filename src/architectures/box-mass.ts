/**
 * A box-local mass term absorbed exactly into the law of the fixed Gaussian nodes (split momenta,
 * split-momenta.ts; docs/ensemble.md, "Box mass"). The weight exp(-(g/2) int_V phi_low^2), V the
 * centred box [-L/2, L/2], is Gaussian in the node coefficients, so instead of carrying it as an
 * importance weight the nodes are drawn from the tilted Gaussian it defines: an exactly equivalent
 * move that takes the phi^2 part of the interaction (a non-Wick-ordered target's tadpole, or a power-2
 * term of the target) out of the weights, where its second-order response dominates the noise.
 *
 * Convention. At unit amplitude scale the low field is phi_low(x) = sum_n (alpha_n cos p_n x +
 * beta_n sin p_n x) with independent alpha_n, beta_n ~ N(0, d_n), d_n = E[b_n^2] / 2 (Gaussian
 * amplitude pairs). With Q_ij = int_V f_i f_j for the basis f = (cos p_n x, sin p_n x), the tilted law is
 * N(0, (D^-1 + g Q)^-1). In a centred box the cos-sin block of Q vanishes (odd integrand), and with
 * F(u) = int_V cos(u x) dx = 2 sin(u L/2) / u:
 *   Q^cc_nm = (F(p_n - p_m) + F(p_n + p_m)) / 2,    Q^ss_nm = (F(p_n - p_m) - F(p_n + p_m)) / 2.
 * Each block is handled whitened, B = I + g S Q S with S = D^(1/2): covariance S B^-1 S, draws
 * S L^-T z with B = L L^T, z standard normal. The amplitude scale multiplies the tilted field
 * afterwards (the spec's meaning: tilt at unit scale, then scale), like every other cos-net law.
 */
import { NnftError } from '../errors.js';
import { choleskyFactor } from '../numeric/cholesky.js';

export interface BoxMass {
  /** Side L of the centred box. */
  readonly side: number;
  /** g in exp(-(g/2) int_V phi_low^2). */
  readonly coupling: number;
}

/** One block (cos or sin coefficients) of the tilted law. */
export interface TiltedBlock {
  /** Covariance of the coefficients at unit amplitude scale, n x n row-major. */
  readonly covariance: Float64Array;
  /** Lower Cholesky factor of the whitened precision B. */
  readonly lower: Float64Array;
}

export interface TiltedNodes {
  readonly boxMass: BoxMass;
  readonly size: number;
  readonly momenta: Float64Array;
  /** S_n = sqrt(d_n). */
  readonly scaleRoot: Float64Array;
  readonly cos: TiltedBlock;
  readonly sin: TiltedBlock;
}

/** int_{-L/2}^{L/2} cos(u x) dx. */
function boxCosineIntegral(u: number, side: number): number {
  const half = 0.5 * u * side;
  if (Math.abs(half) < 1e-4) return side * (1 - (half * half) / 6 + (half * half * half * half) / 120);
  return (2 * Math.sin(half)) / u;
}

function tiltedBlock(momenta: Float64Array, scaleRoot: Float64Array, boxMass: BoxMass, sign: 1 | -1, label: string): TiltedBlock {
  const n = momenta.length;
  const rows: Float64Array[] = [];
  for (let i = 0; i < n; i++) {
    const row = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const q = 0.5 * (boxCosineIntegral(momenta[i]! - momenta[j]!, boxMass.side) + sign * boxCosineIntegral(momenta[i]! + momenta[j]!, boxMass.side));
      row[j] = (i === j ? 1 : 0) + boxMass.coupling * scaleRoot[i]! * q * scaleRoot[j]!;
    }
    rows.push(row);
  }
  let factor;
  try {
    factor = choleskyFactor(rows);
  } catch (error) {
    throw new NnftError('E_SEMANTIC', `the box mass coupling ${boxMass.coupling} makes the ${label} nodes' law improper (I + g S Q S is not positive definite)`, {
      hint: 'a negative box mass may not exceed the free mass: raise the coupling, or carry the term as a deformation',
      cause: error,
    });
  }
  const inverse = factor.inverse();
  const covariance = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) covariance[i * n + j] = scaleRoot[i]! * inverse[i]![j]! * scaleRoot[j]!;
  return { covariance, lower: factor.lower };
}

/**
 * The tilted law of fixed nodes with momenta p_n and E[b_n^2] = `secondMoments[n]` at unit amplitude
 * scale. Refused (E_SEMANTIC) when g is so negative that the law is improper.
 */
export function tiltNodes(momenta: ArrayLike<number>, secondMoments: ArrayLike<number>, boxMass: BoxMass): TiltedNodes {
  if (!(boxMass.side > 0) || !Number.isFinite(boxMass.side)) throw new NnftError('E_SEMANTIC', `the box mass needs a positive finite side, got ${boxMass.side}`);
  if (!Number.isFinite(boxMass.coupling)) throw new NnftError('E_SEMANTIC', `the box mass coupling must be finite, got ${boxMass.coupling}`);
  const p = Float64Array.from(momenta);
  const scaleRoot = Float64Array.from(secondMoments, (value) => Math.sqrt(value / 2));
  return {
    boxMass,
    size: p.length,
    momenta: p,
    scaleRoot,
    cos: tiltedBlock(p, scaleRoot, boxMass, 1, 'cosine'),
    sin: tiltedBlock(p, scaleRoot, boxMass, -1, 'sine'),
  };
}

/** Solve L^T x = z in place (L lower, row-major n x n). */
function solveTransposed(lower: Float64Array, n: number, values: Float64Array): void {
  for (let i = n - 1; i >= 0; i--) {
    let value = values[i]!;
    for (let k = i + 1; k < n; k++) value -= lower[k * n + i]! * values[k]!;
    values[i] = value / lower[i * n + i]!;
  }
}

/**
 * One draw of the tilted coefficients at unit scale from standard normals (2n of them: cos block,
 * then sin block), as the amplitude b_n >= 0 and phase c_n of b cos(p x + c) = alpha cos - (-beta) sin.
 */
export function drawTilted(tilted: TiltedNodes, normals: Float64Array, amplitudes: Float64Array, phases: Float64Array): void {
  const n = tilted.size;
  const alpha = normals.subarray(0, n);
  const beta = normals.subarray(n, 2 * n);
  solveTransposed(tilted.cos.lower, n, alpha);
  solveTransposed(tilted.sin.lower, n, beta);
  for (let i = 0; i < n; i++) {
    const a = tilted.scaleRoot[i]! * alpha[i]!;
    const b = tilted.scaleRoot[i]! * beta[i]!;
    amplitudes[i] = Math.hypot(a, b);
    // b cos(p x + c) = b cos c cos p x - b sin c sin p x: alpha = b cos c, beta = -b sin c.
    phases[i] = Math.atan2(-b, a);
  }
}

/** Covariance of the tilted low field at unit scale between x and y (2n trig calls, n^2 multiply-adds). */
export function tiltedCovariance(tilted: TiltedNodes, x: number, y: number): number {
  const n = tilted.size;
  const cosY = Float64Array.from(tilted.momenta, (p) => Math.cos(p * y));
  const sinY = Float64Array.from(tilted.momenta, (p) => Math.sin(p * y));
  let total = 0;
  for (let i = 0; i < n; i++) {
    let cosRow = 0;
    let sinRow = 0;
    for (let j = 0; j < n; j++) {
      cosRow += tilted.cos.covariance[i * n + j]! * cosY[j]!;
      sinRow += tilted.sin.covariance[i * n + j]! * sinY[j]!;
    }
    total += Math.cos(tilted.momenta[i]! * x) * cosRow + Math.sin(tilted.momenta[i]! * x) * sinRow;
  }
  return total;
}
