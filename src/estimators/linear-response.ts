/**
 * The exact linear response of a Gaussian base: E_0[h] and Cov_0(h, O) for the log-weight
 * h = log w of a local deformation and every monomial O = phi(a_1) ... phi(a_s) (s <= 4), when the
 * field the deformation sees is exactly Gaussian with a covariance fixed network to network (cos-net
 * on quadrature momenta with Gaussian amplitude pairs, or the fixed low nodes of split momenta) and
 * independent of the rest of the network. They centre the first-order control variate of
 * correlator-estimate.ts (docs/ensemble.md, "Control variates").
 *
 * Conventions. The base field is phi = sum_n b_n cos(p_n.x + c_n) with E[b_n^2] = v_n and uniform
 * phases, so K(x, y) = sum_n (v_n / 2) cos(p_n.(x - y)). The deformation sees the modes below its mode
 * cutoff, phi_low, with K_low; phi_low and the rest are independent, so Cov(phi_low(x), phi(a)) =
 * K_low(x, a). On the interaction grid (nodes x_g, weights w_g)
 *   h = - sum_t (g_t / n_t!) sum_g w_g :phi_low(x_g)^n_t:_{c_t},
 * :.:_c the Hermite polynomial of variance c (c = 0: the plain power). With v0(x) = K_low(x, x) (the
 * same at every x for independent modes; not with a box mass drawn into the nodes' law, whose
 * coefficients are correlated) the variance shift He_n(.; c) = sum_k n!/(k! (n-2k)! 2^k) (v0 - c)^k
 * He_{n-2k}(.; v0) and Wick's theorem E[He_m(phi_x; v0) prod_{i in S} phi_i] = m! sum_{A subset S, |A| = m}
 * prod_{i in A} K_low(x, a_i) E[prod_{i in S \ A} phi_i] give
 *   E_0[h]        = - sum_t (g_t / n_t!) (n_t - 1)!! sum_g w_g (v0(x_g) - c_t)^{n_t/2}      (n_t even; else 0),
 *   Cov_0(h, O_S) = sum_{A subset S, |A| = m >= 1} I(A) E_0[prod_{S \ A} phi],
 *   I(A) = sum_g w_g omega_m(x_g) prod_{i in A} K_low(x_g, a_i),
 *   omega_m(x) = - sum_t g_t sum_{k: n_t - 2k = m} (v0(x) - c_t)^k / (k! 2^k),
 * with E_0[prod_{S \ A} phi] the exact moment of the whole base field. The last factor is Gaussian integration by parts (Stein's lemma) for the Gaussian
 * phi_low against a product of phi = phi_low + phi_rest, with phi_rest independent of phi_low and of
 * any law (split momenta: random momenta above the split); for a wholly Gaussian base it is the sum
 * over pairings of K. Checked against a Monte Carlo of the same fields in
 * test/estimators/linear-response.test.ts.
 */
import type { MonomialTable } from './monomials.js';
import { doubleFactorial, factorial } from '../numeric/special-functions.js';

type Points = readonly (readonly number[])[];

/** An exactly Gaussian base with a fixed covariance K(x, y) = sum_n (variance_n / 2) cos(p_n.(x - y)). */
export interface GaussianModes {
  readonly dimension: number;
  /** Mode momenta, [modes * dimension]. */
  readonly momenta: Float64Array;
  /** E[b_n^2] per mode. */
  readonly variances: Float64Array;
  /**
   * null: these modes are the whole field. A number P: they are every neuron with |p| < P, and the
   * other neurons (all at |p| >= P) are independent of them with any law; the response then holds
   * only for a log-weight whose mode cutoff is at most P.
   */
  readonly completeBelow?: number | null;
  /**
   * Correlated modes (a box mass drawn into the nodes' law, architectures/box-mass.ts): the covariance
   * of the cos and of the sin coefficients, modes x modes row-major (the cos-sin block is zero). Absent:
   * independent coefficients of variance v_n / 2. The weight then sees a non-stationary field.
   */
  readonly coefficientCovariance?: { readonly cos: Float64Array; readonly sin: Float64Array } | null;
}

