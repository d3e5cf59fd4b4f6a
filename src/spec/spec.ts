/**
 * The ensemble spec, format version 1 (`"nnftSpec": 1`, schema/spec.schema.json): an architecture with
 * its base parameter density, optional deformations, and the observables. The design issue extends
 * this format; version 1 files stay valid.
 */
export const SPEC_VERSION = 1;

export interface AmplitudeSpec {
  readonly law: 'gaussian' | 'fixed' | 'kurtosis';
  readonly kurtosis?: number;
  readonly scale?: number;
}

export interface CosNetSpec {
  readonly kind: 'cos-net';
  readonly width: number;
  readonly mass: number;
  readonly momentumCutoff: number | null;
  readonly alpha?: number;
  readonly amplitude?: AmplitudeSpec;
  readonly sharedScale?: { readonly kind: 'lognormal'; readonly logStd: number };
  /**
   * Default independent; stratified: neuron i draws its momentum inside its own cell; quadrature: fixed
   * nodes (architectures/stratified-momenta.ts); split: fixed nodes below splitMomentum, stratified
   * cells above (d = 1 without a cutoff; architectures/split-momenta.ts).
   */
  readonly momentumSampling?: 'independent' | 'stratified' | 'quadrature' | 'split' | 'lattice';
  /**
   * momentumSampling "lattice" only (required there): the periodic lattice whose Brillouin zone the
   * momenta lie on, P(k) ∝ 1/(m^2 + p_lat^2) (architectures/lattice-cos-net.ts); G2 at its sites is the
   * lattice propagator at every width. momentumCutoff is null, alpha 0.
   */
  readonly lattice?: { readonly spacing: number; readonly sites: number };
  /** momentumSampling "split" only (required there): the momentum below which neurons sit on fixed nodes. */
  readonly splitMomentum?: number;
  /**
   * momentumSampling "split" with Gaussian amplitude pairs only: the box-local mass term
   * exp(-(coupling/2) int_box phi_low^2) drawn exactly into the fixed nodes' law (architectures/box-mass.ts).
   */
  readonly boxMass?: { readonly side: number; readonly coupling: number };
}

export interface HiddenLayerNetSpec {
  readonly kind: 'gauss-net' | 'erf-net' | 'relu-net';
  readonly width: number;
  readonly weightStd?: number;
  readonly biasStd?: number;
  readonly outputStd?: number;
}

export type ArchitectureSpec = CosNetSpec | HiddenLayerNetSpec;

export type DeformationTermSpec =
  | { readonly kind: 'local'; readonly power: number; readonly coupling: number; readonly wickOrdered?: boolean; readonly wickPropagatorAtZero?: number }
  | { readonly kind: 'nonlocal-quartic'; readonly coupling: number; readonly kernel: { readonly kind: 'gaussian'; readonly width: number } };

/**
 * Where the deformation acts: the centred box [-side/2, side/2]^d (a quadrature grid), or every site
 * of the architecture's lattice (kind "lattice": the sum a^d sum_x; `side` never set).
 */
export type DeformationRegionSpec = { readonly kind: 'box'; readonly side: number } | { readonly kind: 'lattice'; readonly side?: undefined };

export interface DeformationSpec {
  readonly region: DeformationRegionSpec;
  readonly terms: readonly DeformationTermSpec[];
  readonly grid?: { readonly panels: number; readonly nodesPerPanel: number };
  readonly resolvedMomentum?: number;
  /** The deformation sees only neurons with |p| < modeCutoff (the field keeps every neuron). */
  readonly modeCutoff?: number;
}

export interface EstimationSpec {
  readonly ensembleSize?: number;
  readonly seed?: number;
  readonly chunkSize?: number;
  readonly batches?: number;
  readonly controlVariate?: 'auto' | 'on' | 'off';
  readonly symmetryImages?: 'auto' | 'none' | 'reflection';
  readonly minEssFraction?: number;
  readonly mcmc?: 'auto' | 'off';
  readonly translations?: readonly (readonly number[])[];
}

export interface NnftSpec {
  readonly $schema?: string;
  readonly nnftSpec: typeof SPEC_VERSION;
  readonly name: string;
  readonly description?: string;
  readonly dimension: 1 | 2 | 3 | 4;
  readonly architecture: ArchitectureSpec;
  readonly deformation?: DeformationSpec;
  readonly observables: { readonly points: readonly (readonly number[])[]; readonly connected: readonly (2 | 3 | 4 | 6)[] };
  readonly estimation?: EstimationSpec;
  readonly provenance?: Readonly<Record<string, unknown>>;
}
