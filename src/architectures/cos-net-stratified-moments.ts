/**
 * Exact moments of the undeformed cos-net with stratified momenta (stratified-momenta.ts). Neurons
 * are independent but each has its own momentum cell, so the joint cumulants of phi are sums over
 * neurons of each neuron's cumulant (not N times one), and a neuron's moment needs the cell average
 *   E_cell[A(p)^k cos(p.s)]
 * for the signed sums s of the points (the phase average of a product of cosines, as in
 * cos-net-moments.ts). The cell average is a product Gauss-Legendre rule in (w, theta) with the
 * radial quantile u = w^2: every radius law here starts like sqrt(u) in d = 2 (and like u in d = 1),
 * so the integrand is smooth in w where it is not in u. The rule's order grows with the phase
 * spread |s| times the cell's extent, which keeps the cell averages at ~1e-12.
 */
import { NnftError } from '../errors.js';
import { gaussLegendreRule, integrateGaussLegendre } from '../numeric/gauss-legendre.js';
import type { Points } from './architecture.js';
import type { CosNet } from './cos-net-types.js';
import { cellOf, type StratifiedLayout } from './stratified-momenta.js';
import { tiltedCovariance } from './box-mass.js';
import { amplitudeMoment, evenPartitions, momentFromConnected, standardAmplitudeMoment, zeroSumSignedSums } from './cos-net-moments.js';

interface CellGeometry {
  /** sqrt of the quantile at the slice edges. */
  readonly wLow: Float64Array;
  readonly wHigh: Float64Array;
  /** Largest radius of the slice (bounds the phase spread). */
  readonly radiusHigh: Float64Array;
  readonly radiusLow: Float64Array;
}

interface StratifiedCache {
  readonly layout: StratifiedLayout;
  readonly geometry: CellGeometry;
  /** (order, s) -> per-neuron E_cell[A^order cos(p.s)]. */
  readonly averages: Map<string, Float64Array>;
}

const caches = new WeakMap<CosNet, StratifiedCache>();

function cacheFor(net: CosNet): StratifiedCache {
  let cache = caches.get(net);
  if (cache) return cache;
  const layout = net.strata!;
  if (net.options.cutoff === null && (net.dimension !== 1 || net.quadrature)) {
    throw new NnftError('E_UNSUPPORTED', 'stratified momenta without a momentum cutoff exist only in d = 1', { hint: 'set a momentum cutoff' });
  }
  const radial = layout.radial;
  const wLow = new Float64Array(radial);
  const wHigh = new Float64Array(radial);
  const radiusLow = new Float64Array(radial);
  const radiusHigh = new Float64Array(radial);
  for (let slice = 0; slice < radial; slice++) {
    wLow[slice] = Math.sqrt(slice / radial);
    wHigh[slice] = Math.sqrt((slice + 1) / radial);
    radiusLow[slice] = slice === 0 ? 0 : net.momentumDensity.radius(slice / radial);
    radiusHigh[slice] = net.momentumDensity.radius(Math.min((slice + 1) / radial, 1 - 1e-15));
  }
  cache = { layout, geometry: { wLow, wHigh, radiusLow, radiusHigh }, averages: new Map() };
  caches.set(net, cache);
  return cache;
}

/** Nodes for an n-point rule to resolve a phase spread of `spread` radians (~1e-12; see interaction-grid.ts). */
function ruleOrder(spread: number): number {
  return Math.min(96, Math.max(4, Math.ceil(spread / 1.2) + 4));
}

