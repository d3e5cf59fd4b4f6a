/**
 * The differentiable ensemble the design loop trains: an alpha = 0 cos-net of the target's mass whose
 * field is rescaled by an amplitude scale sigma and whose momenta are rescaled by s, deformed by
 * exp(-sum_k g_k F_k[phi]) over the interaction region:
 *
 *   phi(x) = sigma sum_i b_i cos(s p_i.x + c_i),   F_local(n) = (1/n!) int_V :phi^n:_{G0},
 *   F_nonlocal = (1/4!) int int phi^2 K phi^2.
 *
 * Parameters, in vector order: amplitudeScale (sigma), momentumScale (s), then one coupling per term.
 * Gradients: pathwise through the reparameterised draws for sigma and s (the base draws are fixed
 * by the seed: common random numbers within a step), score-function for the couplings (they enter
 * only through the weights), both by the exact two-pass chunked gradient of ensemble/two-pass-gradient.
 *
 * With a mode cutoff, the deformation sees only the neurons with |p| below it (the field keeps every
 * neuron): the interaction is regulated while the free two-point function stays exact without a
 * momentum cutoff on the field.
 */
import { tf } from '../backend/index.js';
import type { Points } from '../architectures/architecture.js';
import type { CosNet } from '../architectures/cos-net.js';
import {
  uploadDifferentiableChunk,
  disposeDifferentiableChunk,
  differentiablePointValues,
  differentiableGridValues,
  type DifferentiableCosNetChunk,
} from '../architectures/cos-net-differentiable.js';
import { gridPoints, type ProductGrid } from '../architectures/product-grid.js';
import type { DifferentiableEnsemble } from '../ensemble/two-pass-gradient.js';
import { belowModeCutoff } from '../densities/deformations.js';
import { deriveSeed } from '../random/index.js';

export type DesignTerm =
  | { readonly kind: 'local'; readonly power: number; readonly wickOrdered: boolean; readonly wickPropagatorAtZero: number }
  | { readonly kind: 'nonlocal-quartic'; readonly kernelWidth: number };

export interface CosNetDesignGeometry {
  /** The undeformed base network (width, mass, cutoff, amplitude law) at s = sigma = 1. */
  readonly base: CosNet;
  readonly points: Points;
  readonly terms: readonly DesignTerm[];
  /** Quadrature grid over the interaction region (null when there are no terms). */
  readonly grid: ProductGrid | null;
  /** Deformation acts on neurons with |p| (unscaled) below this; null: on every neuron. */
  readonly modeCutoff: number | null;
  readonly chunkSize: number;
}

export const CHUNK_STREAM = 'design/chunk';

function factorial(n: number): number {
  let value = 1;
  for (let k = 2; k <= n; k++) value *= k;
  return value;
}

export function parameterNames(terms: readonly DesignTerm[]): string[] {
  return ['amplitudeScale', 'momentumScale', ...terms.map((term, index) => (term.kind === 'local' ? `coupling${term.power}${term.wickOrdered ? 'Wick' : ''}` : 'couplingNonlocal') + (index > 0 && terms.slice(0, index).some((other) => JSON.stringify(other) === JSON.stringify(term)) ? `_${index}` : ''))];
}

/** Gaussian kernel matrix with quadrature weights on both sides (float32, [G, G]). */
export function kernelMatrix(grid: ProductGrid, dimension: number, kernelWidth: number): Float32Array {
  const nodes = gridPoints(grid);
  const size = nodes.length;
  const normalisation = (2 * Math.PI * kernelWidth * kernelWidth) ** (-dimension / 2);
  const matrix = new Float32Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      let squared = 0;
      for (let axis = 0; axis < dimension; axis++) squared += (nodes[i]![axis]! - nodes[j]![axis]!) ** 2;
      matrix[i * size + j] = grid.weights[i]! * grid.weights[j]! * normalisation * Math.exp(-squared / (2 * kernelWidth * kernelWidth));
    }
  }
  return matrix;
}

/**
 * The design ensemble for one step: draws fixed by (stepSeed, chunk index), parameters as tf
 * scalars. Trig factors are uploaded at the current momentum scale s0 (exact derivatives there).
 */
