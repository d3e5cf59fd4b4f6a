/**
 * The normalised, immutable description of a target theory. Every consumer (target correlators,
 * design, reconstruction) works from a Theory, never from the raw file, so defaults are decided in
 * exactly one place (normalise-target.ts).
 *
 * Conventions (docs/conventions.md): Euclidean, S = int 1/2 (grad phi)^2 + 1/2 m^2 phi^2
 * + sum_n (g_n/n!) int_V phi^n (+ non-local quartic terms), sharp isotropic cutoff |p| < Lambda;
 * or, with a lattice regulator, the nearest-neighbour action on a periodic hypercubic lattice
 * (docs/conventions.md, "Lattice regulator").
 */

export type Dimension = 1 | 2 | 3 | 4;
export type ConnectedOrder = 2 | 3 | 4 | 6;
export type CorrelatorMethod = 'auto' | 'perturbative' | 'spectral' | 'lattice' | 'data';

export interface LocalInteraction {
  readonly kind: 'local';
  /** n in (g/n!) int_V phi^n. */
  readonly power: number;
  readonly coupling: number;
  /** Wick-ordered with respect to the (regulated) free propagator: :phi^n:. */
  readonly wickOrdered: boolean;
}

export interface GaussianKernel {
  readonly kind: 'gaussian';
  /** Standard deviation s of K(r) = exp(-r^2/(2 s^2)) / (2 pi s^2)^(d/2), so that int K = 1. */
  readonly width: number;
}

export interface NonlocalQuarticInteraction {
  readonly kind: 'nonlocal-quartic';
  /** g in (g/4!) int int phi(x)^2 K(x-y) phi(y)^2. */
  readonly coupling: number;
  readonly kernel: GaussianKernel;
}

export type Interaction = LocalInteraction | NonlocalQuarticInteraction;

export interface BoxRegion {
  readonly kind: 'box';
  /** Side L of the box [-L/2, L/2]^d. */
  readonly side: number;
}

/**
 * A lattice regulator: the theory lives on the periodic hypercubic lattice (a Z)^d / (L a Z)^d with the
 * nearest-neighbour action S = a^d sum_x [ 1/2 sum_mu ((phi(x + a e_mu) - phi(x))/a)^2 + 1/2 m^2 phi^2
 * + sum_n (g_n/n!) phi^n ] (docs/conventions.md, "Lattice regulator"). The interaction acts on every site.
 */
export interface LatticeRegulator {
  readonly kind: 'lattice';
  /** Lattice spacing a. */
  readonly spacing: number;
  /** Sites per direction L (a power of two). */
  readonly sites: number;
  /** Boundary condition in every direction; only periodic exists. */
  readonly boundary: 'periodic';
}

/** Settings of the target-correlator computation. Only `method` is fixed by format version 1. */
export interface TargetCorrelatorSettings {
  readonly method: CorrelatorMethod;
  /** Extra method options as written in the file (validated by the method that reads them). */
  readonly options: Readonly<Record<string, unknown>>;
}

/** Options of `targetCorrelators` for method "spectral" (absent keys: the method chooses). */
export interface SpectralOptions {
  readonly basisSize?: number;
  readonly tolerance?: number;
}

/** Options of `targetCorrelators` for method "lattice" (absent keys: chosen from the target). */
export interface LatticeOptions {
  readonly spacing?: number;
  readonly sites?: number;
  readonly trajectories?: number;
  readonly thermalization?: number;
  readonly seed?: number;
}

/** One block of user-supplied connected correlators (the result shape of docs/correlators.md, "Result"). */
export interface DataCorrelatorBlock {
  readonly order: ConnectedOrder;
  readonly indices: readonly (readonly number[])[];
  readonly values: readonly number[];
  readonly stderr: readonly number[];
}

/**
 * Options of `targetCorrelators` for method "data". `file` is the path as written in the target
 * (relative to the target file); the loader reads it, so `correlators` always holds the blocks,
 * whether they were inline or in the file.
 */
export interface DataOptions {
  readonly file?: string;
  readonly correlators: readonly DataCorrelatorBlock[];
}

export interface Theory {
  readonly name: string;
  readonly description: string;
  readonly dimension: Dimension;
  readonly mass: number;
  readonly interactions: readonly Interaction[];
  /** Sharp momentum cutoff Lambda, or null for none. */
  readonly momentumCutoff: number | null;
  /** Region where interactions act; null means all of R^d. */
  readonly interactionRegion: BoxRegion | null;
  /**
   * The lattice the theory is defined on (then momentumCutoff and interactionRegion are null).
   * Absent: a continuum theory. Optional so that continuum Theory literals need not name it.
   */
  readonly lattice?: LatticeRegulator;
  readonly points: readonly (readonly number[])[];
  readonly connectedOrders: readonly ConnectedOrder[];
  readonly targetCorrelators: TargetCorrelatorSettings;
  /** Where the theory came from (for provenance in every output). */
  readonly source: { readonly file: string | null; readonly sha256: string | null };
}

export function isFree(theory: Theory): boolean {
  return theory.interactions.every((term) => term.coupling === 0);
}

/** The theory's lattice regulator, or null for a continuum theory. */
export function latticeRegulator(theory: Theory): LatticeRegulator | null {
  return theory.lattice ?? null;
}
