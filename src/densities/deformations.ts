/**
 * Deformations of the parameter density, P(theta) -> P0(theta) exp(-S_def[phi_theta]) / Z
 * (docs/ensemble.md, "Deformations"). Each term contributes a log-weight per network, computed on the device
 * from phi on the interaction grid:
 *   local:             -(g/n!) int_V phi^n      (or the Wick-ordered :phi^n: w.r.t. G0)
 *   nonlocal-quartic:  -(g/4!) int_V int_V phi(x)^2 K(x-y) phi(y)^2, K a normalised Gaussian
 *   hook:              any user function of the grid values (library only; not expressible in JSON)
 * Wick ordering uses the Hermite recurrence :phi^{k+1}: = phi :phi^k: - k G0 :phi^{k-1}:.
 * On a lattice (options.lattice) int_V is the site sum a^d sum_x over every site of the periodic
 * lattice, and G0 defaults to the base's E_0[phi(0)^2], the lattice G(0) for the lattice cos-net
 * (docs/ensemble.md, "Deformations on a lattice").
 */
import { tf } from '../backend/index.js';
import { NnftError } from '../errors.js';
import type { Architecture, ParameterChunk } from '../architectures/architecture.js';
import { gridPoints, type ProductGrid } from '../architectures/product-grid.js';
import { boxGrid, gridResolution, latticeGrid, type GridResolution, type LatticeSites } from './interaction-grid.js';
import { factorial } from '../numeric/special-functions.js';
import type { LocalLogWeight } from '../estimators/linear-response.js';

export interface LocalTerm {
  readonly kind: 'local';
  readonly power: number;
  readonly coupling: number;
  readonly wickOrdered?: boolean;
  /** G0 for Wick ordering; default: the base ensemble's exact E_0[phi(0)^2]. */
  readonly wickPropagatorAtZero?: number;
}

export interface NonlocalQuarticTerm {
  readonly kind: 'nonlocal-quartic';
  readonly coupling: number;
  /** Standard deviation of the normalised Gaussian kernel. */
  readonly kernelWidth: number;
}

export interface HookContext {
  readonly architecture: Architecture;
  readonly chunk: ParameterChunk;
  readonly grid: ProductGrid;
  /** phi on the grid, [count, gridPoints]. */
  readonly phiOnGrid: tf.Tensor2D;
  /** Quadrature weights, [gridPoints, 1]. */
  readonly gridWeights: tf.Tensor2D;
}

export interface HookTerm {
  readonly kind: 'hook';
  readonly name: string;
  /** Log-weight per network, [count]. Runs inside tf.tidy. */
  readonly logWeight: (context: HookContext) => tf.Tensor1D;
  /** Declare true only if the hook is even in phi. */
  readonly evenInPhi?: boolean;
}

export type DeformationTerm = LocalTerm | NonlocalQuarticTerm | HookTerm;

export interface DeformationOptions {
  /** Side L of the interaction region [-L/2, L/2]^d (a continuum deformation; absent with `lattice`). */
  readonly regionSide?: number;
  /**
   * The interaction integral is the lattice sum a^d sum_x over every site of this periodic lattice
   * (interaction-grid.ts, latticeGrid) instead of a quadrature over a box; no resolution, resolved
   * momentum or mode cutoff then. The architecture's field must be periodic on it (the lattice cos-net).
   */
  readonly lattice?: LatticeSites;
  readonly terms: readonly DeformationTerm[];
  /** Grid resolution; default resolves the largest frequency of the integrands. */
  readonly resolution?: GridResolution;
  /** Largest momentum the grid must resolve; default the architecture's cutoff. */
  readonly resolvedMomentum?: number;
  /**
   * The deformation sees only the neurons with |p| below this (cos-nets; the field keeps every
   * neuron): a regulated interaction for networks without a momentum cutoff.
   */
  readonly modeCutoff?: number;
}

