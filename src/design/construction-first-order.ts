/**
 * First-order correlators of a designed cos-net ensemble at infinite width, read off its spec:
 * the check that a construction *is* its target (docs/design.md, "First order of the construction").
 *
 * At infinite width the base network is the Gaussian field of its spec's propagator,
 * sigma^2 G_{m, Lambda}. With a mode cutoff the weight sees only the modes phi_L below it, a
 * Gaussian field of covariance sigma^2 G_{m, Lambda_L} whose cross-covariance with phi is the same
 * G_L. The weight w = exp(-F) is a sum of terms; to first order in F,
 *   delta kappa(phi(x_1), ..., phi(x_j)) = -kappa(phi(x_1), ..., phi(x_j), F),
 * and for jointly Gaussian variables and a function f of one of them (Price's theorem)
 *   kappa(X_1, ..., X_j, f(Z)) = prod_i Cov(X_i, Z) E[f^(j)(Z)].
 * A local term (c/n!) int_V :phi_L^n:_v then gives, with :phi^n:_v^(j) = n!/(n-j)! :phi^(n-j):_v and
 * E[:Z^m:_v] = (C - v)^(m/2) (m-1)!! for Z ~ N(0, C), m even (0 for m odd):
 *   delta G_cj(x) = -c/(n-j)! E[:Z^(n-j):_v] int_V prod_i G_L(x_i - z) dz.
 * The non-local quartic (c/4!) int int K(y-z) phi_L(y)^2 phi_L(z)^2 (f(Y, Z) = Y^2 Z^2, each leg to
 * Y or Z) gives
 *   delta G_c4 = -(c/6) sum over the 6 ways to put two legs on y, two on z of int int K G G G G,
 *   delta G_2  = -(c/6) C_L(0) int int K G(x_1 - y) G(x_2 - y) - (c/3) int int K C_L(y - z) G(x_1 - y) G(x_2 - z).
 * None of this uses the target's perturbation theory: it is the spec's own algebra, so comparing the
 * two at first order tests that the construction (couplings, Wick constants, regions, base mass)
 * equals the target.
 *
 * Integrals: composite Gauss-Legendre over the region, panels cut at the points' coordinates (the
 * kinks of G) and narrow enough for the cutoff's ringing.
 */
import { NnftError } from '../errors.js';
import { gaussLegendreRule } from '../numeric/gauss-legendre.js';
import { indexTuples, type CorrelatorBlock } from '../io/result.js';
import { propagatorTable, type PropagatorTable } from '../correlators/propagator-table.js';
import { doubleFactorial, factorial } from '../numeric/special-functions.js';
import type { NnftSpec } from '../spec/spec.js';
import type { Dimension } from '../theory/theory.js';

export interface ConstructionFirstOrderOptions {
  /** Gauss-Legendre nodes per panel (default 10). */
  readonly order?: number;
  /** Panel width in units of the shortest length the integrand resolves (default 0.5). */
  readonly panelFraction?: number;
}

/** E[:Z^m:_v] for Z ~ N(0, C). */
function wickMean(m: number, variance: number, wickConstant: number): number {
  if (m % 2 === 1) return 0;
  if (m === 0) return 1;
  return (variance - wickConstant) ** (m / 2) * doubleFactorial(m - 1);
}

interface Axis {
  nodes: number[];
  weights: number[];
}

function axisRule(half: number, breaks: readonly number[], panelWidth: number, order: number): Axis {
  const rule = gaussLegendreRule(order);
  const edges = new Set<number>([-half, half]);
  const panels = Math.max(1, Math.ceil((2 * half) / panelWidth));
  for (let panel = 1; panel < panels; panel++) edges.add(-half + (2 * half * panel) / panels);
  for (const value of breaks) if (value > -half && value < half) edges.add(value);
  const sorted = [...edges].sort((a, b) => a - b);
  const nodes: number[] = [];
  const weights: number[] = [];
  for (let i = 0; i + 1 < sorted.length; i++) {
    const centre = 0.5 * (sorted[i]! + sorted[i + 1]!);
    const halfWidth = 0.5 * (sorted[i + 1]! - sorted[i]!);
    if (halfWidth < 1e-14) continue;
    for (let k = 0; k < order; k++) {
      nodes.push(centre + halfWidth * rule.nodes[k]!);
      weights.push(halfWidth * rule.weights[k]!);
    }
  }
  return { nodes, weights };
}

