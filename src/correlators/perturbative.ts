/**
 * First-order perturbation theory in every coupling (the O(g^2) terms are not computed; results say so).
 *
 * A local term (g/n!) int_V phi^n contributes to the connected k-point function (k <= n, n - k even,
 * j = (n - k)/2 self-contractions at the vertex):
 *   G_ck(x_1..x_k) += -g (G(0)/2)^j / j! int_V d^dz prod_i G(x_i - z),
 * and Wick ordering removes every j > 0 term (in particular the tadpole shift of G2). The non-local
 * quartic (g/4!) int int phi(x)^2 K(x-y) phi(y)^2 contributes (d = 1 only here)
 *   G_c4 += -(g/3) sum_{3 pairings} int int G(a-x)G(b-x) K(x-y) G(c-y)G(d-y),
 *   G_2  += -(g/6) G(0) int int G(a-x)G(b-x) K(x-y) - (g/3) int int G(a-x) G(x-y)K(x-y) G(y-b).
 *
 * Integrals run over the region V (or, for V = R^d, a box that covers the points plus a margin of
 * 14/m, whose truncation bias is estimated by shrinking the margin) with tensor-product Gauss-Legendre
 * panels fine enough to resolve the cutoff's ringing; the error estimate is the change between two
 * panel resolutions (plus the region bias), reported per value.
 */
import { NnftError } from '../errors.js';
import { gaussLegendreRule } from '../numeric/gauss-legendre.js';
import { indexTuples, type CorrelatorBlock } from '../io/result.js';
import type { Theory } from '../theory/theory.js';
import { freePropagator, propagatorAtZero } from './free-propagator.js';
import { propagatorTable, type PropagatorTable } from './propagator-table.js';
import { factorial } from '../numeric/special-functions.js';

export interface PerturbativeOptions {
  /** Cap on grid nodes per pass (the resolution is lowered, and the error grows, beyond it). */
  maxNodes?: number;
}

export interface PerturbativeResult {
  correlators: CorrelatorBlock[];
  /** Largest estimated numerical error over all values (quadrature + finite-region bias). */
  quadratureError: number;
  /** Per-value numerical errors aligned with correlators[].values. */
  quadratureErrors: number[][];
  /** The integration region actually used, as a box side, and whether it stands in for R^d. */
  integrationBox: { side: number; standsInForWholeSpace: boolean; regionBias: number };
  caveat: string;
  /** Orders whose first-order value is 0 although the theory's true value is not (it starts at O(g^2)). */
  secondOrderLeading: number[];
  gridNodes: number;
}

interface Grid1D {
  nodes: Float64Array;
  weights: Float64Array;
}

/**
 * Gauss-Legendre nodes on [-half, half]: `panels` equal panels, each further cut at any break point
 * inside it (the points' coordinates), so that the kink or singularity of G at a point sits on a
 * panel edge, where Gauss rules do not see it.
 */
function axisGrid(half: number, panels: number, order: number, breakPoints: readonly number[] = []): Grid1D {
  const rule = gaussLegendreRule(order);
  const width = (2 * half) / panels;
  const edges = new Set<number>();
  for (let panel = 0; panel <= panels; panel++) edges.add(-half + panel * width);
  for (const point of breakPoints) if (point > -half && point < half) edges.add(point);
  const sorted = [...edges].sort((a, b) => a - b).filter((edge, i, all) => i === 0 || edge - all[i - 1]! > 1e-12 * width);
  const nodes: number[] = [];
  const weights: number[] = [];
  for (let i = 0; i + 1 < sorted.length; i++) {
    const lower = sorted[i]!;
    const upper = sorted[i + 1]!;
    const centre = 0.5 * (lower + upper);
    const halfWidth = 0.5 * (upper - lower);
    for (let k = 0; k < order; k++) {
      nodes.push(centre + halfWidth * rule.nodes[k]!);
      weights.push(halfWidth * rule.weights[k]!);
    }
  }
  return { nodes: Float64Array.from(nodes), weights: Float64Array.from(weights) };
}

/** Which vertex integrals each order needs, with the first-order coefficient of each local term. */
function localCoefficients(theory: Theory, order: number, propagatorZero: () => number): number {
  let total = 0;
  for (const term of theory.interactions) {
    if (term.kind !== 'local' || term.coupling === 0) continue;
    const n = term.power;
    if (order > n || (n - order) % 2 !== 0) continue;
    const j = (n - order) / 2;
    if (j > 0 && term.wickOrdered) continue;
    total += -term.coupling * (j === 0 ? 1 : (propagatorZero() / 2) ** j / factorial(j));
  }
  return total;
}