export interface CompiledDeformation {
  readonly grid: ProductGrid;
  readonly description: Readonly<Record<string, unknown>>;
  /** The deformation is even in phi, so with a Z2 base ensemble odd moments still vanish. */
  readonly evenInPhi: boolean;
  /** Log-weight per network, [count]; call inside tf.tidy. */
  logWeights(architecture: Architecture, chunk: ParameterChunk): tf.Tensor1D;
  /**
   * The same log-weight as plain data when every term is local or non-local quartic (grid, terms,
   * kernel matrix, mode cutoff), for the exact linear response of a Gaussian base
   * (estimators/linear-response.ts); null with a hook.
   */
  localLogWeight(): LocalLogWeight | null;
  /** Every term has an exact linear response: local or non-local quartic, no hooks (localLogWeight() is not null). */
  readonly local: boolean;
  /** Neurons at |p| >= this are not seen by the log-weight (null: all are). */
  readonly modeCutoff: number | null;
}

function largestFrequencyFactor(terms: readonly DeformationTerm[]): number {
  let factor = 2;
  for (const term of terms) {
    if (term.kind === 'local') factor = Math.max(factor, term.power);
    if (term.kind === 'nonlocal-quartic') factor = Math.max(factor, 2);
    if (term.kind === 'hook') factor = Math.max(factor, 4);
  }
  return factor;
}

/** The chunk with the coefficients of neurons at |p| >= modeCutoff set to zero (cos-net layout). */
export function belowModeCutoff(chunk: ParameterChunk, dimension: number, modeCutoff: number): ParameterChunk {
  const momenta = chunk.arrays.momenta;
  const source = chunk.arrays.coefficients;
  if (!momenta || !source) throw new NnftError('E_UNSUPPORTED', 'a mode cutoff needs a cos-net (momenta and coefficients per neuron)');
  const coefficients = Float64Array.from(source);
  for (let slot = 0; slot < coefficients.length; slot++) {
    let squared = 0;
    for (let axis = 0; axis < dimension; axis++) squared += momenta[slot * dimension + axis]! ** 2;
    if (squared >= modeCutoff * modeCutoff) coefficients[slot] = 0;
  }
  return { count: chunk.count, arrays: { ...chunk.arrays, coefficients } };
}

/**
 * The normalised Gaussian kernel K(x - y) = exp(-|x-y|^2 / 2s^2) / (2 pi s^2)^(d/2) on the grid, with the
 * quadrature weights of both points folded in (float32, [G, G]): phi^2 . K . phi^2 is the double integral.
 */
export function gaussianKernelMatrix(grid: ProductGrid, dimension: number, kernelWidth: number): Float32Array {
  return Float32Array.from(gaussianKernelMatrix64(grid, dimension, kernelWidth));
}

/** The same kernel matrix in float64 (the exact linear response of estimators/linear-response.ts). */
export function gaussianKernelMatrix64(grid: ProductGrid, dimension: number, kernelWidth: number): Float64Array {
  const points = gridPoints(grid);
  const size = points.length;
  const normalisation = (2 * Math.PI * kernelWidth * kernelWidth) ** (-dimension / 2);
  const matrix = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      let squared = 0;
      for (let axis = 0; axis < dimension; axis++) squared += (points[i]![axis]! - points[j]![axis]!) ** 2;
      matrix[i * size + j] = grid.weights[i]! * grid.weights[j]! * normalisation * Math.exp(-squared / (2 * kernelWidth * kernelWidth));
    }
  }
  return matrix;
}