/** All nodes of the product rule over the box, as flat coordinates and weights. */
function boxNodes(dimension: number, axes: readonly Axis[]): { coordinates: Float64Array; weights: Float64Array; count: number } {
  const count = axes.reduce((product, axis) => product * axis.nodes.length, 1);
  const coordinates = new Float64Array(count * dimension);
  const weights = new Float64Array(count);
  const index = new Array<number>(dimension).fill(0);
  for (let flat = 0; flat < count; flat++) {
    let remainder = flat;
    let weight = 1;
    for (let axis = dimension - 1; axis >= 0; axis--) {
      const size = axes[axis]!.nodes.length;
      index[axis] = remainder % size;
      remainder = Math.floor(remainder / size);
      coordinates[flat * dimension + axis] = axes[axis]!.nodes[index[axis]!]!;
      weight *= axes[axis]!.weights[index[axis]!]!;
    }
    weights[flat] = weight;
  }
  return { coordinates, weights, count };
}

function distance(a: ArrayLike<number>, aOffset: number, b: ArrayLike<number>, bOffset: number, dimension: number): number {
  let squared = 0;
  for (let axis = 0; axis < dimension; axis++) squared += (a[aOffset + axis]! - b[bOffset + axis]!) ** 2;
  return Math.sqrt(squared);
}

/** Every way to put the legs of a tuple on two vertices, two legs each: the 6 ordered pair splits. */
function pairSplits(tuple: readonly number[]): [number[], number[]][] {
  const splits: [number[], number[]][] = [];
  for (let a = 0; a < 4; a++) {
    for (let b = a + 1; b < 4; b++) {
      const rest = [0, 1, 2, 3].filter((k) => k !== a && k !== b);
      splits.push([[tuple[a]!, tuple[b]!], [tuple[rest[0]!]!, tuple[rest[1]!]!]]);
    }
  }
  return splits;
}