/** A log-weight that is a sum of local polynomial terms on a quadrature grid. */
export interface LocalLogWeight {
  /** Grid nodes, [nodes * dimension]. */
  readonly nodes: Float64Array;
  readonly weights: Float64Array;
  /** coupling g, power n and Wick constant c (0: plain power) of each term -(g/n!) int :phi^n:_c. */
  readonly terms: readonly { readonly power: number; readonly coupling: number; readonly wickConstant: number }[];
  /** Modes at |p| >= modeCutoff are not seen by the log-weight (null: all are). */
  readonly modeCutoff: number | null;
  /**
   * The non-local quartic term -(g/4!) sum_{g,h} M_gh phi(x_g)^2 phi(x_h)^2, M the kernel with both
   * quadrature weights folded in (densities/deformations.ts), [nodes * nodes]; absent: none.
   */
  readonly nonlocalQuartic?: { readonly coupling: number; readonly matrix: Float64Array } | null;
}

export interface LinearResponse {
  /** E_0[h]. */
  readonly meanLogWeight: number;
  /** Cov_0(h, O_j) per monomial j of the table. */
  readonly covariance: Float64Array;
}

/** Host work (grid nodes x modes) above which the exact response is not formed (the control variate is then off). */
export const LINEAR_RESPONSE_BUDGET = 4e8;

/**
 * Null when the work would exceed LINEAR_RESPONSE_BUDGET, or when the log-weight sees neurons outside
 * the Gaussian modes. `exactMoments[j]` is E_0 of monomial j of `table` for the whole base field.
 */