/** The interaction grid of a deformation: the lattice's sites, or a quadrature grid over the box. */
function interactionGrid(architecture: Architecture, options: DeformationOptions): { grid: ProductGrid; description: Readonly<Record<string, unknown>> } {
  if (options.lattice) {
    if (options.regionSide !== undefined || options.resolution || options.resolvedMomentum !== undefined || options.modeCutoff !== undefined) {
      throw new NnftError('E_SEMANTIC', 'a lattice deformation acts on every site of its lattice: it takes no region side, grid resolution, resolved momentum or mode cutoff');
    }
    const grid = latticeGrid(architecture.dimension, options.lattice);
    const { spacing, sites } = options.lattice;
    return {
      grid,
      description: {
        lattice: { spacing, sites, boundary: 'periodic' },
        grid: { kind: 'lattice-sites', points: grid.offsetCount * grid.nodeCount, weight: spacing ** architecture.dimension },
      },
    };
  }
  if (options.regionSide === undefined) throw new NnftError('E_SEMANTIC', 'a deformation needs an interaction region side or a lattice');
  const cutoff = (architecture.description as { cutoff?: number | null }).cutoff ?? null;
  const resolvedMomentum = options.resolvedMomentum ?? options.modeCutoff ?? cutoff;
  if (!options.resolution && !(resolvedMomentum && resolvedMomentum > 0)) {
    throw new NnftError('E_SEMANTIC', 'the interaction grid cannot resolve the sampled momenta without a momentum cutoff', {
      hint: 'set a momentum cutoff, an explicit grid resolution, or the largest momentum to resolve',
    });
  }
  const resolution = options.resolution ?? gridResolution(architecture.dimension, options.regionSide, largestFrequencyFactor(options.terms) * resolvedMomentum!);
  return {
    grid: boxGrid(architecture.dimension, options.regionSide, resolution),
    description: { regionSide: options.regionSide, grid: { kind: 'composite-gauss-legendre', ...resolution, points: resolution.panels ** architecture.dimension * resolution.nodesPerPanel ** architecture.dimension } },
  };
}