/**
 * One pass over a tensor grid: for every tuple of every requested order, int prod_i G(x_{t_i} - z) dz.
 */
function vertexIntegrals(
  points: readonly (readonly number[])[],
  dimension: number,
  grids: readonly Grid1D[],
  table: PropagatorTable,
  tuplesByOrder: Map<number, number[][]>,
): Map<number, Float64Array> {
  const pointCount = points.length;
  const results = new Map<number, Float64Array>();
  const orders = [...tuplesByOrder.keys()];
  for (const order of orders) results.set(order, new Float64Array(tuplesByOrder.get(order)!.length));
  const perAxis = grids.map((grid) => grid.nodes.length);
  const total = perAxis.reduce((product, count) => product * count, 1);
  const index = new Array<number>(dimension).fill(0);
  const propagators = new Float64Array(pointCount);
  const z = new Float64Array(dimension);
  for (let flat = 0; flat < total; flat++) {
    let remainder = flat;
    let weight = 1;
    for (let axis = dimension - 1; axis >= 0; axis--) {
      index[axis] = remainder % perAxis[axis]!;
      remainder = Math.floor(remainder / perAxis[axis]!);
      z[axis] = grids[axis]!.nodes[index[axis]!]!;
      weight *= grids[axis]!.weights[index[axis]!]!;
    }
    for (let p = 0; p < pointCount; p++) {
      let squared = 0;
      const point = points[p]!;
      for (let axis = 0; axis < dimension; axis++) squared += (point[axis]! - z[axis]!) ** 2;
      propagators[p] = table(Math.sqrt(squared));
    }
    for (const order of orders) {
      const tuples = tuplesByOrder.get(order)!;
      const sums = results.get(order)!;
      for (let t = 0; t < tuples.length; t++) {
        const tuple = tuples[t]!;
        let product = weight;
        for (let i = 0; i < tuple.length; i++) product *= propagators[tuple[i]!]!;
        sums[t] = sums[t]! + product;
      }
    }
  }
  return results;
}

/** d = 1 non-local quartic contributions on a grid: order -> per-tuple values. */
function nonlocalContributions(
  theory: Theory,
  grid: Grid1D,
  table: PropagatorTable,
  tuplesByOrder: Map<number, number[][]>,
  propagatorZero: () => number,
): Map<number, Float64Array> {
  const results = new Map<number, Float64Array>();
  const points = theory.points.map((point) => point[0]!);
  const n = grid.nodes.length;
  const { nodes, weights } = grid;
  const legs = points.map((x) => nodes.map((z) => table(Math.abs(x - z))));
  for (const term of theory.interactions) {
    if (term.kind !== 'nonlocal-quartic' || term.coupling === 0) continue;
    const width = term.kernel.width;
    const kernel = new Float64Array(n * n);
    const normalisation = 1 / Math.sqrt(2 * Math.PI * width * width);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) kernel[i * n + j] = normalisation * Math.exp(-((nodes[i]! - nodes[j]!) ** 2) / (2 * width * width));
    // Smear a node function with the kernel: (K w f)(x_i) = sum_j K_ij w_j f_j.
    const smear = (values: Float64Array): Float64Array => {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let sum = 0;
        for (let j = 0; j < n; j++) sum += kernel[i * n + j]! * weights[j]! * values[j]!;
        out[i] = sum;
      }
      return out;
    };
    const pairCache = new Map<string, Float64Array>();
    const pair = (a: number, b: number): Float64Array => {
      const key = `${Math.min(a, b)},${Math.max(a, b)}`;
      let values = pairCache.get(key);
      if (!values) {
        values = legs[a]!.map((value, i) => value * legs[b]![i]!);
        pairCache.set(key, values);
      }
      return values;
    };
    const smearCache = new Map<string, Float64Array>();
    const smearedPair = (a: number, b: number): Float64Array => {
      const key = `${Math.min(a, b)},${Math.max(a, b)}`;
      let values = smearCache.get(key);
      if (!values) {
        values = smear(pair(a, b));
        smearCache.set(key, values);
      }
      return values;
    };
    const integrate = (values: Float64Array): number => values.reduce((sum, value, i) => sum + weights[i]! * value, 0);
    const g = term.coupling;
    const kernelMass = smear(new Float64Array(n).fill(1));
    // (E leg_b)(x_i) = sum_j G(x_i - x_j) K_ij w_j leg_b(x_j), for the exchange diagram of G2.
    let exchangeLegs: Float64Array[] | null = null;
    const exchangeLeg = (b: number): Float64Array => {
      if (!exchangeLegs) {
        const matrix = new Float64Array(n * n);
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) matrix[i * n + j] = table(Math.abs(nodes[i]! - nodes[j]!)) * kernel[i * n + j]! * weights[j]!;
        exchangeLegs = legs.map((leg) => {
          const out = new Float64Array(n);
          for (let i = 0; i < n; i++) {
            let sum = 0;
            for (let j = 0; j < n; j++) sum += matrix[i * n + j]! * leg[j]!;
            out[i] = sum;
          }
          return out;
        });
      }
      return exchangeLegs[b]!;
    };
    for (const [order, tuples] of tuplesByOrder) {
      if (order !== 2 && order !== 4) continue;
      const sums = results.get(order) ?? new Float64Array(tuples.length);
      results.set(order, sums);
      tuples.forEach((tuple, t) => {
        if (order === 4) {
          const [a, b, c, d] = tuple as [number, number, number, number];
          let value = 0;
          for (const [p, q, r, s] of [
            [a, b, c, d],
            [a, c, b, d],
            [a, d, b, c],
          ] as const) {
            const smeared = smearedPair(r, s);
            value += integrate(pair(p, q).map((v, i) => v * smeared[i]!));
          }
          sums[t] = sums[t]! - (g / 3) * value;
        } else {
          const [a, b] = tuple as [number, number];
          const tadpole = integrate(pair(a, b).map((v, i) => v * kernelMass[i]!));
          const exchange = integrate(legs[a]!.map((v, i) => v * exchangeLeg(b)[i]!));
          sums[t] = sums[t]! - (g / 6) * propagatorZero() * tadpole - (g / 3) * exchange;
        }
      });
    }
  }
  return results;
}