export function cosNetDesignEnsemble(geometry: CosNetDesignGeometry, stepSeed: number, ensembleSize: number, momentumScale: number): DifferentiableEnsemble {
  const { base, points, terms, grid } = geometry;
  const width = base.width;
  const dimension = base.dimension;
  const chunkCount = Math.ceil(ensembleSize / geometry.chunkSize);
  const uploads = new Map<number, { points: DifferentiableCosNetChunk; grid: DifferentiableCosNetChunk | null }>();
  const gridWeights = grid ? Float32Array.from(grid.weights) : null;
  const nonlocal = terms.find((term): term is Extract<DesignTerm, { kind: 'nonlocal-quartic' }> => term.kind === 'nonlocal-quartic');
  const kernel = nonlocal && grid ? kernelMatrix(grid, dimension, nonlocal.kernelWidth) : null;

  const upload = (chunkIndex: number) => {
    const cached = uploads.get(chunkIndex);
    if (cached) return cached;
    const count = Math.min(geometry.chunkSize, ensembleSize - chunkIndex * geometry.chunkSize);
    const chunk = base.sample(deriveSeed(stepSeed, CHUNK_STREAM, chunkIndex), count);
    const pointUpload = uploadDifferentiableChunk(chunk, width, dimension, points, null, momentumScale);
    let gridUpload: DifferentiableCosNetChunk | null = null;
    if (grid && terms.length > 0) {
      const gridChunk = geometry.modeCutoff !== null ? belowModeCutoff(chunk, dimension, geometry.modeCutoff) : chunk;
      gridUpload = uploadDifferentiableChunk(gridChunk, width, dimension, points.slice(0, 1), grid, momentumScale);
    }
    const entry = { points: pointUpload, grid: gridUpload };
    uploads.set(chunkIndex, entry);
    return entry;
  };

  return {
    chunkCount,
    pointCount: points.length,
    forward(chunkIndex, parameters) {
      const [amplitudeScale, scale, ...couplings] = parameters as [tf.Scalar, tf.Scalar, ...tf.Scalar[]];
      const entry = upload(chunkIndex);
      const phi = tf.mul(differentiablePointValues(entry.points, scale), amplitudeScale) as tf.Tensor2D;
      if (!entry.grid || terms.length === 0) return { phi, logWeights: null };
      const field = tf.mul(differentiableGridValues(entry.grid, scale), amplitudeScale) as tf.Tensor2D;
      const [count, gridSize] = field.shape;
      const weights = tf.tensor2d(gridWeights!, [gridSize, 1]);
      let logWeights: tf.Tensor1D = tf.zeros([count]);
      terms.forEach((term, index) => {
        let functional: tf.Tensor1D;
        if (term.kind === 'local') {
          // :phi^n: by the Hermite recurrence He_{k+1} = phi He_k - k G0 He_{k-1}.
          let previous: tf.Tensor2D = tf.onesLike(field);
          let current: tf.Tensor2D = field;
          for (let k = 1; k < term.power; k++) {
            const next: tf.Tensor2D = term.wickOrdered ? tf.sub(tf.mul(field, current), tf.mul(previous, k * term.wickPropagatorAtZero)) : tf.mul(field, current);
            previous = current;
            current = next;
          }
          functional = tf.reshape(tf.matMul(current, weights), [count]).mul(1 / factorial(term.power));
        } else {
          const squared = tf.square(field);
          const smeared = tf.matMul(squared, tf.tensor2d(kernel!, [gridSize, gridSize]));
          functional = tf.sum(tf.mul(smeared, squared), 1).mul(1 / 24) as tf.Tensor1D;
        }
        logWeights = tf.sub(logWeights, tf.mul(functional, couplings[index]!));
      });
      return { phi, logWeights };
    },
    release(chunkIndex) {
      const entry = uploads.get(chunkIndex);
      if (!entry) return;
      disposeDifferentiableChunk(entry.points);
      if (entry.grid) disposeDifferentiableChunk(entry.grid);
      uploads.delete(chunkIndex);
    },
  };
}