/** E_cell[A(p)^order cos(p.s)] for every neuron (without sigma_a^order). */
function cellAverages(net: CosNet, order: number, s: readonly number[]): Float64Array {
  const cache = cacheFor(net);
  const key = `${order}:${s.map((value) => value.toPrecision(15)).join(',')}`;
  const cached = cache.averages.get(key);
  if (cached) return cached;
  const { layout, geometry } = cache;
  if (net.split) {
    const out = splitCellAverages(net, net.split, order, Math.abs(s[0]!));
    cache.averages.set(key, out);
    return out;
  }
  if (net.quadrature) {
    // Fixed nodes: the "cell average" is the node's value, with the node weight in the amplitude.
    const out = new Float64Array(net.width);
    net.quadrature.forEach(({ components, factor }, neuron) => {
      let dot = 0;
      for (let axis = 0; axis < components.length; axis++) dot += components[axis]! * s[axis]!;
      out[neuron] = factor ** order * Math.cos(dot);
    });
    cache.averages.set(key, out);
    return out;
  }
  const density = net.momentumDensity;
  const width = net.width;
  const dimension = net.dimension;
  const length = Math.hypot(...s);
  const out = new Float64Array(width);
  const sAngle = dimension === 2 ? Math.atan2(s[1]!, s[0]!) : 0;
  for (let neuron = 0; neuron < width; neuron++) {
    const { radialSlice, angularSlice } = cellOf(layout, neuron);
    if (net.options.cutoff === null && neuron === width - 1) break;
    const wa = geometry.wLow[radialSlice]!;
    const wb = geometry.wHigh[radialSlice]!;
    const radialRule = gaussLegendreRule(ruleOrder(length * (geometry.radiusHigh[radialSlice]! - geometry.radiusLow[radialSlice]!)));
    const thetaA = (Math.PI * angularSlice) / layout.angular;
    const thetaB = (Math.PI * (angularSlice + 1)) / layout.angular;
    const angularRule = dimension === 2 ? gaussLegendreRule(ruleOrder(length * geometry.radiusHigh[radialSlice]! * (thetaB - thetaA))) : null;
    const wHalf = 0.5 * (wb - wa);
    const wMid = 0.5 * (wb + wa);
    let total = 0;
    for (let a = 0; a < radialRule.nodes.length; a++) {
      const w = wMid + wHalf * radialRule.nodes[a]!;
      const radius = density.radius(w * w);
      // du = 2 w dw over a slice of quantile width 1/radial.
      const radialWeight = radialRule.weights[a]! * wHalf * 2 * w * layout.radial;
      const amplitude = density.amplitudeFactor(radius) ** order;
      if (!angularRule) {
        total += radialWeight * amplitude * Math.cos(radius * length);
        continue;
      }
      let angular = 0;
      const tHalf = 0.5 * (thetaB - thetaA);
      const tMid = 0.5 * (thetaB + thetaA);
      for (let b = 0; b < angularRule.nodes.length; b++) {
        const theta = tMid + tHalf * angularRule.nodes[b]!;
        angular += angularRule.weights[b]! * Math.cos(radius * length * Math.cos(theta - sAngle));
      }
      total += radialWeight * amplitude * angular * 0.5; // mean over [thetaA, thetaB]: weights sum to 2
    }
    out[neuron] = total;
  }
  if (net.options.cutoff === null) {
    // d = 1 without a cutoff: the outermost slice reaches |p| = infinity, where no rule converges. Its
    // average is the complement: the slices average to the full density's, known in closed form.
    const outer = width - 1;
    let others = 0;
    for (let neuron = 0; neuron < outer; neuron++) others += out[neuron]!;
    out[outer] = width * amplitudeMoment(net, order, length) - others;
  }
  cache.averages.set(key, out);
  return out;
}

/**
 * int_{uLow}^{uHigh} A(p(u))^order cos(p(u) s) du in d = 1: 16-node Gauss-Legendre in u on panels of
 * equal momentum width, so that the phase spread per panel is at most 8 radians (~1e-12, see
 * interaction-grid.ts); the panel edges in u are the radial CDF at the momentum edges. The variable
 * stays u (not p): a wide cell's density varies by orders of magnitude in p, its amplitude smoothly in u.
 */
function quantileIntegral(net: CosNet, uLow: number, uHigh: number, order: number, separation: number): number {
  const density = net.momentumDensity;
  const rLow = density.radius(uLow);
  const rHigh = density.radius(uHigh);
  const panels = Math.max(1, Math.ceil(((rHigh - rLow) * separation) / 8));
  const integrand = (u: number) => {
    const radius = density.radius(u);
    return density.amplitudeFactor(radius) ** order * Math.cos(radius * separation);
  };
  let total = 0;
  let a = uLow;
  for (let panel = 0; panel < panels; panel++) {
    const b = panel === panels - 1 ? uHigh : density.cdf(rLow + ((panel + 1) * (rHigh - rLow)) / panels);
    total += integrateGaussLegendre(integrand, a, b, 16);
    a = b;
  }
  return total;
}

