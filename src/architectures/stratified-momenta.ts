/**
 * Stratified momenta for cos-nets. Neuron i owns one cell of the momentum density and draws its
 * momentum uniformly inside it (jittered stratification): the radial quantile u in [0, 1) is cut into
 * `radial` equal slices and, in d = 2, the direction angle in [0, pi) into `angular` equal slices
 * (a half circle is enough: with a uniform phase, p and -p give the same neuron law).
 *
 * Why: a neuron's momentum is the only source of non-Gaussianity that no amplitude law removes. With
 * Gaussian amplitude pairs (kurtosis 2 with uniform phase: a cos + b sin with a, b independent normals)
 * the field is exactly Gaussian given the momenta, with covariance (1/N) sum_i g(p_i, x - y). Drawing
 * the momenta independently leaves a connected four-point function of order Cov_p(g, g)/N; stratified,
 * only the spread inside each cell remains, Cov_cell/N, which shrinks like N^(-2/d) on top. Every
 * cell has probability 1/N, so E[phi phi] is still exactly the regulated propagator at every width.
 *
 * Neurons are independent but not identically distributed: exact moments sum per-cell cumulants
 * (cos-net-exact-moments.ts). The draws and the cell moments are momenta-stratified.ts and
 * momenta-quadrature.ts; this file holds the layouts.
 */
import { NnftError } from '../errors.js';
import { gaussLegendreRule } from '../numeric/gauss-legendre.js';
import type { Dimension } from '../theory/theory.js';


export interface StratifiedLayout {
  /** Slices of the radial quantile. */
  readonly radial: number;
  /** Slices of the direction angle in [0, pi) (1 in d = 1); the azimuth in d = 3. */
  readonly angular: number;
  /** d = 3 quadrature only: nodes of the polar cosine in [-1, 1]. */
  readonly polar?: number;
}

/**
 * Outer cells of the alpha = 0 density in d = 2 span about 2.3 p / radial in |p| and pi p / angular
 * across: equal spans want angular / radial ≈ 1.36. The layout is the factorisation of the width
 * closest to that ratio.
 */
const PREFERRED_ANGULAR_RATIO = 1.36;

/**
 * Quadrature nodes resolve p.s in the angle while 2 angular > Lambda |s| (midpoint rule, periodic) but
 * need more radial Gauss nodes for the same |s|, because the radius runs fast near the cutoff in the
 * quantile variable (measured on the d = 2, Lambda = 10 density: 16 x 16 is exact to 1e-8 out to
 * |s| = 1 and to 3e-5 at |s| = 2, limited by the radial rule).
 */
const QUADRATURE_ANGULAR_RATIO = 0.7;

export function stratifiedLayout(dimension: Dimension, width: number, preferredRatio = PREFERRED_ANGULAR_RATIO): StratifiedLayout {
  if (dimension === 1) return { radial: width, angular: 1 };
  if (dimension !== 2) {
    throw new NnftError('E_UNSUPPORTED', `stratified momenta exist in d = 1 and 2, not d = ${dimension}`, { hint: 'use momentumSampling "independent"' });
  }
  let best: StratifiedLayout = { radial: width, angular: 1 };
  let bestDistance = Infinity;
  for (let angular = 1; angular <= width; angular++) {
    if (width % angular !== 0) continue;
    const radial = width / angular;
    const distance = Math.abs(Math.log(angular / radial / preferredRatio));
    if (distance < bestDistance) {
      best = { radial, angular };
      bestDistance = distance;
    }
  }
  return best;
}

/** Neuron index -> its cell: radial slice (slow index) and angular slice (fast index). */
export function cellOf(layout: StratifiedLayout, neuron: number): { radialSlice: number; angularSlice: number } {
  return { radialSlice: Math.floor(neuron / layout.angular), angularSlice: neuron % layout.angular };
}

/**
 * Quadrature momenta: neuron i sits at a node of a product rule for the momentum density (Gauss-
 * Legendre in w = sqrt(u) over the radial quantile u, midpoint in the angle over [0, pi), which is
 * spectrally accurate because cos(p.s) has period pi in the angle) and carries the node's weight in
 * its amplitude: A_i^2 = N W_i A(p_i)^2. Only the amplitudes and phases are random. With Gaussian
 * amplitude pairs the base ensemble is then exactly Gaussian at every width, with covariance
 *   C_N(s) = sum_i W_i (sigma^2 A(p_i)^2 / 2) cos(p_i.s),
 * the quadrature of the regulated propagator: no 1/N non-Gaussianity and no neuron-to-neuron
 * fluctuation of the covariance, which is what leaves O(lambda/N) corrections in interacting
 * ensembles with random momenta. The price is that C_N approximates G_Lambda only out to separations
 * of about 2 N_angular / Lambda (the nodes resolve phases p.s up to that); the exact moments use C_N,
 * so every comparison sees the ensemble as it is.
 *
 * d = 3: the direction runs over the half sphere {azimuth in [0, pi), polar cosine mu in [-1, 1]}
 * (antipodes are the same neuron law), with Gauss-Legendre in mu and the midpoint rule in the
 * azimuth. A symmetric mu rule makes the mu sum pi-periodic in the azimuth (f(mu, phi + pi) =
 * f(-mu, phi)), so the midpoint rule stays spectral, and the pair integrates spherical harmonics up
 * to degree min(2 polar, 2 azimuth) - 1 exactly: C_N is exact while Lambda |s| stays below that.
 */