export function linearResponse(modes: GaussianModes, weight: LocalLogWeight, table: MonomialTable, points: Points, exactMoments: Float64Array): LinearResponse | null {
  const completeBelow = modes.completeBelow ?? null;
  if (completeBelow !== null && (weight.modeCutoff === null || weight.modeCutoff > completeBelow)) return null;
  const d = modes.dimension;
  const modeCount = modes.variances.length;
  const gridCount = weight.weights.length;
  const low: number[] = [];
  for (let n = 0; n < modeCount; n++) {
    let squared = 0;
    for (let axis = 0; axis < d; axis++) squared += modes.momenta[n * d + axis]! ** 2;
    if (weight.modeCutoff === null || squared < weight.modeCutoff * weight.modeCutoff) low.push(n);
  }
  const correlated = modes.coefficientCovariance ?? null;
  const nonlocal = weight.nonlocalQuartic ?? null;
  const work =
    gridCount * low.length * (1 + points.length / 4) + (correlated ? gridCount * low.length * low.length : 0) + (nonlocal ? gridCount * gridCount * (low.length + 8) : 0);
  if (work > LINEAR_RESPONSE_BUDGET) return null;
  const P = points.length;
  // Coefficient covariance of the cos (and the sin) coefficients of modes n, m: v_n/2 on the diagonal
  // when the modes are independent, the tilted blocks when a box mass correlates them.
  const coefficient = (block: 'cos' | 'sin', n: number, m: number): number =>
    correlated ? correlated[block][n * modeCount + m]! : n === m ? modes.variances[n]! / 2 : 0;
  const phase = (n: number, x: ArrayLike<number>, offset: number) => {
    let angle = 0;
    for (let axis = 0; axis < d; axis++) angle += modes.momenta[n * d + axis]! * x[offset + axis]!;
    return angle;
  };
  // Point side: u_{l,i} = sum_m C_{low_l, m} f_m(a_i) over every mode m (the modes the weight does not
  // see are still correlated with those it does), then K_low(x_g, a_i) = sum_l f_l(x_g) u_{l,i}.
  const pointCos = new Float64Array(low.length * P);
  const pointSin = new Float64Array(low.length * P);
  const flatPoints = Float64Array.from(points.flat());
  low.forEach((n, l) => {
    for (let i = 0; i < P; i++) {
      let c = 0;
      let s = 0;
      for (let m = 0; m < modeCount; m++) {
        if (!correlated && m !== n) continue;
        const angle = phase(m, flatPoints, i * d);
        c += coefficient('cos', n, m) * Math.cos(angle);
        s += coefficient('sin', n, m) * Math.sin(angle);
      }
      pointCos[l * P + i] = c;
      pointSin[l * P + i] = s;
    }
  });
  const cross = new Float64Array(gridCount * P);
  // v0(x_g) = Var(phi_low(x_g)): the same at every node for independent modes, not with a box mass.
  const v0 = new Float64Array(gridCount);
  let stationary = 0;
  if (!correlated) for (const n of low) stationary += modes.variances[n]! / 2;
  const gridCos = new Float64Array(low.length);
  const gridSin = new Float64Array(low.length);
  for (let g = 0; g < gridCount; g++) {
    for (let l = 0; l < low.length; l++) {
      const angle = phase(low[l]!, weight.nodes, g * d);
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      gridCos[l] = c;
      gridSin[l] = s;
      for (let i = 0; i < P; i++) cross[g * P + i]! += c * pointCos[l * P + i]! + s * pointSin[l * P + i]!;
    }
    if (!correlated) {
      v0[g] = stationary;
      continue;
    }
    let variance = 0;
    for (let l = 0; l < low.length; l++) {
      let c = 0;
      let s = 0;
      for (let k = 0; k < low.length; k++) {
        c += correlated.cos[low[l]! * modeCount + low[k]!]! * gridCos[k]!;
        s += correlated.sin[low[l]! * modeCount + low[k]!]! * gridSin[k]!;
      }
      variance += gridCos[l]! * c + gridSin[l]! * s;
    }
    v0[g] = variance;
  }
  // K_low(x_g, x_h) on the grid (the non-local term only): sum_l f_l(x_g) sum_k C_lk f_k(x_h).
  const gridCovariance = (): Float64Array => {
    const trig = new Float64Array(gridCount * low.length * 2);
    for (let g = 0; g < gridCount; g++) {
      for (let l = 0; l < low.length; l++) {
        const angle = phase(low[l]!, weight.nodes, g * d);
        trig[(g * low.length + l) * 2] = Math.cos(angle);
        trig[(g * low.length + l) * 2 + 1] = Math.sin(angle);
      }
    }
    // Right factor R[h, l] = sum_k C_lk f_k(x_h) (cos and sin blocks).
    const right = new Float64Array(gridCount * low.length * 2);
    for (let h = 0; h < gridCount; h++) {
      for (let l = 0; l < low.length; l++) {
        let c = 0;
        let s = 0;
        for (let k = 0; k < low.length; k++) {
          if (!correlated && k !== l) continue;
          c += coefficient('cos', low[l]!, low[k]!) * trig[(h * low.length + k) * 2]!;
          s += coefficient('sin', low[l]!, low[k]!) * trig[(h * low.length + k) * 2 + 1]!;
        }
        right[(h * low.length + l) * 2] = c;
        right[(h * low.length + l) * 2 + 1] = s;
      }
    }
    const out = new Float64Array(gridCount * gridCount);
    for (let g = 0; g < gridCount; g++) {
      for (let h = g; h < gridCount; h++) {
        let total = 0;
        for (let k = 0; k < 2 * low.length; k++) total += trig[g * low.length * 2 + k]! * right[h * low.length * 2 + k]!;
        out[g * gridCount + h] = out[h * gridCount + g] = total;
      }
    }
    return out;
  };
  // E_0 of a multiset of point indices: the exact moment of the whole field (1 for the empty set).
  const baseMoment = (indices: readonly number[]): number => {
    if (indices.length === 0) return 1;
    return exactMoments[table.indexOf([...indices].sort((a, b) => a - b))]!;
  };

  let meanLogWeight = 0;
  for (const term of weight.terms) {
    if (term.power % 2 === 1) continue;
    let integralOfPower = 0;
    for (let g = 0; g < gridCount; g++) integralOfPower += weight.weights[g]! * (v0[g]! - term.wickConstant) ** (term.power / 2);
    meanLogWeight -= (term.coupling / factorial(term.power)) * doubleFactorial(term.power - 1) * integralOfPower;
  }

  // omega_m(x_g) = w_g sum_t -g_t (v0(x_g) - c_t)^k / (k! 2^k), k = (n_t - m)/2: the Hermite variance
  // shift of every term down to m legs on the points, per grid node.
  const omegas = new Map<number, Float64Array | null>();
  const omega = (m: number): Float64Array | null => {
    const known = omegas.get(m);
    if (known !== undefined) return known;
    const values = new Float64Array(gridCount);
    let any = false;
    for (const term of weight.terms) {
      const twiceK = term.power - m;
      if (twiceK < 0 || twiceK % 2 === 1) continue;
      const k = twiceK / 2;
      any = true;
      const scale = term.coupling / (factorial(k) * 2 ** k);
      for (let g = 0; g < gridCount; g++) values[g]! -= weight.weights[g]! * scale * (v0[g]! - term.wickConstant) ** k;
    }
    omegas.set(m, any ? values : null);
    return any ? values : null;
  };

  // I(A) = sum_g omega_|A|(x_g) prod_{i in A} K_low(x_g, a_i) for multisets A (sorted key), memoised.
  const integrals = new Map<string, number>();
  const integral = (subset: readonly number[]): number => {
    const key = [...subset].sort((a, b) => a - b).join(',');
    const cached = integrals.get(key);
    if (cached !== undefined) return cached;
    const weights = omega(subset.length);
    let total = 0;
    if (weights) {
      for (let g = 0; g < gridCount; g++) {
        let product = weights[g]!;
        for (const i of subset) product *= cross[g * P + i]!;
        total += product;
      }
    }
    integrals.set(key, total);
    return total;
  };

  const covariance = new Float64Array(table.tuples.length);
  table.tuples.forEach((tuple, j) => {
    const s = tuple.length;
    let total = 0;
    // Every non-empty subset of positions A, with its complement.
    for (let mask = 1; mask < 1 << s; mask++) {
      const chosen: number[] = [];
      const rest: number[] = [];
      for (let position = 0; position < s; position++) (mask & (1 << position) ? chosen : rest).push(tuple[position]!);
      if (rest.length % 2 === 1) continue;
      if (!omega(chosen.length)) continue;
      total += integral(chosen) * baseMoment(rest);
    }
    covariance[j] = total;
  });
  if (nonlocal) {
    const response = nonlocalResponse(nonlocal, table, cross, v0, gridCovariance(), P, baseMoment);
    meanLogWeight += response.mean;
    response.covariance.forEach((value, j) => (covariance[j]! += value));
  }
  // An unknown exact moment (NaN) leaves the response unknown: no control variate rather than a wrong one.
  if (!covariance.every(Number.isFinite)) return null;
  return { meanLogWeight, covariance };
}

