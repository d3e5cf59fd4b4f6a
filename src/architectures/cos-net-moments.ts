/**
 * Moments of the cos-net's full momentum density, the building blocks of its exact finite-width
 * moments (docs/ensemble.md, "Architectures", and docs/conventions.md, "Networks as fields"; checked
 * by Monte Carlo in test/engine). With independent neurons the cumulants add, so
 *   E[phi(x)phi(y)] = sigma_a^2 E[s^2] G_Lambda(x - y)                       (every width),
 *   G_c4 = (k sigma_a^4/(8N)) sum_j E_rho[A^4 cos(p.s_j)] - (1/N) sum_3 G G,  s_j the three signed sums,
 * and a shared scale s multiplies the k-th moment by E[s^k]. Odd moments vanish (a -> -a).
 * E_rho[A^4 cos(p.s)] = 4 Z_alpha int_{|p|<Lambda} Delta^{1-alpha} e^{ip.s} d^dp/(2 pi)^d, which is
 * 4 G(0) G(s) for alpha = 0 and a radial quadrature otherwise. The moments of any order, for every
 * momentum sampling, are built from these in cos-net-exact-moments.ts.
 */
import { freePropagator } from '../correlators/free-propagator.js';
import { integrateAdaptive } from '../numeric/adaptive-quadrature.js';
import type { Dimension } from '../theory/theory.js';
import { RADIAL_MEASURE } from './alpha-momentum-density.js';
import type { Points } from './architecture.js';
import type { CosNet } from './cos-net-types.js';
import { sphericalAverage } from '../correlators/free-propagator.js';

/** int_{|p|<Lambda} Delta(p)^power e^{ip.x} d^dp/(2 pi)^d at |x| = distance (cutoff required). */
export function radialPowerIntegral(dimension: Dimension, mass: number, cutoff: number, power: number, distance: number): number {
  const massSquared = mass * mass;
  const integrand = (p: number): number => (p ** (dimension - 1) * sphericalAverage(dimension, p * distance)) / (p * p + massSquared) ** power;
  const breakPoints: number[] = [];
  if (mass < cutoff) breakPoints.push(mass);
  if (distance > 0) {
    const halfPeriod = Math.PI / distance;
    const count = Math.floor(cutoff / halfPeriod);
    const stride = Math.max(1, Math.ceil(count / 20000));
    for (let k = stride; k <= count; k += stride) breakPoints.push(k * halfPeriod);
  }
  const result = integrateAdaptive(integrand, 0, cutoff, { breakPoints, relativeTolerance: 1e-11, absoluteTolerance: 1e-15, maxPanels: breakPoints.length + 20000 });
  return RADIAL_MEASURE[dimension] * result.value;
}

function distance(left: readonly number[], right: readonly number[], signs: readonly number[] = [1, -1]): number {
  let total = 0;
  for (let axis = 0; axis < left.length; axis++) {
    const component = signs[0]! * left[axis]! + signs[1]! * right[axis]!;
    total += component * component;
  }
  return Math.sqrt(total);
}

/**
 * With a cutoff, G_Lambda(r) and the quartic amplitude moment need an adaptive radial quadrature per
 * separation (milliseconds each), and the control variate for G4 at P points asks for O(P^4)
 * separations. Both are smooth, even functions of r, so they are tabulated lazily on a grid of spacing
 * h = min(0.1/Lambda, 0.05/m) and interpolated by local cubics (relative error ~1e-7, far below any
 * statistical error); nodes are computed on first use.
 */
class RadialTable {
  private readonly values: number[] = [];
  constructor(
    private readonly exact: (separation: number) => number,
    private readonly spacing: number,
  ) {}

  private node(index: number): number {
    const mirrored = Math.abs(index);
    let value = this.values[mirrored];
    if (value === undefined) {
      value = this.exact(mirrored * this.spacing);
      this.values[mirrored] = value;
    }
    return value;
  }

  at(separation: number): number {
    const position = separation / this.spacing;
    const base = Math.floor(position);
    const t = position - base;
    if (t === 0) return this.node(base);
    const [f0, f1, f2, f3] = [this.node(base - 1), this.node(base), this.node(base + 1), this.node(base + 2)];
    // Cubic Lagrange through nodes base-1 .. base+2 at offset t from node base.
    return (
      (-t * (t - 1) * (t - 2) * f0) / 6 + ((t + 1) * (t - 1) * (t - 2) * f1) / 2 - ((t + 1) * t * (t - 2) * f2) / 2 + ((t + 1) * t * (t - 1) * f3) / 6
    );
  }
}

interface MomentCache {
  propagator: (separation: number) => number;
  quartic: (separation: number) => number;
}

const caches = new WeakMap<CosNet, MomentCache>();

function momentCache(net: CosNet): MomentCache {
  let cache = caches.get(net);
  if (cache) return cache;
  const { dimension, mass, cutoff, alpha, amplitudeScale } = net.options;
  const normalisation = net.momentumDensity.normalisation;
  const propagatorExact = (r: number) => amplitudeScale ** 2 * freePropagator(dimension, mass, cutoff, r);
  const quarticExact = (r: number): number => {
    if (alpha === 0) return 4 * normalisation * freePropagator(dimension, mass, cutoff, r);
    if (cutoff !== null) return 4 * normalisation * radialPowerIntegral(dimension, mass, cutoff, 1 - alpha, r);
    return Number.NaN;
  };
  if (cutoff === null) {
    // Closed forms (d = 1): cheap enough to evaluate every time.
    cache = { propagator: propagatorExact, quartic: quarticExact };
  } else {
    const spacing = Math.min(0.1 / cutoff, 0.05 / mass);
    const propagatorTable = new RadialTable(propagatorExact, spacing);
    const quarticTable = new RadialTable(quarticExact, spacing);
    cache = { propagator: (r) => propagatorTable.at(r), quartic: (r) => quarticTable.at(r) };
  }
  caches.set(net, cache);
  return cache;
}

