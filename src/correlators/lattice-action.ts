/**
 * The regulated lattice action S = S_free + S_int of a Theory, its force, and the Fourier transforms
 * the HMC dynamics run in (lattice-hmc.ts). The free part is diagonal in Fourier space (the
 * multipliers a^d omega_p); the local potential lives on the sites of the interaction region
 * (trapezoid weights on its edge) and non-local quartic terms smear phi^2 with a Gaussian kernel.
 */
import { fftNd } from '../numeric/fft.js';
import type { Theory } from '../theory/theory.js';
import { localPotential } from './polynomial-potential.js';
import { latticeLocalPotential } from './lattice-regulator.js';
import { siteCoordinate, type LatticeSetup } from './lattice-setup.js';

/** Real-field Fourier multiplier: Re F^{-1}[multiplier . F[field]]. */
export function fourierMultiply(setup: LatticeSetup, field: Float64Array, multiplier: Float64Array): Float64Array {
  const re = field.slice();
  const im = new Float64Array(field.length);
  fftNd(re, im, setup.sites, setup.dimension);
  for (let k = 0; k < re.length; k++) {
    re[k] = re[k]! * multiplier[k]!;
    im[k] = im[k]! * multiplier[k]!;
  }
  fftNd(re, im, setup.sites, setup.dimension, true);
  return re;
}

/** The action S = S_free + S_int and its gradient, on a periodic lattice. */
export class LatticeAction {
  readonly volumeElement: number;
  readonly regionWeight: Float64Array;
  readonly potential: number[];
  readonly nonlocal: { coupling: number; kernelHat: Float64Array }[];
  readonly freeMultiplier: Float64Array;
  readonly inverseMultiplier: Float64Array;
  readonly momentumMultiplier: Float64Array;

  constructor(
    readonly setup: LatticeSetup,
    theory: Theory,
  ) {
    const { dimension, sites, spacing, totalSites, omega, mask } = setup;
    this.volumeElement = spacing ** dimension;
    // A lattice target Wick-orders with respect to its own lattice G(0) (lattice-regulator.ts).
    this.potential = theory.lattice ? latticeLocalPotential(theory) : localPotential(theory, { skipNonlocal: true });
    this.regionWeight = new Float64Array(totalSites);
    const half = theory.interactionRegion ? theory.interactionRegion.side / 2 : Infinity;
    for (let flat = 0; flat < totalSites; flat++) {
      let remainder = flat;
      let weight = 1;
      for (let axis = dimension - 1; axis >= 0; axis--) {
        const coordinate = Math.abs(siteCoordinate(remainder % sites, sites, spacing));
        remainder = Math.floor(remainder / sites);
        // Trapezoid weights: a site exactly on the region's edge counts half.
        if (coordinate > half + 1e-9 * spacing) weight = 0;
        else if (Math.abs(coordinate - half) <= 1e-9 * spacing) weight *= 0.5;
      }
      this.regionWeight[flat] = weight;
    }
    this.freeMultiplier = omega.map((w, k) => this.volumeElement * w * mask[k]!);
    this.inverseMultiplier = omega.map((w, k) => (mask[k] ? 1 / (this.volumeElement * w) : 0));
    this.momentumMultiplier = omega.map((w, k) => (mask[k] ? Math.sqrt(this.volumeElement * w) : 0));
    this.nonlocal = [];
    for (const term of theory.interactions) {
      if (term.kind !== 'nonlocal-quartic' || term.coupling === 0) continue;
      const width = term.kernel.width;
      const kernel = new Float64Array(totalSites);
      const normalisation = (2 * Math.PI * width * width) ** (-dimension / 2);
      for (let flat = 0; flat < totalSites; flat++) {
        let remainder = flat;
        let squared = 0;
        for (let axis = dimension - 1; axis >= 0; axis--) {
          squared += siteCoordinate(remainder % sites, sites, spacing) ** 2;
          remainder = Math.floor(remainder / sites);
        }
        kernel[flat] = normalisation * Math.exp(-squared / (2 * width * width));
      }
      const im = new Float64Array(totalSites);
      fftNd(kernel, im, sites, dimension);
      this.nonlocal.push({ coupling: term.coupling, kernelHat: kernel });
    }
  }

