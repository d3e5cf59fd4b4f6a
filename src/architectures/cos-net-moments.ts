/**
 * Exact moments of the undeformed finite-width cos-net (physics.md section 2, derived there and
 * checked by Monte Carlo in test/engine): with independent neurons the cumulants add, so
 *   E[phi(x)phi(y)] = sigma_a^2 E[s^2] G_Lambda(x - y)                       (every width),
 *   G_c4 = (k sigma_a^4/(8N)) sum_j E_rho[A^4 cos(p.s_j)] - (1/N) sum_3 G G,  s_j the three signed sums,
 * and a shared scale s multiplies the k-th moment by E[s^k]. Odd moments vanish (a -> -a).
 * E_rho[A^4 cos(p.s)] = 4 Z_alpha int_{|p|<Lambda} Delta^{1-alpha} e^{ip.s} d^dp/(2 pi)^d, which is
 * 4 G(0) G(s) for alpha = 0 and a radial quadrature otherwise.
 */
import { freePropagator } from '../correlators/free-propagator.js';
import { integrateAdaptive } from '../numeric/adaptive-quadrature.js';
import { besselJ0, besselJ1 } from '../numeric/special-functions.js';
import type { Dimension } from '../theory/theory.js';
import { RADIAL_MEASURE } from './alpha-momentum-density.js';
import type { Points } from './architecture.js';
import type { CosNet } from './cos-net.js';

function sphericalAverage(dimension: Dimension, z: number): number {
  switch (dimension) {
    case 1:
      return Math.cos(z);
    case 2:
      return besselJ0(z);
    case 3:
      return Math.abs(z) < 1e-4 ? 1 - (z * z) / 6 : Math.sin(z) / z;
    case 4:
      return Math.abs(z) < 1e-4 ? 1 - (z * z) / 8 : (2 * besselJ1(z)) / z;
  }
}

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

const caches = new WeakMap<CosNet, { propagator: Map<string, number>; quartic: Map<string, number> }>();

function keyOf(value: number): string {
  return value.toPrecision(14);
}

/** sigma_a^2 G_Lambda(r): the ensemble's two-point function at separation r. */
export function cosNetPropagator(net: CosNet, separation: number): number {
  let cache = caches.get(net);
  if (!cache) caches.set(net, (cache = { propagator: new Map(), quartic: new Map() }));
  const key = keyOf(separation);
  let value = cache.propagator.get(key);
  if (value === undefined) {
    const { dimension, mass, cutoff, amplitudeScale } = net.options;
    value = amplitudeScale ** 2 * freePropagator(dimension, mass, cutoff, separation);
    cache.propagator.set(key, value);
  }
  return value;
}

/** E_rho[A(p)^4 cos(p.s)] at |s| = separation (without the sigma_a^4 factor). */
export function cosNetQuarticAmplitudeMoment(net: CosNet, separation: number): number {
  let cache = caches.get(net);
  if (!cache) caches.set(net, (cache = { propagator: new Map(), quartic: new Map() }));
  const key = keyOf(separation);
  let value = cache.quartic.get(key);
  if (value === undefined) {
    const { dimension, mass, cutoff, alpha } = net.options;
    const normalisation = net.momentumDensity.normalisation;
    if (alpha === 0) value = 4 * normalisation * freePropagator(dimension, mass, cutoff, separation);
    else if (cutoff !== null) value = 4 * normalisation * radialPowerIntegral(dimension, mass, cutoff, 1 - alpha, separation);
    else return Number.NaN;
    cache.quartic.set(key, value);
  }
  return value;
}

/** Connected 4-point function of the undeformed cos-net (without the shared scale). */
export function cosNetConnectedFour(net: CosNet, points: Points): number {
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

export function cosNetExactMoment(net: CosNet, points: Points): number | null {
  const order = points.length;
  if (order % 2 === 1) return 0;
  const scaleSquaredLog = net.options.sharedScale ? net.options.sharedScale.logStd ** 2 : 0;
  if (order === 2) return cosNetPropagator(net, distance(points[0]!, points[1]!));
  if (order === 4) {
    const connected = cosNetConnectedFour(net, points);
    if (!Number.isFinite(connected)) return null;
    const [x1, x2, x3, x4] = points as [number[], number[], number[], number[]];
    const g = (a: readonly number[], b: readonly number[]) => cosNetPropagator(net, distance(a, b));
    const pairs = g(x1, x2) * g(x3, x4) + g(x1, x3) * g(x2, x4) + g(x1, x4) * g(x2, x3);
    // E[s^4] = exp(4 sigma_s^2) for the lognormal shared scale.
    return Math.exp(4 * scaleSquaredLog) * (connected + pairs);
  }
  return null;
}