/**
 * Requested orders with no first-order diagram in a non-Gaussian theory, and not forbidden by
 * phi -> -phi symmetry: their true leading term is O(g^2), so a first-order value 0 is wrong, not small.
 */
export function ordersStartingAtSecondOrder(theory: Theory): number[] {
  const active = theory.interactions.filter((term) => term.coupling !== 0 && !(term.kind === 'local' && term.power <= 2));
  if (active.length === 0) return [];
  const hasOdd = active.some((term) => term.kind === 'local' && term.power % 2 === 1);
  return theory.connectedOrders.filter((k) => {
    if (k < 3 || (k % 2 === 1 && !hasOdd)) return false;
    const local = active.some(
      (term) => term.kind === 'local' && k <= term.power && (term.power - k) % 2 === 0 && (!term.wickOrdered || term.power === k),
    );
    const nonlocal = k === 4 && active.some((term) => term.kind === 'nonlocal-quartic');
    return !local && !nonlocal;
  });
}

/** First-order connected correlators of the theory at its points. */
export function computePerturbative(theory: Theory, options: PerturbativeOptions = {}): PerturbativeResult {
  const dimension = theory.dimension;
  const mass = theory.mass;
  const cutoff = theory.momentumCutoff;
  const hasNonlocal = theory.interactions.some((term) => term.kind === 'nonlocal-quartic' && term.coupling !== 0);
  if (hasNonlocal && dimension !== 1) {
    throw new NnftError('E_UNSUPPORTED', `perturbation theory for the non-local quartic term is implemented in d = 1 only (this theory has d = ${dimension})`, {
      hint: 'use targetCorrelators.method "lattice" or "data"',
    });
  }
  const propagatorZero = (): number => propagatorAtZero(dimension, mass, cutoff);
  const maxNodes = options.maxNodes ?? 4_000_000;
  const pointCount = theory.points.length;
  const tuplesByOrder = new Map<number, number[][]>();
  const coefficientByOrder = new Map<number, number>();
  for (const order of theory.connectedOrders) {
    const coefficient = localCoefficients(theory, order, propagatorZero);
    coefficientByOrder.set(order, coefficient);
    if (coefficient !== 0) tuplesByOrder.set(order, indexTuples(pointCount, order));
  }
  const nonlocalOrders = new Map<number, number[][]>();
  if (hasNonlocal) for (const order of theory.connectedOrders) if (order === 2 || order === 4) nonlocalOrders.set(order, indexTuples(pointCount, order));

  // The integration box: V, or a stand-in for R^d with a margin of 14/m around the points.
  const reach = Math.max(0, ...theory.points.flatMap((point) => point.map((coordinate) => Math.abs(coordinate))));
  const standsInForWholeSpace = theory.interactionRegion === null;
  const margin = 14 / mass;
  const halfSide = standsInForWholeSpace ? reach + margin : theory.interactionRegion!.side / 2;
  // Largest separation met: point to node, or node to node (non-local exchange).
  const farthest = Math.sqrt(dimension) * Math.max(halfSide + reach, 2 * halfSide) + 1e-9;
  const table = propagatorTable(dimension, mass, cutoff, farthest);

  // Panel width resolves the mass scale, the ringing (1/Lambda) and the kernel width.
  const order = 8;
  const kernelWidths = theory.interactions.flatMap((term) => (term.kind === 'nonlocal-quartic' ? [term.kernel.width] : []));
  const targetWidth = Math.min(0.5 / mass, cutoff === null ? Infinity : 2 / cutoff, ...kernelWidths.map((w) => 2 * w));
  let coarsePanels = Math.max(2, Math.ceil((2 * halfSide) / targetWidth));
  const nodeBudget = hasNonlocal ? Math.sqrt(maxNodes) : maxNodes;
  while ((2 * coarsePanels * order) ** dimension > nodeBudget && coarsePanels > 2) coarsePanels = Math.min(coarsePanels - 1, Math.ceil(coarsePanels * 0.8));

  const evaluate = (half: number, panels: number): Map<number, Float64Array> => {
    const grids = Array.from({ length: dimension }, (_, axis) => axisGrid(half, panels, order, theory.points.map((point) => point[axis]!)));
    const grid = grids[0]!;
    const values = new Map<number, Float64Array>();
    if (tuplesByOrder.size > 0) {
      const integrals = vertexIntegrals(theory.points, dimension, grids, table, tuplesByOrder);
      for (const [k, sums] of integrals) values.set(k, sums.map((value) => coefficientByOrder.get(k)! * value));
    }
    if (hasNonlocal) {
      const extra = nonlocalContributions(theory, grid, table, nonlocalOrders, propagatorZero);
      for (const [k, sums] of extra) {
        const existing = values.get(k);
        values.set(k, existing ? existing.map((value, i) => value + sums[i]!) : sums);
      }
    }
    return values;
  };
  const coarse = evaluate(halfSide, coarsePanels);
  const fine = evaluate(halfSide, 2 * coarsePanels);
  let regionBias = 0;
  let shrunk: Map<number, Float64Array> | null = null;
  if (standsInForWholeSpace) {
    // Same node spacing, margin cut to 70%: the change bounds what the finite box leaves out.
    const shrunkHalf = reach + 0.7 * margin;
    shrunk = evaluate(shrunkHalf, Math.max(2, Math.round((2 * coarsePanels * shrunkHalf) / halfSide)));
  }
  const correlators: CorrelatorBlock[] = [];
  const quadratureErrors: number[][] = [];
  let quadratureError = 0;
  for (const k of theory.connectedOrders) {
    const indices = indexTuples(pointCount, k);
    const fineValues = fine.get(k);
    const coarseValues = coarse.get(k);
    const values = indices.map((tuple, t) => {
      const free = k === 2 ? freePropagator(dimension, mass, cutoff, Math.hypot(...theory.points[tuple[0]!]!.map((c, axis) => c - theory.points[tuple[1]!]![axis]!))) : 0;
      return free + (fineValues ? fineValues[t]! : 0);
    });
    const errors = indices.map((_, t) => {
      if (!fineValues || !coarseValues) return 0;
      const bias = shrunk ? Math.abs(fineValues[t]! - shrunk.get(k)![t]!) : 0;
      regionBias = Math.max(regionBias, bias);
      return Math.abs(fineValues[t]! - coarseValues[t]!) + bias;
    });
    errors.forEach((error) => (quadratureError = Math.max(quadratureError, error)));
    correlators.push({ order: k, indices, values, stderr: errors.slice() });
    quadratureErrors.push(errors);
  }
  const secondOrderLeading = ordersStartingAtSecondOrder(theory);
  return {
    correlators,
    secondOrderLeading,
    quadratureError,
    quadratureErrors,
    integrationBox: { side: 2 * halfSide, standsInForWholeSpace, regionBias },
    caveat: 'first order in every coupling: the neglected O(g^2) terms are not included in the stated errors',
    gridNodes: (2 * coarsePanels * order) ** dimension,
  };
}
