/**
 * The periodic lattice that regulates a Theory for Monte Carlo, and its exact free propagator.
 *
 * With a sharp cutoff Lambda the field is band-limited: only Fourier modes |p| < Lambda exist, with
 * the continuum kinetic term p^2 + m^2, so the free part is the target's regulated theory in a
 * periodic box and fields can be evaluated anywhere by Fourier interpolation. The spacing keeps the
 * local interaction's Riemann sum alias-free (a < 2 pi / (n Lambda) for phi^n). Without a cutoff
 * (d = 1) the standard nearest-neighbour action (4/a^2) sin^2(pa/2) + m^2 regulates, with O(a^2)
 * discretisation bias, and points must sit on sites (the spacing is chosen so that they do).
 * A target with a lattice regulator (theory.lattice) is that nearest-neighbour theory itself: its
 * spacing and sites are used as they are, and there is no discretisation bias to state
 * (docs/conventions.md, "Lattice regulator").
 */
import { NnftError } from '../errors.js';
import { isPowerOfTwo } from '../numeric/fft.js';
import type { Theory } from '../theory/theory.js';
import { MAX_LATTICE_SITES } from '../theory/check-semantics.js';

export interface LatticeSetupOptions {
  spacing?: number;
  /** Sites per axis (a power of two). */
  sites?: number;
  /** Largest total number of sites chosen automatically (default 2^16). */
  maxTotalSites?: number;
}

export interface LatticeSetup {
  readonly dimension: number;
  readonly sites: number;
  readonly spacing: number;
  readonly totalSites: number;
  /** 'sharp-cutoff' (band-limited, continuum p^2) or 'nearest-neighbour' (lattice Laplacian). */
  readonly regulator: 'sharp-cutoff' | 'nearest-neighbour';
  /** p^2 + m^2 (or its lattice form) per Fourier index (row-major like the sites). */
  readonly omega: Float64Array;
  /** 1 for modes that exist, 0 for modes above the cutoff. */
  readonly mask: Float64Array;
  /** Whether every point lies on a site (else fields are Fourier-interpolated). */
  readonly pointsOnSites: boolean;
  readonly notes: string[];
}

/** Coordinate of index n along an axis: 0..N/2-1 -> n a, N/2..N-1 -> (n - N) a (origin at index 0). */
export function siteCoordinate(index: number, sites: number, spacing: number): number {
  return (index < sites / 2 ? index : index - sites) * spacing;
}

/** Momentum of Fourier index k: 2 pi k' / (N a) with k' the signed index. */
export function modeMomentum(index: number, sites: number, spacing: number): number {
  return (2 * Math.PI * (index < sites / 2 ? index : index - sites)) / (sites * spacing);
}

/** Largest q such that every coordinate is an integer multiple of q (to 1e-9), or 0 if all are 0. */
function commonGrid(values: readonly number[]): number {
  const unit = 1e-6;
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  let g = 0;
  for (const value of values) {
    const scaled = Math.round(Math.abs(value) / unit);
    if (Math.abs(scaled * unit - Math.abs(value)) > 1e-9) return NaN;
    g = gcd(g, scaled);
  }
  return g * unit;
}

function highestPower(theory: Theory): number {
  let power = 2;
  for (const term of theory.interactions) if (term.coupling !== 0) power = Math.max(power, term.kind === 'local' ? term.power : 4);
  return power;
}

/** The target's own lattice (theory.lattice); a different spacing or site count is refused. */
function regulatorLattice(theory: Theory, options: LatticeSetupOptions): LatticeSetupOptions {
  const lattice = theory.lattice!;
  for (const key of ['spacing', 'sites'] as const) {
    if (options[key] !== undefined && options[key] !== lattice[key]) {
      throw new NnftError('E_USAGE', `the lattice ${key} ${options[key]} differs from the target's regulator.lattice.${key} ${lattice[key]}`, {
        issues: [{ path: `targetCorrelators.${key}`, message: `must be omitted or equal regulator.lattice.${key}`, severity: 'error' }],
        hint: 'Monte Carlo of a lattice target runs on the target\'s own lattice: omit the setting',
      });
    }
  }
  return { spacing: lattice.spacing, sites: lattice.sites };
}

