/**
 * The regulated free propagator G_Lambda(r) = int_{|p|<Lambda} d^dp/(2 pi)^d e^{ip.x} / (p^2 + m^2),
 * r = |x|, in d = 1..4 (conventions: docs/conventions.md).
 *
 * Without a cutoff the closed forms are used (d=1 e^{-mr}/(2m), d=2 K0(mr)/(2pi), d=3 e^{-mr}/(4 pi r),
 * d=4 m K1(mr)/(4 pi^2 r)). With a cutoff the angular integral is done analytically and the radial one
 * numerically:
 *   G_Lambda(r) = S_d/(2 pi)^d int_0^Lambda p^{d-1} j_d(p r) / (p^2 + m^2) dp,
 * with S_d the area of the unit sphere and j_d the normalised spherical average of e^{ip.x}
 * (cos z, J0(z), sin z / z, 2 J1(z)/z; all equal 1 at z = 0). The integrand rings like cos(p r), so
 * the range is cut at every half period pi/r and each piece is integrated by adaptive Gauss-Kronrod;
 * the result is accurate to ~1e-10 relative to G_Lambda(0), far inside the 1e-6 contract.
 */
import { NnftError } from '../errors.js';
import { integrateAdaptive } from '../numeric/adaptive-quadrature.js';
import { besselJ0, besselJ1, besselK0, besselK1 } from '../numeric/special-functions.js';
import type { Dimension } from '../theory/theory.js';

/** Area of the unit sphere S^{d-1} divided by (2 pi)^d: the radial measure's prefactor. */
const RADIAL_PREFACTOR: Record<Dimension, number> = {
  1: 2 / (2 * Math.PI),
  2: (2 * Math.PI) / (2 * Math.PI) ** 2,
  3: (4 * Math.PI) / (2 * Math.PI) ** 3,
  4: (2 * Math.PI * Math.PI) / (2 * Math.PI) ** 4,
};

function checkArguments(dimension: number, mass: number, cutoff: number | null, distance?: number): void {
  if (![1, 2, 3, 4].includes(dimension)) throw new NnftError('E_SEMANTIC', `dimension must be 1, 2, 3 or 4, got ${dimension}`);
  if (!(mass > 0) || !Number.isFinite(mass)) throw new NnftError('E_SEMANTIC', `mass must be positive and finite, got ${mass}`);
  if (cutoff !== null && (!(cutoff > 0) || !Number.isFinite(cutoff))) {
    throw new NnftError('E_SEMANTIC', `momentum cutoff must be positive and finite (or null), got ${cutoff}`);
  }
  if (distance !== undefined && (!(distance >= 0) || !Number.isFinite(distance))) {
    throw new NnftError('E_SEMANTIC', `distance must be non-negative and finite, got ${distance}`);
  }
}

/** G_Lambda(0): finite for every d with a cutoff, and only in d = 1 without one. */
export function propagatorAtZero(dimension: Dimension, mass: number, cutoff: number | null): number {
  checkArguments(dimension, mass, cutoff);
  if (cutoff === null) {
    if (dimension === 1) return 1 / (2 * mass);
    throw new NnftError('E_SEMANTIC', `the free propagator at zero separation diverges in d = ${dimension} without a momentum cutoff`, {
      hint: 'set regulator.momentumCutoff (a sharp cutoff Lambda) for d >= 2',
    });
  }
  const ratio = cutoff / mass;
  switch (dimension) {
    case 1:
      return Math.atan(ratio) / (Math.PI * mass);
    case 2:
      return Math.log1p(ratio * ratio) / (4 * Math.PI);
    case 3:
      return (cutoff - mass * Math.atan(ratio)) / (2 * Math.PI * Math.PI);
    case 4:
      return (cutoff * cutoff - mass * mass * Math.log1p(ratio * ratio)) / (16 * Math.PI * Math.PI);
  }
}

/** Normalised spherical average of e^{ip.x} in d dimensions at z = p r. */
export function sphericalAverage(dimension: Dimension, z: number): number {
  switch (dimension) {
    case 1:
      return Math.cos(z);
    case 2:
      return besselJ0(z);
    case 3:
      return Math.abs(z) < 1e-4 ? 1 - (z * z) / 6 + (z * z * z * z) / 120 : Math.sin(z) / z;
    case 4:
      return Math.abs(z) < 1e-4 ? 1 - (z * z) / 8 + (z * z * z * z) / 192 : (2 * besselJ1(z)) / z;
  }
}

/** The unregulated closed forms (r > 0, or d = 1). */
function unregulatedPropagator(dimension: Dimension, mass: number, distance: number): number {
  switch (dimension) {
    case 1:
      return Math.exp(-mass * distance) / (2 * mass);
    case 2:
      return besselK0(mass * distance) / (2 * Math.PI);
    case 3:
      return Math.exp(-mass * distance) / (4 * Math.PI * distance);
    case 4:
      return (mass * besselK1(mass * distance)) / (4 * Math.PI * Math.PI * distance);
  }
}

/** Radial quadrature of the regulated propagator at r > 0. */
function regulatedPropagator(dimension: Dimension, mass: number, cutoff: number, distance: number): number {
  const prefactor = RADIAL_PREFACTOR[dimension];
  const massSquared = mass * mass;
  const integrand = (p: number): number => (p ** (dimension - 1) * sphericalAverage(dimension, p * distance)) / (p * p + massSquared);
  const breakPoints: number[] = [];
  // Resolve the pole structure near p ~ m and every half period of the ringing.
  if (mass < cutoff) breakPoints.push(mass);
  const halfPeriod = Math.PI / distance;
  const halfPeriods = Math.floor(cutoff / halfPeriod);
  const stride = Math.max(1, Math.ceil(halfPeriods / 20000));
  for (let k = stride; k <= halfPeriods; k += stride) breakPoints.push(k * halfPeriod);
  const scale = propagatorAtZero(dimension, mass, cutoff) / prefactor;
  const result = integrateAdaptive(integrand, 0, cutoff, {
    breakPoints,
    // J0 and J1 are good to ~1e-12 absolute (series/asymptotic switch), so ask for no more.
    absoluteTolerance: 1e-12 * scale,
    relativeTolerance: 1e-10,
    maxPanels: breakPoints.length + 20000,
  });
  if (!result.converged && result.error > 1e-8 * scale) {
    throw new NnftError('E_NUMERIC', `free propagator quadrature did not converge (d=${dimension}, m=${mass}, Lambda=${cutoff}, r=${distance}): error ${result.error}`);
  }
  return prefactor * result.value;
}

/** G_Lambda(r) for r = |x| >= 0; G_Lambda(0) is exactly propagatorAtZero. */
export function freePropagator(dimension: Dimension, mass: number, cutoff: number | null, distance: number): number {
  checkArguments(dimension, mass, cutoff, distance);
  if (distance === 0) return propagatorAtZero(dimension, mass, cutoff);
  if (cutoff === null) return unregulatedPropagator(dimension, mass, distance);
  return regulatedPropagator(dimension, mass, cutoff, distance);
}