export function constructionFirstOrder(spec: NnftSpec, options: ConstructionFirstOrderOptions = {}): CorrelatorBlock[] {
  const architecture = spec.architecture;
  if (architecture.kind !== 'cos-net' || (architecture.alpha ?? 0) !== 0) {
    throw new NnftError('E_UNSUPPORTED', 'the first order of a construction is defined for alpha = 0 cos-nets');
  }
  const dimension = spec.dimension as Dimension;
  const mass = architecture.mass;
  const cutoff = architecture.momentumCutoff ?? null;
  const sigma = architecture.amplitude?.scale ?? 1;
  const points = spec.observables.points;
  const orders = [...spec.observables.connected].sort((a, b) => a - b);
  const deformation = spec.deformation;
  const modeCutoff = deformation?.modeCutoff ?? null;
  const weightCutoff = modeCutoff === null ? cutoff : cutoff === null ? modeCutoff : Math.min(cutoff, modeCutoff);
  const side = deformation?.region.side ?? 0;
  const half = side / 2;
  const reach = Math.sqrt(dimension) * (side + 2 * Math.max(0, ...points.flat().map(Math.abs))) + 1;
  const full: PropagatorTable = propagatorTable(dimension, mass, cutoff, reach);
  const legs: PropagatorTable = weightCutoff === cutoff ? full : propagatorTable(dimension, mass, weightCutoff, reach);
  const variance = sigma * sigma * legs(0);
  const flatPoints = Float64Array.from(points.flat());

  const blocks = orders.map((order) => ({ order, indices: indexTuples(points.length, order), values: [] as number[], stderr: [] as number[] }));
  for (const block of blocks) {
    block.values = block.indices.map((tuple) => (block.order === 2 ? sigma * sigma * full(distance(flatPoints, tuple[0]! * dimension, flatPoints, tuple[1]! * dimension, dimension)) : 0));
    block.stderr = block.values.map(() => 0);
  }
  if (!deformation || deformation.terms.length === 0) return blocks;

  const order = options.order ?? 10;
  const shortest = Math.min(1 / mass, weightCutoff === null ? Infinity : Math.PI / weightCutoff);
  const panelWidth = (options.panelFraction ?? 0.5) * shortest;
  const axes = Array.from({ length: dimension }, (_, axis) => axisRule(half, points.map((point) => point[axis]!), panelWidth, order));
  const grid = boxNodes(dimension, axes);
  // Legs G_L(x_i - z) at every node, sigma^2 included.
  const legAt = Array.from({ length: points.length }, (_, p) => {
    const values = new Float64Array(grid.count);
    for (let node = 0; node < grid.count; node++) values[node] = sigma * sigma * legs(distance(flatPoints, p * dimension, grid.coordinates, node * dimension, dimension));
    return values;
  });
  const vertex = (tuple: readonly number[]): number => {
    let total = 0;
    for (let node = 0; node < grid.count; node++) {
      let product = grid.weights[node]!;
      for (const p of tuple) product *= legAt[p]![node]!;
      total += product;
    }
    return total;
  };

  for (const term of deformation.terms) {
    if (term.kind === 'local') {
      // F = (c/n!) int :(sigma phi_1)^n:_v, the Wick constant v in the field's own units (default:
      // the variance of the modes the weight sees).
      const wickConstant = term.wickOrdered ? term.wickPropagatorAtZero ?? variance : 0;
      for (const block of blocks) {
        const m = term.power - block.order;
        if (m < 0) continue;
        const coefficient = (-term.coupling / factorial(m)) * wickMean(m, variance, wickConstant);
        if (coefficient === 0) continue;
        block.indices.forEach((tuple, t) => (block.values[t]! += coefficient * vertex(tuple)));
      }
    } else if (term.kind === 'nonlocal-quartic') {
      const width = term.kernel.width;
      if (grid.count > 4000) throw new NnftError('E_UNSUPPORTED', `the first order of a non-local term is computed by a double sum over ${grid.count} nodes; too many`, { hint: 'use a smaller region (d = 1)' });
      const kernel = (r: number) => Math.exp(-(r * r) / (2 * width * width)) / (2 * Math.PI * width * width) ** (dimension / 2);
      // w_y w_z K(y - z) and the modes' covariance C_L(y - z), once for every tuple.
      const pairWeights = new Float64Array(grid.count * grid.count);
      const pairCovariance = new Float64Array(grid.count * grid.count);
      for (let y = 0; y < grid.count; y++) {
        for (let z = 0; z < grid.count; z++) {
          const separation = distance(grid.coordinates, y * dimension, grid.coordinates, z * dimension, dimension);
          pairWeights[y * grid.count + z] = grid.weights[y]! * grid.weights[z]! * kernel(separation);
          pairCovariance[y * grid.count + z] = sigma * sigma * legs(separation);
        }
      }
      for (const block of blocks) {
        if (block.order !== 2 && block.order !== 4) continue;
        block.indices.forEach((tuple, t) => {
          let total = 0;
          for (let y = 0; y < grid.count; y++) {
            for (let z = 0; z < grid.count; z++) {
              const w = pairWeights[y * grid.count + z]!;
              if (block.order === 4) {
                for (const [onY, onZ] of pairSplits(tuple)) total += (-term.coupling / 6) * w * legAt[onY[0]!]![y]! * legAt[onY[1]!]![y]! * legAt[onZ[0]!]![z]! * legAt[onZ[1]!]![z]!;
              } else {
                const a = tuple[0]!;
                const b = tuple[1]!;
                const cross = pairCovariance[y * grid.count + z]!;
                total += (-term.coupling / 6) * variance * w * legAt[a]![y]! * legAt[b]![y]! + (-term.coupling / 3) * w * cross * legAt[a]![y]! * legAt[b]![z]!;
              }
            }
          }
          block.values[t]! += total;
        });
      }
    } else {
      throw new NnftError('E_UNSUPPORTED', `deformation term kind ${(term as { kind: string }).kind} has no first-order formula`);
    }
  }
  return blocks;
}