  private potentialValue(phi: number): number {
    let value = 0;
    for (let k = this.potential.length - 1; k >= 0; k--) value = value * phi + this.potential[k]!;
    return value;
  }

  private potentialDerivative(phi: number): number {
    let value = 0;
    for (let k = this.potential.length - 1; k >= 1; k--) value = value * phi + k * this.potential[k]!;
    return value;
  }

  /** (K * (w phi^2)) for each non-local term. */
  private smearedSquares(field: Float64Array): Float64Array[] {
    return this.nonlocal.map(({ kernelHat }) => {
      const squares = field.map((value, x) => this.regionWeight[x]! * value * value);
      return fourierMultiply(this.setup, squares, kernelHat);
    });
  }

  /** S_int of a real-space field (local potential over the region, plus non-local terms). */
  interactionAction(field: Float64Array): number {
    let total = 0;
    for (let x = 0; x < field.length; x++) {
      if (this.regionWeight[x]) total += this.volumeElement * this.regionWeight[x]! * this.potentialValue(field[x]!);
    }
    const smeared = this.smearedSquares(field);
    this.nonlocal.forEach(({ coupling }, term) => {
      let sum = 0;
      for (let x = 0; x < field.length; x++) sum += this.regionWeight[x]! * field[x]! ** 2 * smeared[term]![x]!;
      total += (coupling / 24) * this.volumeElement ** 2 * sum;
    });
    return total;
  }

  /** dS_int/dphi_x in real space (not yet projected onto the modes that exist). */
  interactionForce(field: Float64Array): Float64Array {
    const interaction = new Float64Array(field.length);
    for (let x = 0; x < field.length; x++) {
      if (this.regionWeight[x]) interaction[x] = this.volumeElement * this.regionWeight[x]! * this.potentialDerivative(field[x]!);
    }
    const smeared = this.smearedSquares(field);
    this.nonlocal.forEach(({ coupling }, term) => {
      for (let x = 0; x < field.length; x++) {
        interaction[x] = interaction[x]! + (coupling / 6) * this.volumeElement ** 2 * this.regionWeight[x]! * field[x]! * smeared[term]![x]!;
      }
    });
    return interaction;
  }

  /** (1/(2 N^d)) sum_k multiplier_k |f_k|^2: a quadratic form evaluated in Fourier space (Parseval). */
  fourierQuadratic(hat: FourierField, multiplier: Float64Array): number {
    let sum = 0;
    for (let k = 0; k < multiplier.length; k++) sum += multiplier[k]! * (hat.re[k]! ** 2 + hat.im[k]! ** 2);
    return (0.5 * sum) / multiplier.length;
  }

  /** Fourier transform of the full force A phi + P dS_int/dphi, from phi in both representations. */
  forceHat(fieldHat: FourierField, field: Float64Array): FourierField {
    const re = this.interactionForce(field);
    const im = new Float64Array(re.length);
    fftNd(re, im, this.setup.sites, this.setup.dimension);
    const mask = this.setup.mask;
    for (let k = 0; k < re.length; k++) {
      re[k] = this.freeMultiplier[k]! * fieldHat.re[k]! + mask[k]! * re[k]!;
      im[k] = this.freeMultiplier[k]! * fieldHat.im[k]! + mask[k]! * im[k]!;
    }
    return { re, im };
  }
}

export interface FourierField {
  re: Float64Array;
  im: Float64Array;
}

export function forward(setup: LatticeSetup, field: Float64Array): FourierField {
  const re = field.slice();
  const im = new Float64Array(field.length);
  fftNd(re, im, setup.sites, setup.dimension);
  return { re, im };
}

export function backward(setup: LatticeSetup, hat: FourierField): Float64Array {
  const re = hat.re.slice();
  const im = hat.im.slice();
  fftNd(re, im, setup.sites, setup.dimension, true);
  return re;
}