export function compileDeformation(architecture: Architecture, options: DeformationOptions): CompiledDeformation {
  for (const term of options.terms) {
    if (term.kind === 'local' && !(Number.isInteger(term.power) && term.power >= 1 && term.power <= 8)) {
      throw new NnftError('E_SEMANTIC', `local deformation power must be an integer 1..8, got ${term.power}`);
    }
    if (term.kind === 'nonlocal-quartic' && !(term.kernelWidth > 0)) throw new NnftError('E_SEMANTIC', 'non-local kernel width must be positive');
  }
  const { grid, description: gridDescription } = interactionGrid(architecture, options);
  const gridSize = grid.offsetCount * grid.nodeCount;
  const weights32 = Float32Array.from(grid.weights);

  const wickReference = (term: LocalTerm): number => {
    if (term.wickPropagatorAtZero !== undefined) return term.wickPropagatorAtZero;
    const origin = new Array(architecture.dimension).fill(0);
    const exact = architecture.exactMoment([origin, origin]);
    if (exact === null) throw new NnftError('E_SEMANTIC', 'Wick ordering needs G(0): give wickPropagatorAtZero for this architecture');
    return exact;
  };
  const wickValues = options.terms.map((term) => (term.kind === 'local' && term.wickOrdered ? wickReference(term) : 0));

  // Kernel matrix with quadrature weights on both sides, built once (float64, then float32).
  let kernelMatrix: Float32Array | null = null;
  const nonlocal = options.terms.filter((term): term is NonlocalQuarticTerm => term.kind === 'nonlocal-quartic');
  const kernelWidths = [...new Set(nonlocal.map((term) => term.kernelWidth))];
  if (kernelWidths.length > 1) throw new NnftError('E_UNSUPPORTED', 'non-local quartic terms with different kernel widths in one deformation');
  if (nonlocal.length > 0) {
    if (gridSize > 6000) throw new NnftError('E_UNSUPPORTED', `the non-local kernel on ${gridSize} grid points would need a ${gridSize}^2 matrix`, { hint: 'choose a coarser grid resolution' });
    kernelMatrix = gaussianKernelMatrix(grid, architecture.dimension, kernelWidths[0]!);
  }

  const evenInPhi = options.terms.every((term) => (term.kind === 'local' ? term.power % 2 === 0 : term.kind === 'hook' ? term.evenInPhi === true : true));

  // Local polynomial terms and the non-local quartic term have an exact linear response; hooks do not.
  const allLocal = options.terms.every((term) => term.kind === 'local' || term.kind === 'nonlocal-quartic');
  // Built on request (the grid's node list is large in d = 3).
  const localLogWeight = (): LocalLogWeight | null => {
    if (!allLocal) return null;
    const localTerms = options.terms.flatMap((term, index) => (term.kind === 'local' ? [{ power: term.power, coupling: term.coupling, wickConstant: term.wickOrdered ? wickValues[index]! : 0 }] : []));
    const nonlocalCoupling = nonlocal.reduce((sum, term) => sum + term.coupling, 0);
    return {
      nodes: Float64Array.from(gridPoints(grid).flat()),
      weights: Float64Array.from(grid.weights),
      terms: localTerms,
      modeCutoff: options.modeCutoff ?? null,
      ...(nonlocal.length > 0 ? { nonlocalQuartic: { coupling: nonlocalCoupling, matrix: gaussianKernelMatrix64(grid, architecture.dimension, kernelWidths[0]!) } } : {}),
    };
  };

  return {
    grid,
    evenInPhi,
    localLogWeight,
    local: allLocal,
    modeCutoff: options.modeCutoff ?? null,
    description: {
      ...(gridDescription.regionSide !== undefined ? { regionSide: gridDescription.regionSide } : {}),
      ...(gridDescription.lattice !== undefined ? { lattice: gridDescription.lattice } : {}),
      ...(options.modeCutoff !== undefined ? { modeCutoff: options.modeCutoff } : {}),
      grid: gridDescription.grid,
      terms: options.terms.map((term, index) =>
        term.kind === 'hook' ? { kind: 'hook', name: term.name } : term.kind === 'local' && term.wickOrdered ? { ...term, wickPropagatorAtZero: wickValues[index] } : term,
      ),
    },
    logWeights(arch: Architecture, chunk: ParameterChunk): tf.Tensor1D {
      const phi = arch.applyOnGrid(options.modeCutoff !== undefined ? belowModeCutoff(chunk, arch.dimension, options.modeCutoff) : chunk, grid);
      const gridWeights = tf.tensor2d(weights32, [gridSize, 1]);
      let total: tf.Tensor1D = tf.zeros([chunk.count]);
      options.terms.forEach((term, index) => {
        let contribution: tf.Tensor1D;
        if (term.kind === 'local') {
          let power: tf.Tensor2D;
          if (term.wickOrdered) {
            const g0 = wickValues[index]!;
            let previous: tf.Tensor2D = tf.onesLike(phi);
            let current: tf.Tensor2D = phi;
            for (let k = 1; k < term.power; k++) {
              const next: tf.Tensor2D = tf.sub(tf.mul(phi, current), tf.mul(previous, k * g0));
              previous = current;
              current = next;
            }
            power = term.power === 0 ? tf.onesLike(phi) : current;
          } else {
            // Repeated products, not tf.pow: on wasm pow is about 10x slower (7.2 ms against 0.6 ms
            // for 2,000 x 144 values, docs/performance.md), and the powers here are integers 1..8.
            power = phi;
            for (let k = 1; k < term.power; k++) power = tf.mul(power, phi);
          }
          contribution = tf.matMul(power, gridWeights).reshape([chunk.count]).mul(-term.coupling / factorial(term.power));
        } else if (term.kind === 'nonlocal-quartic') {
          const squared = tf.square(phi);
          const smeared = tf.matMul(squared, tf.tensor2d(kernelMatrix!, [gridSize, gridSize]));
          contribution = tf.sum(tf.mul(smeared, squared), 1).mul(-term.coupling / 24);
        } else {
          contribution = term.logWeight({ architecture: arch, chunk, grid, phiOnGrid: phi, gridWeights });
        }
        total = tf.add(total, contribution);
      });
      return total;
    },
  };
}