/**
 * E_0[h] and Cov_0(h, O_j) of the non-local quartic term h = -(g/4!) sum_gh M_gh X_g^2 X_h^2 (X the
 * low field on the grid). With v = Var X, C = Cov(X_g, X_h), the Wick decomposition
 *   X^2 Y^2 = :X^2 Y^2: + v_Y :X^2: + v_X :Y^2: + 4 C :X Y: + v_X v_Y + 2 C^2
 * and E[:X^a Y^b: prod_S phi] = a! b! sum over disjoint A_X, A_Y in S (|A_X| = a, |A_Y| = b) of
 * prod_{A_X} K(x, .) prod_{A_Y} K(y, .) E_0[prod_{rest} phi] (Stein's lemma, as for the local terms):
 *   E_0[h] = -(g/24) sum_gh M_gh (v_g v_h + 2 C_gh^2),
 *   Cov_0(h, O_S) = -(g/24) sum_{A_X, A_Y} c(|A_X|, |A_Y|) Q(A_X, A_Y) E_0[rest],
 * c(2,2) = 4 with Q = u_X^T M u_Y; c(2,0) = c(0,2) = 2 with Q = u^T M v; c(1,1) = 4 with
 * Q = u_X^T (M o C) u_Y; u_B(x_g) = prod_{i in B} K_low(x_g, a_i).
 */