/** sigma_a^2 G_Lambda(r): the ensemble's two-point function at separation r. */
export function cosNetPropagator(net: CosNet, separation: number): number {
  return momentCache(net).propagator(separation);
}

/** E_rho[A(p)^4 cos(p.s)] at |s| = separation (without the sigma_a^4 factor). */
export function cosNetQuarticAmplitudeMoment(net: CosNet, separation: number): number {
  return momentCache(net).quartic(separation);
}

/** Connected 4-point function of the undeformed cos-net with independent momenta (without the shared scale). */
export function independentConnectedFour(net: CosNet, points: Points): number {
  const [x1, x2, x3, x4] = points as [number[], number[], number[], number[]];
  const width = net.width;
  const sigma4 = net.options.amplitudeScale ** 4;
  const signedSums = [
    [1, 1, -1, -1],
    [1, -1, 1, -1],
    [1, -1, -1, 1],
  ];
  let quartic = 0;
  for (const signs of signedSums) {
    let total = 0;
    for (let axis = 0; axis < x1.length; axis++) {
      const component = signs[0]! * x1[axis]! + signs[1]! * x2[axis]! + signs[2]! * x3[axis]! + signs[3]! * x4[axis]!;
      total += component * component;
    }
    quartic += cosNetQuarticAmplitudeMoment(net, Math.sqrt(total));
  }
  const g = (a: readonly number[], b: readonly number[]) => cosNetPropagator(net, distance(a, b));
  const pairs = g(x1, x2) * g(x3, x4) + g(x1, x3) * g(x2, x4) + g(x1, x4) * g(x2, x3);
  return ((net.kurtosis * sigma4) / (8 * width)) * quartic - pairs / width;
}

/** E[t^k] of the standard amplitude law (k even): Gaussian (k-1)!!, fixed 1, Gamma family prod (kappa + j)/kappa. */
export function standardAmplitudeMoment(net: CosNet, order: number): number {
  const law = net.options.amplitude;
  if (law.kind === 'fixed' || (law.kind === 'kurtosis' && law.kurtosis === 1)) return 1;
  if (law.kind === 'gaussian') {
    let value = 1;
    for (let j = order - 1; j > 0; j -= 2) value *= j;
    return value;
  }
  // t^2 = v ~ Gamma(kappa, 1/kappa): E[v^m] = prod_{j<m} (kappa + j) / kappa^m.
  const kappa = 1 / (law.kurtosis - 1);
  let value = 1;
  for (let j = 0; j < order / 2; j++) value *= (kappa + j) / kappa;
  return value;
}

const sixthTables = new WeakMap<CosNet, (separation: number) => number>();

/** E_rho[A(p)^k cos(p.s)] at |s| = separation for k = 2, 4, 6 (without sigma_a^k). */
export function amplitudeMoment(net: CosNet, order: number, separation: number): number {
  if (order === 2) return (2 * cosNetPropagator(net, separation)) / net.options.amplitudeScale ** 2;
  if (order === 4) return cosNetQuarticAmplitudeMoment(net, separation);
  let table = sixthTables.get(net);
  if (!table) {
    const { dimension, mass, cutoff, alpha } = net.options;
    const normalisation = net.momentumDensity.normalisation;
    // (2Z)^3 / Z int Delta^{1 + alpha - 3 alpha} e^{ipx}: for alpha = 0, 8 Z^2 G(r).
    const exact = (r: number): number => {
      if (alpha === 0) return 8 * normalisation * normalisation * freePropagator(dimension, mass, cutoff, r);
      if (cutoff !== null) return 8 * normalisation * normalisation * radialPowerIntegral(dimension, mass, cutoff, 1 - 2 * alpha, r);
      return Number.NaN;
    };
    if (cutoff === null) table = exact;
    else {
      const radial = new RadialTable(exact, Math.min(0.1 / cutoff, 0.05 / mass));
      table = (r) => radial.at(r);
    }
    sixthTables.set(net, table);
  }
  return table(separation);
}

/**
 * The signed sums s = x_0 + sum_i eps_i x_i over the sign patterns with eps_0 = +1 and zero sum (each
 * stands for itself and its negative, which has the same cosine): the phase average of a product of k
 * cosines is 2^{-k} times the sum over all zero-sum patterns of cos(p . s).
 */
export function zeroSumSignedSums(points: Points): number[][] {
  const order = points.length;
  const dimension = points[0]!.length;
  const sums: number[][] = [];
  for (let mask = 0; mask < 1 << (order - 1); mask++) {
    let plus = 1;
    for (let i = 1; i < order; i++) if (!(mask & (1 << (i - 1)))) plus++;
    if (plus !== order / 2) continue;
    const s = new Array<number>(dimension);
    for (let axis = 0; axis < dimension; axis++) {
      let component = points[0]![axis]!;
      for (let i = 1; i < order; i++) component += (mask & (1 << (i - 1)) ? -1 : 1) * points[i]![axis]!;
      s[axis] = component;
    }
    sums.push(s);
  }
  return sums;
}
