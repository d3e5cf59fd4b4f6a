/**
 * The alpha family of momentum densities for cos-nets (docs/ensemble.md, "Architectures"):
 * rho_alpha(p) ∝ Delta(p)^{1+alpha} on |p| < Lambda, with Delta(p) = 1/(p^2 + m^2), paired with the
 * amplitude factor A(p)^2 = 2 Z_alpha Delta(p)^{-alpha}, so that rho A^2 = 2 Delta and the
 * ensemble's two-point function is the free propagator at every width.
 *
 * Z_alpha = int_{|p|<Lambda} Delta^{1+alpha} d^dp/(2 pi)^d. Radii are drawn by inverse CDF:
 * closed forms where they exist (alpha = 0 in d = 1, 2; alpha = -1, the uniform ball, in any d),
 * otherwise a tabulated CDF in the variable theta = arctan(p/m), which maps [0, inf) to a finite
 * interval and turns the radial density into sin^{d-1}(theta) cos^{2 alpha - d + 1}(theta).
 * The radial CDF F(|p|) and density dF/d|p| come from the same closed forms or table, so radius(u)
 * inverts cdf() and density() is its derivative.
 */
import { NnftError } from '../errors.js';
import type { Dimension } from '../theory/theory.js';

/** Area of the unit sphere S^{d-1} over (2 pi)^d: the prefactor of int d^dp/(2 pi)^d in radial form. */
export const RADIAL_MEASURE: Record<Dimension, number> = {
  1: 2 / (2 * Math.PI),
  2: (2 * Math.PI) / (2 * Math.PI) ** 2,
  3: (4 * Math.PI) / (2 * Math.PI) ** 3,
  4: (2 * Math.PI * Math.PI) / (2 * Math.PI) ** 4,
};

const TABLE_SIZE = 4096;

export interface AlphaMomentumDensity {
  readonly dimension: Dimension;
  readonly mass: number;
  readonly cutoff: number | null;
  readonly alpha: number;
  /** Z_alpha = int_{|p|<Lambda} Delta^{1+alpha} d^dp/(2 pi)^d. */
  readonly normalisation: number;
  /** Radius |p| for a uniform u in (0, 1): the inverse of cdf. */
  radius(uniform: number): number;
  /** The radial CDF F(r) = P(|p| < r): 0 for r <= 0, 1 at and beyond the cutoff. */
  cdf(radius: number): number;
  /** The radial density dF/dr at r = |p| (0 outside [0, cutoff]). */
  density(radius: number): number;
  /** A(p) as a function of |p|: sqrt(2 Z_alpha) (p^2 + m^2)^{alpha/2}. */
  amplitudeFactor(radius: number): number;
  /** Which sampler is used ("closed form ..." or "tabulated ..."), for provenance. */
  readonly method: string;
}

/** Whether int_0^inf p^{d-1} Delta^{1+alpha} dp converges, i.e. the density exists without a cutoff. */
export function normalisableWithoutCutoff(dimension: Dimension, alpha: number): boolean {
  return alpha > (dimension - 2) / 2;
}

/** Unnormalised radial density in theta = arctan(p/m): sin^{d-1} cos^{2 alpha - d + 1}. */
function thetaDensity(dimension: Dimension, alpha: number, theta: number): number {
  return Math.sin(theta) ** (dimension - 1) * Math.cos(theta) ** (2 * alpha - dimension + 1);
}

// 4-point Gauss-Legendre on [-1, 1]: enough per table cell, whose width is ~1e-3.
const GL4_NODES = [-0.8611363115940526, -0.3399810435848563, 0.3399810435848563, 0.8611363115940526];
const GL4_WEIGHTS = [0.3478548451374538, 0.6521451548625461, 0.6521451548625461, 0.3478548451374538];

function integrateCell(f: (t: number) => number, lower: number, upper: number): number {
  const half = 0.5 * (upper - lower);
  const middle = 0.5 * (upper + lower);
  let total = 0;
  for (let k = 0; k < 4; k++) total += GL4_WEIGHTS[k]! * f(middle + half * GL4_NODES[k]!);
  return total * half;
}

/** The cell i of an ascending table of TABLE_SIZE + 1 edges with edges[i] <= value < edges[i + 1] (clamped to the table), by bisection. */
function tableCell(edges: Float64Array, value: number): number {
  let low = 0;
  let high = TABLE_SIZE;
  while (high - low > 1) {
    const middle = (low + high) >> 1;
    if (edges[middle]! <= value) low = middle;
    else high = middle;
  }
  return low;
}

class TabulatedRadius {
  readonly thetaGrid: Float64Array;
  readonly cdf: Float64Array;
  readonly total: number;

  constructor(
    private readonly density: (theta: number) => number,
    thetaMax: number,
  ) {
    this.thetaGrid = new Float64Array(TABLE_SIZE + 1);
    this.cdf = new Float64Array(TABLE_SIZE + 1);
    // Cells are denser near theta = 0 (small momenta) and near thetaMax, where the density varies fastest,
    // through a sin^2 stretching of a uniform parameter.
    for (let i = 0; i <= TABLE_SIZE; i++) {
      const s = i / TABLE_SIZE;
      this.thetaGrid[i] = thetaMax * Math.sin((Math.PI / 2) * s) ** 2;
    }
    let running = 0;
    for (let i = 0; i < TABLE_SIZE; i++) {
      running += integrateCell(density, this.thetaGrid[i]!, this.thetaGrid[i + 1]!);
      this.cdf[i + 1] = running;
    }
    this.total = running;
  }

