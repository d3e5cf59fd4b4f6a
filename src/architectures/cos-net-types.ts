/**
 * The cos-net's types apart from its implementation (cos-net.ts), so the exact-moment modules can
 * name a CosNet without importing the module that calls them.
 */
import type { Dimension } from '../theory/theory.js';
import type { AlphaMomentumDensity } from './alpha-momentum-density.js';
import type { AmplitudeLaw } from './amplitude-law.js';
import type { Architecture } from './architecture.js';
import type { BoxMass } from './box-mass.js';
import type { MomentumSampling, MomentumStrategy } from './momentum-strategy.js';

export interface SharedScale {
  readonly kind: 'lognormal';
  /** sigma_s in s = exp(sigma_s z - sigma_s^2); E[s^2] = 1, E[s^4] = exp(4 sigma_s^2). */
  readonly logStd: number;
}

export interface CosNetOptions {
  readonly dimension: Dimension;
  readonly width: number;
  readonly mass: number;
  /** Sharp momentum cutoff Lambda or null. */
  readonly cutoff: number | null;
  /** Default 0 (momenta from the propagator, constant amplitude); -1 is the founding paper's form. */
  readonly alpha?: number;
  /** Default Gaussian. */
  readonly amplitude?: AmplitudeLaw;
  /** sigma_a, default 1 (then G2 is exactly the free propagator). */
  readonly amplitudeScale?: number;
  readonly sharedScale?: SharedScale | null;
  /** Default independent; stratified gives neuron i its own cell of the density (stratified-momenta.ts). */
  readonly momentumSampling?: MomentumSampling;
  /** Floats of the grid pass's per-network factors formed at once (default 64 Mi: 256 MB). */
  readonly gridSliceFloats?: number;
  /** momentumSampling "split": the momentum below which neurons sit on fixed nodes (split-momenta.ts). */
  readonly splitMomentum?: number;
  /** Split momenta with Gaussian amplitude pairs only: a box mass term drawn exactly into the nodes' law (box-mass.ts). */
  readonly boxMass?: BoxMass | null;
}

export interface CosNet extends Architecture {
  readonly kind: 'cos-net';
  readonly options: Required<Omit<CosNetOptions, 'sharedScale' | 'gridSliceFloats' | 'splitMomentum' | 'boxMass'>> & { sharedScale: SharedScale | null; splitMomentum: number | null; boxMass: BoxMass | null };
  readonly momentumDensity: AlphaMomentumDensity;
  readonly kurtosis: number;
  /** How the neurons get their momenta (the draw and the cell moments of the exact moments). */
  readonly momenta: MomentumStrategy;
}