function nonlocalResponse(
  term: { readonly coupling: number; readonly matrix: Float64Array },
  table: MonomialTable,
  cross: Float64Array,
  v0: Float64Array,
  gridCovariance: Float64Array,
  P: number,
  baseMoment: (indices: readonly number[]) => number,
): { mean: number; covariance: Float64Array } {
  const G = v0.length;
  const M = term.matrix;
  const prefactor = -term.coupling / 24;
  let mean = 0;
  const Mv = new Float64Array(G);
  const MC = new Float64Array(G * G);
  for (let g = 0; g < G; g++) {
    for (let h = 0; h < G; h++) {
      const m = M[g * G + h]!;
      const c = gridCovariance[g * G + h]!;
      mean += m * (v0[g]! * v0[h]! + 2 * c * c);
      Mv[g]! += m * v0[h]!;
      MC[g * G + h] = m * c;
    }
  }
  mean *= prefactor;
  const products = new Map<string, Float64Array>();
  const product = (subset: readonly number[]): Float64Array => {
    const key = [...subset].sort((a, b) => a - b).join(',');
    let values = products.get(key);
    if (values) return values;
    values = new Float64Array(G);
    for (let g = 0; g < G; g++) {
      let value = 1;
      for (const i of subset) value *= cross[g * P + i]!;
      values[g] = value;
    }
    products.set(key, values);
    return values;
  };
  const forms = new Map<string, number>();
  const quadratic = (left: readonly number[], right: readonly number[], matrix: Float64Array, tag: string): number => {
    const key = `${tag}|${[...left].sort((a, b) => a - b).join(',')}|${[...right].sort((a, b) => a - b).join(',')}`;
    const known = forms.get(key);
    if (known !== undefined) return known;
    const u = product(left);
    const w = product(right);
    let total = 0;
    for (let g = 0; g < G; g++) {
      if (u[g] === 0) continue;
      let row = 0;
      for (let h = 0; h < G; h++) row += matrix[g * G + h]! * w[h]!;
      total += u[g]! * row;
    }
    forms.set(key, total);
    return total;
  };
  const linear = (subset: readonly number[]): number => {
    const u = product(subset);
    let total = 0;
    for (let g = 0; g < G; g++) total += u[g]! * Mv[g]!;
    return total;
  };
  const covariance = new Float64Array(table.tuples.length);
  table.tuples.forEach((tuple, j) => {
    const s = tuple.length;
    let total = 0;
    // Each position to X (1), Y (2) or the rest (0): 3^s assignments.
    const assignment = new Array<number>(s).fill(0);
    const count = 3 ** s;
    for (let code = 0; code < count; code++) {
      let rest = code;
      for (let position = 0; position < s; position++) {
        assignment[position] = rest % 3;
        rest = Math.floor(rest / 3);
      }
      const onX = tuple.filter((_, position) => assignment[position] === 1);
      const onY = tuple.filter((_, position) => assignment[position] === 2);
      const others = tuple.filter((_, position) => assignment[position] === 0);
      if (others.length % 2 === 1) continue;
      let value: number;
      if (onX.length === 2 && onY.length === 2) value = 4 * quadratic(onX, onY, M, 'M');
      else if (onX.length === 2 && onY.length === 0) value = 2 * linear(onX);
      else if (onX.length === 0 && onY.length === 2) value = 2 * linear(onY);
      else if (onX.length === 1 && onY.length === 1) value = 4 * quadratic(onX, onY, MC, 'MC');
      else continue;
      total += value * baseMoment(others);
    }
    covariance[j] = prefactor * total;
  });
  return { mean, covariance };
}