  /** The CDF at theta: the tabulated cells below it plus its own cell's integral up to theta (the rule theta() polishes with). */
  cdfAt(theta: number): number {
    if (!(theta > 0)) return 0;
    if (theta >= this.thetaGrid[TABLE_SIZE]!) return 1;
    const low = tableCell(this.thetaGrid, theta);
    return (this.cdf[low]! + integrateCell(this.density, this.thetaGrid[low]!, theta)) / this.total;
  }

  /** Invert the tabulated CDF, then polish with Newton steps on the exact cell integral. */
  theta(uniform: number): number {
    const target = uniform * this.total;
    const low = tableCell(this.cdf, target);
    const high = low + 1;
    const left = this.thetaGrid[low]!;
    const right = this.thetaGrid[high]!;
    const base = this.cdf[low]!;
    const span = this.cdf[high]! - base;
    let theta = span > 0 ? left + ((target - base) / span) * (right - left) : left;
    for (let step = 0; step < 3; step++) {
      const density = this.density(theta);
      if (!(density > 0)) break;
      const residual = base + integrateCell(this.density, left, theta) - target;
      theta = Math.min(right, Math.max(left, theta - residual / density));
    }
    return theta;
  }
}

export function alphaMomentumDensity(dimension: Dimension, mass: number, cutoff: number | null, alpha: number): AlphaMomentumDensity {
  if (!(mass > 0) || !Number.isFinite(mass)) throw new NnftError('E_SEMANTIC', `mass must be positive, got ${mass}`);
  if (cutoff !== null && !(cutoff > 0 && Number.isFinite(cutoff))) throw new NnftError('E_SEMANTIC', `momentum cutoff must be positive or null, got ${cutoff}`);
  if (!Number.isFinite(alpha)) throw new NnftError('E_SEMANTIC', `alpha must be a finite number, got ${alpha}`);
  if (cutoff === null && !normalisableWithoutCutoff(dimension, alpha)) {
    throw new NnftError('E_SEMANTIC', `the alpha = ${alpha} momentum density is not normalisable in d = ${dimension} without a momentum cutoff`, {
      hint: `set a momentum cutoff, or use alpha > ${(dimension - 2) / 2}`,
    });
  }
  const massSquared = mass * mass;
  const thetaMax = cutoff === null ? Math.PI / 2 : Math.atan(cutoff / mass);
  const amplitudeFactorWith = (normalisation: number) => (radius: number) =>
    Math.sqrt(2 * normalisation) * (radius * radius + massSquared) ** (alpha / 2);
  const top = cutoff ?? Infinity;
  // cdf and density as given on (0, cutoff), extended by 0 below and (cdf) 1 above.
  const radialLaw = (cdf: (r: number) => number, density: (r: number) => number) => ({
    cdf: (r: number) => (r <= 0 ? 0 : r >= top ? 1 : cdf(r)),
    density: (r: number) => (r >= 0 && r <= top && r < Infinity ? density(r) : 0),
  });

  // Z_alpha = RADIAL_MEASURE m^{d - 2 - 2 alpha} int_0^thetaMax thetaDensity.
  const measure = RADIAL_MEASURE[dimension] * mass ** (dimension - 2 - 2 * alpha);

  if (alpha === -1 && cutoff !== null) {
    const normalisation = (RADIAL_MEASURE[dimension] * cutoff ** dimension) / dimension;
    return {
      dimension, mass, cutoff, alpha, normalisation,
      radius: (u) => cutoff * u ** (1 / dimension),
      ...radialLaw((r) => (r / cutoff) ** dimension, (r) => (dimension * r ** (dimension - 1)) / cutoff ** dimension),
      amplitudeFactor: amplitudeFactorWith(normalisation),
      method: 'closed form: uniform in the ball |p| < Lambda',
    };
  }
  if (alpha === 0 && dimension === 1) {
    const normalisation = (RADIAL_MEASURE[1] * thetaMax) / mass;
    return {
      dimension, mass, cutoff, alpha, normalisation,
      radius: (u) => mass * Math.tan(u * thetaMax),
      ...radialLaw((r) => Math.atan(r / mass) / thetaMax, (r) => mass / (r * r + massSquared) / thetaMax),
      amplitudeFactor: amplitudeFactorWith(normalisation),
      method: cutoff === null ? 'closed form: Cauchy momenta p = m tan(pi (u - 1/2))' : 'closed form: truncated Cauchy momenta',
    };
  }
  if (alpha === 0 && dimension === 2 && cutoff !== null) {
    const ratioSquared = (cutoff * cutoff) / massSquared;
    const normalisation = Math.log1p(ratioSquared) / (4 * Math.PI);
    const logTop = Math.log1p(ratioSquared);
    return {
      dimension, mass, cutoff, alpha, normalisation,
      radius: (u) => mass * Math.sqrt(Math.expm1(u * logTop)),
      ...radialLaw((r) => Math.log1p((r * r) / massSquared) / logTop, (r) => (2 * r) / (r * r + massSquared) / logTop),
      amplitudeFactor: amplitudeFactorWith(normalisation),
      method: 'closed form: p = m sqrt((1 + Lambda^2/m^2)^u - 1)',
    };
  }
  const table = new TabulatedRadius((theta) => thetaDensity(dimension, alpha, theta), thetaMax);
  const normalisation = measure * table.total;
  return {
    dimension, mass, cutoff, alpha, normalisation,
    radius: (u) => mass * Math.tan(table.theta(u)),
    // theta = arctan(r/m), d theta / dr = m / (r^2 + m^2).
    ...radialLaw(
      (r) => table.cdfAt(Math.atan(r / mass)),
      (r) => (thetaDensity(dimension, alpha, Math.atan(r / mass)) * mass) / (r * r + massSquared) / table.total,
    ),
    amplitudeFactor: amplitudeFactorWith(normalisation),
    method: `tabulated radial CDF in theta = arctan(p/m) (${TABLE_SIZE} cells, Newton-polished)`,
  };
}