/**
 * Split momenta (split-momenta.ts): each low neuron's fixed node value, each high neuron's cell
 * average times its factor^order; the outermost cell reaches |p| = infinity and takes the complement
 * of the full density's closed form less the exact integral below it.
 */
function splitCellAverages(net: CosNet, split: NonNullable<CosNet['split']>, order: number, separation: number): Float64Array {
  const out = new Float64Array(net.width);
  const lowCount = split.nodes.length;
  split.nodes.forEach((node, neuron) => {
    out[neuron] = node.factor ** order * Math.cos(node.components[0]! * separation);
  });
  // int over [0, u_P) of the density (not the nodes), then the high cells but the last.
  let below = quantileIntegral(net, 0, split.splitQuantile, order, separation);
  const last = split.cells.length - 1;
  split.cells.forEach((cell, k) => {
    if (k === last) return;
    const integral = quantileIntegral(net, cell.uLow, cell.uHigh, order, separation);
    below += integral;
    out[lowCount + k] = cell.factor ** order * (integral / (cell.uHigh - cell.uLow));
  });
  const outer = split.cells[last]!;
  out[lowCount + last] = outer.factor ** order * ((amplitudeMoment(net, order, separation) - below) / (outer.uHigh - outer.uLow));
  return out;
}

/** Every neuron's moment E[f_i(x_1) ... f_i(x_k)], f_i = a A(p) cos(p.x + c) with p in cell i. */
function neuronMoments(net: CosNet, points: Points): Float64Array {
  const order = points.length;
  const out = new Float64Array(net.width);
  if (order % 2 === 1) return out;
  const prefactor = (standardAmplitudeMoment(net, order) * net.options.amplitudeScale ** order) / net.width ** (order / 2) / 2 ** order;
  for (const s of zeroSumSignedSums(points)) {
    const averages = cellAverages(net, order, s);
    for (let neuron = 0; neuron < out.length; neuron++) out[neuron]! += 2 * prefactor * averages[neuron]!;
  }
  return out;
}

/** Joint cumulant of phi: the sum over neurons of each neuron's joint cumulant. */
export function stratifiedConnected(net: CosNet, points: Points): number {
  if (points.length % 2 === 1) return 0;
  const perNeuron = new Float64Array(net.width);
  for (const partition of evenPartitions(points.length)) {
    const blocks = partition.length;
    let factorial = 1;
    for (let k = 2; k < blocks; k++) factorial *= k;
    const product = new Float64Array(net.width).fill((blocks % 2 === 1 ? 1 : -1) * factorial);
    for (const block of partition) {
      const moments = neuronMoments(net, block.map((i) => points[i]!));
      for (let neuron = 0; neuron < net.width; neuron++) product[neuron]! *= moments[neuron]!;
    }
    for (let neuron = 0; neuron < net.width; neuron++) perNeuron[neuron]! += product[neuron]!;
  }
  let total = 0;
  // Tilted split nodes (box-mass.ts) are one correlated Gaussian block: no higher cumulants, and the
  // second is the tilted covariance, not a sum over nodes.
  const first = net.tilted ? net.tilted.size : 0;
  for (let neuron = first; neuron < net.width; neuron++) total += perNeuron[neuron]!;
  if (net.tilted && points.length === 2) total += net.options.amplitudeScale ** 2 * tiltedCovariance(net.tilted, points[0]![0]!, points[1]![0]!);
  return total;
}

/** E_0[phi(x_1) ... phi(x_k)] (k <= 6) from the summed cumulants. */
export function stratifiedExactMoment(net: CosNet, points: Points): number | null {
  return momentFromConnected(net, points, (block) => stratifiedConnected(net, block));
}