export interface QuadratureNode {
  /** Radial quantile of the node. */
  readonly quantile: number;
  /** Angle in [0, pi) (d = 2; the azimuth in d = 3), 0 in d = 1. */
  readonly angle: number;
  /** Cosine of the polar angle (d = 3), 0 in d <= 2. */
  readonly polarCosine: number;
  /** Quadrature weight W_i (the weights sum to 1). */
  readonly weight: number;
}

/**
 * d = 3 layout: radial x polar x azimuth, the factorisation of the width nearest (in squared log
 * ratios) to polar / radial = sqrt 2 and polar / azimuth = 1.2. The angular rule needs polar ≈ azimuth
 * (its exact degree is set by the smaller) and fewer radial nodes (the angular average of cos(p.s) is
 * sin(p |s|) / (p |s|), smooth in the radial variable); the 1.2 breaks ties towards polar nodes, which
 * measured better (width 128: 4 x 8 x 4 beats 4 x 4 x 8 by 2x at |s| = 1). Measured on the alpha = 0
 * density (m = 1, Lambda = 6), max |C_N - G_Lambda| over 43 directions of s:
 *   width  64 = 4 x 4 x 4:  2.6e-5 out to |s| = 0.5, 3.7e-3 out to 1, 7.7e-2 out to 2 (G(0) = 0.233);
 *   width 256 = 4 x 8 x 8:  1.1e-5 out to 0.5, 8.5e-5 out to 1, 3.8e-3 out to 2;
 *   width 512 = 8 x 8 x 8:  8.6e-9 out to 0.5, 7.3e-8 out to 1, 1.3e-5 out to 1.5, 5.6e-4 out to 2.
 * Beyond Lambda |s| ≈ 2 min(polar, azimuth) no layout of the width helps: C_N there is a sum of N
 * fixed cosines that does not decay, off by about G(0) / sqrt(N) (docs/ensemble.md).
 */
const QUADRATURE_POLAR_RADIAL = Math.SQRT2;
const QUADRATURE_POLAR_AZIMUTH = 1.2;

function sphericalQuadratureLayout(width: number): StratifiedLayout {
  let best: StratifiedLayout = { radial: width, angular: 1, polar: 1 };
  let bestDistance = Infinity;
  for (let radial = 1; radial <= width; radial++) {
    if (width % radial !== 0) continue;
    for (let polar = 1; polar <= width / radial; polar++) {
      if ((width / radial) % polar !== 0) continue;
      const azimuth = width / radial / polar;
      const distance = Math.log(polar / radial / QUADRATURE_POLAR_RADIAL) ** 2 + Math.log(polar / azimuth / QUADRATURE_POLAR_AZIMUTH) ** 2;
      if (distance < bestDistance) {
        best = { radial, angular: azimuth, polar };
        bestDistance = distance;
      }
    }
  }
  return best;
}

export function quadratureLayout(dimension: Dimension, width: number): StratifiedLayout {
  if (dimension === 3) return sphericalQuadratureLayout(width);
  if (dimension === 4) {
    throw new NnftError('E_UNSUPPORTED', 'quadrature momenta exist in d = 1, 2 and 3, not d = 4', { hint: 'use momentumSampling "independent"' });
  }
  return stratifiedLayout(dimension, width, QUADRATURE_ANGULAR_RATIO);
}

export function quadratureNodes(dimension: Dimension, width: number): QuadratureNode[] {
  const layout = quadratureLayout(dimension, width);
  const polar = layout.polar ?? 1;
  const rule = gaussLegendreRule(layout.radial);
  const polarRule = dimension === 3 ? gaussLegendreRule(polar) : null;
  const nodes: QuadratureNode[] = [];
  for (let neuron = 0; neuron < width; neuron++) {
    // Radial slice slowest, then polar, then angle (azimuth) fastest.
    const radialSlice = Math.floor(neuron / (polar * layout.angular));
    const polarSlice = Math.floor(neuron / layout.angular) % polar;
    const angularSlice = neuron % layout.angular;
    // Rule on [-1, 1] -> w in [0, 1]; u = w^2, du = 2 w dw.
    const w = 0.5 * (rule.nodes[radialSlice]! + 1);
    const radialWeight = 0.5 * rule.weights[radialSlice]! * 2 * w;
    // Polar cosine rule on [-1, 1]: weights sum to 2.
    const polarCosine = polarRule ? polarRule.nodes[polarSlice]! : 0;
    const polarWeight = polarRule ? 0.5 * polarRule.weights[polarSlice]! : 1;
    nodes.push({
      quantile: w * w,
      angle: (Math.PI * (angularSlice + 0.5)) / layout.angular,
      polarCosine,
      weight: (radialWeight * polarWeight) / layout.angular,
    });
  }
  return nodes;
}