export function latticeSetup(theory: Theory, requested: LatticeSetupOptions = {}): LatticeSetup {
  const options = theory.lattice ? regulatorLattice(theory, requested) : requested;
  const dimension = theory.dimension;
  const mass = theory.mass;
  const cutoff = theory.momentumCutoff;
  const notes: string[] = [];
  const regulator = cutoff === null ? 'nearest-neighbour' : 'sharp-cutoff';
  const coordinates = theory.points.flat();
  const reach = Math.max(0, ...coordinates.map((c) => Math.abs(c)));
  // Spacing: resolve the mass, and with a cutoff keep the phi^n integral alias-free and Lambda < pi/a.
  let spacing = options.spacing;
  if (spacing === undefined) {
    let target = cutoff === null ? 0.1 / mass : Math.min((0.98 * 2 * Math.PI) / (highestPower(theory) * cutoff), 0.95 * (Math.PI / cutoff), 0.5 / mass);
    // Put the points on sites when that costs at most a factor 2 in spacing (the nearest-neighbour
    // action needs it; with a cutoff it only saves Fourier interpolation).
    const grid = commonGrid(coordinates);
    if (Number.isFinite(grid) && grid > 0) {
      const aligned = grid / Math.ceil(grid / target - 1e-9);
      if (aligned >= 0.5 * target || regulator === 'nearest-neighbour') target = aligned;
    }
    spacing = target;
  }
  if (!(spacing > 0)) throw new NnftError('E_SEMANTIC', `lattice spacing must be positive, got ${spacing}`, { issues: [{ path: 'targetCorrelators.spacing', message: 'must be positive' }] });
  if (cutoff !== null && cutoff >= Math.PI / spacing) {
    throw new NnftError('E_SEMANTIC', `lattice spacing ${spacing} cannot represent the cutoff ${cutoff}: need spacing < pi / Lambda = ${(Math.PI / cutoff).toPrecision(4)}`, {
      issues: [{ path: 'targetCorrelators.spacing', message: `must be below pi / Lambda = ${(Math.PI / cutoff).toPrecision(4)}` }],
    });
  }
  if (cutoff !== null && spacing > (2 * Math.PI) / (highestPower(theory) * cutoff)) {
    notes.push(`spacing ${spacing} is above the alias-free bound 2 pi/(n Lambda) = ${((2 * Math.PI) / (highestPower(theory) * cutoff)).toPrecision(3)} for phi^${highestPower(theory)}: the lattice sum of the interaction aliases high momenta`);
  }
  let sites = options.sites;
  if (sites === undefined) {
    // Length: the region (or the points) plus a margin of several correlation lengths per side.
    const regionSide = theory.interactionRegion?.side ?? 0;
    // Periodic images shift G by ~2d G(L - extent): a margin of 4/m (box) keeps that near 1e-4 of G(0).
    const margin = theory.interactionRegion ? 4 / mass : 12 / mass;
    const required = Math.max(regionSide, 2 * reach) + margin;
    sites = 2 ** Math.ceil(Math.log2(Math.max(4, required / spacing)));
    const maxTotal = options.maxTotalSites ?? 2 ** 16;
    while (sites ** dimension > maxTotal && sites > 4) sites /= 2;
    if (sites * spacing < required) notes.push(`lattice length ${(sites * spacing).toPrecision(4)} is below the ${required.toPrecision(4)} wanted for negligible finite-volume effects (site budget)`);
  }
  if (!isPowerOfTwo(sites) || sites < 4) {
    throw new NnftError('E_SEMANTIC', `lattice sites per axis must be a power of two >= 4, got ${sites}`, { issues: [{ path: 'targetCorrelators.sites', message: 'must be a power of two >= 4' }] });
  }
  if (2 * reach >= sites * spacing) {
    throw new NnftError('E_SEMANTIC', `the points span more than the periodic lattice (length ${(sites * spacing).toPrecision(4)})`, { hint: 'increase targetCorrelators.sites or spacing' });
  }
  const totalSites = sites ** dimension;
  // Refuse before allocating: the fields of a larger lattice do not fit (MAX_LATTICE_SITES).
  if (!(totalSites <= MAX_LATTICE_SITES)) {
    throw new NnftError('E_SEMANTIC', `a lattice of ${sites}^${dimension} = ${totalSites} sites is more than the limit of 2^24 = ${MAX_LATTICE_SITES} sites`, {
      issues: [{ path: 'targetCorrelators.sites', message: `${sites} sites per direction in d = ${dimension} is too many`, severity: 'error' }],
      hint: `use at most ${2 ** Math.floor(Math.log2(MAX_LATTICE_SITES) / dimension)} sites per direction (targetCorrelators.sites), a larger spacing, or omit sites to let nnft choose`,
    });
  }
  const omega = new Float64Array(totalSites);
  const mask = new Float64Array(totalSites);
  for (let flat = 0; flat < totalSites; flat++) {
    let remainder = flat;
    let momentumSquared = 0;
    let latticeSquared = 0;
    for (let axis = dimension - 1; axis >= 0; axis--) {
      const index = remainder % sites;
      remainder = Math.floor(remainder / sites);
      const p = modeMomentum(index, sites, spacing);
      momentumSquared += p * p;
      latticeSquared += (4 / (spacing * spacing)) * Math.sin((p * spacing) / 2) ** 2;
    }
    if (regulator === 'sharp-cutoff') {
      omega[flat] = momentumSquared + mass * mass;
      mask[flat] = momentumSquared < cutoff! * cutoff! ? 1 : 0;
    } else {
      omega[flat] = latticeSquared + mass * mass;
      mask[flat] = 1;
    }
  }
  const pointsOnSites = coordinates.every((c) => Math.abs(c / spacing - Math.round(c / spacing)) < 1e-9);
  if (!pointsOnSites && regulator === 'nearest-neighbour') {
    notes.push('some points are not on lattice sites; the nearest site is used');
  }
  return { dimension, sites, spacing, totalSites, regulator, omega, mask, pointsOnSites, notes };
}

/** Exact free propagator of the lattice theory: (1/(N a)^d) sum_modes cos(p.x) / omega_p. */
export function latticeFreePropagator(setup: LatticeSetup, separation: readonly number[]): number {
  const { dimension, sites, spacing, totalSites, omega, mask } = setup;
  let total = 0;
  for (let flat = 0; flat < totalSites; flat++) {
    if (mask[flat] === 0) continue;
    let remainder = flat;
    let phase = 0;
    for (let axis = dimension - 1; axis >= 0; axis--) {
      const index = remainder % sites;
      remainder = Math.floor(remainder / sites);
      phase += modeMomentum(index, sites, spacing) * (separation[axis] ?? 0);
    }
    total += Math.cos(phase) / omega[flat]!;
  }
  return total / (sites * spacing) ** dimension;
}
