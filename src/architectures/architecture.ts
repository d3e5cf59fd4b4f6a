/**
 * What the ensemble engine needs from a network family: one description yields a host sampler
 * (float64 parameters from the seed tree), batched forward passes over an ensemble axis on the
 * tensor backend (at arbitrary points, and on a separable product grid for interaction integrals),
 * a float64 host reference of the same forward pass, and, where known, exact moments of the
 * undeformed finite-width ensemble and its connected functions (used as analytic kernels, as control
 * variates and as the background of reconstructions).
 */
import type { tf } from '../backend/index.js';
import type { Dimension } from '../theory/theory.js';
import type { ProductGrid } from './product-grid.js';
import type { GaussianModes } from '../estimators/linear-response.js';

/** Parameters of `count` networks, flat float64 arrays keyed by name (layout owned by the family). */
export interface ParameterChunk {
  readonly count: number;
  readonly arrays: Readonly<Record<string, Float64Array>>;
}

export type Points = readonly (readonly number[])[];

export interface Architecture {
  readonly kind: string;
  readonly dimension: Dimension;
  readonly width: number;
  /** phi -> -phi is an exact symmetry of the undeformed ensemble (odd moments vanish). */
  readonly z2Symmetric: boolean;
  /** Plain-data description for provenance (everything that fixes the ensemble). */
  readonly description: Readonly<Record<string, unknown>>;
  /** Draw `count` networks from the base density with the given seed (host, float64). */
  sample(seed: number, count: number): ParameterChunk;
  /** phi at the points, shape [count, points]; call inside tf.tidy. */
  applyAtPoints(chunk: ParameterChunk, points: Points): tf.Tensor2D;
  /** phi on the grid's points in offset-major order, shape [count, offsets * nodes]; call inside tf.tidy. */
  applyOnGrid(chunk: ParameterChunk, grid: ProductGrid): tf.Tensor2D;
  /** The same forward pass in float64 on the host, [count * points] row-major. */
  referenceAtPoints(chunk: ParameterChunk, points: Points): Float64Array;
  /**
   * E_0[phi(x_1) ... phi(x_k)] of the undeformed ensemble at this width, exactly (closed forms or
   * deterministic quadrature), or null where it is not known.
   */
  exactMoment(points: Points): number | null;
  /**
   * The connected functions kappa(phi(x_i1), ..., phi(x_ik)) of the undeformed ensemble at this width,
   * exactly, for each index tuple over `points`, or null where one is not known (exact-connected.ts
   * derives them from exactMoment for the families without a direct form).
   */
  exactConnected(points: Points, tuples: readonly (readonly number[])[]): number[] | null;
  /**
   * When the undeformed ensemble is exactly Gaussian with one covariance for every network, its modes
   * (the first-order control variate of the estimators needs them); else absent or null.
   */
  readonly gaussianModes?: GaussianModes | null;
}
