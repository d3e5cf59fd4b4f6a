/**
 * Exact free correlators and first-order perturbation theory of a target with a lattice regulator
 * (theory.lattice): the nearest-neighbour action on the periodic lattice (a Z)^d / (L a Z)^d,
 * docs/conventions.md, "Lattice regulator".
 *
 * Free propagator (the inverse of a^d (-Laplacian + m^2), the lattice Laplacian with periodic ends):
 *   G(x) = (1/(L a)^d) sum_k e^{i k.x} / (m^2 + p^2(k)),   p^2(k) = sum_mu (4/a^2) sin^2(k_mu a/2),
 *   k_mu = 2 pi n_mu / (L a), n_mu = 0..L-1,
 * tabulated at every site separation with one inverse FFT.
 *
 * First order in every local coupling, with lattice sums for the integrals: a term (g/n!) a^d sum_z phi^n
 * (or its Wick-ordered form, with respect to the lattice G(0)) adds to the connected k-point function
 * (k <= n, n - k even, j = (n - k)/2 self-contractions at the vertex, none if Wick-ordered)
 *   G_ck(x_1..x_k) += -g (G(0)/2)^j / j! a^d sum_z prod_i G(x_i - z),
 * the same diagram as the continuum (src/correlators/perturbative.ts) with the vertex summed over every
 * site. Sums are exact (rounding only), so every error is 0.
 */
import { NnftError } from '../errors.js';
import { fftNd, isPowerOfTwo } from '../numeric/fft.js';
import { factorial } from '../numeric/special-functions.js';
import { indexTuples, type CorrelatorBlock } from '../io/result.js';
import type { LatticeRegulator, Theory } from '../theory/theory.js';
import { wickOrderedPower, type PolynomialCoefficients } from './polynomial-potential.js';

/** Most (tuples x sites x order) products a first-order lattice computation does before refusing. */
export const MAX_LATTICE_SUM_TERMS = 2e9;

/** The lattice momentum squared p^2 = (4/a^2) sin^2(k a/2) of Fourier index n along one axis (k = 2 pi n/(L a)). */
export function latticeMomentumSquared(index: number, sites: number, spacing: number): number {
  return (4 / (spacing * spacing)) * Math.sin((Math.PI * index) / sites) ** 2;
}

/**
 * The free lattice propagator at every site separation, row-major over L^d sites (index n_mu = x_mu/a
 * mod L), for the squared mass m^2 (> 0).
 */
export function latticePropagatorTable(dimension: number, massSquared: number, lattice: Pick<LatticeRegulator, 'spacing' | 'sites'>): Float64Array {
  const { spacing, sites } = lattice;
  if (!isPowerOfTwo(sites)) throw new NnftError('E_INTERNAL', `lattice sites ${sites} is not a power of two`);
  if (!(massSquared > 0)) throw new NnftError('E_UNSUPPORTED', `the free lattice propagator needs m^2 > 0 (got ${massSquared}): the zero mode diverges`);
  const total = sites ** dimension;
  const axis = Float64Array.from({ length: sites }, (_, n) => latticeMomentumSquared(n, sites, spacing));
  const re = new Float64Array(total);
  const im = new Float64Array(total);
  for (let flat = 0; flat < total; flat++) {
    let remainder = flat;
    let omega = massSquared;
    for (let mu = 0; mu < dimension; mu++) {
      omega += axis[remainder % sites]!;
      remainder = Math.floor(remainder / sites);
    }
    re[flat] = 1 / omega;
  }
  // fftNd's inverse carries 1/L^d; G needs 1/(L a)^d, so scale by 1/a^d.
  fftNd(re, im, sites, dimension, true);
  const scale = spacing ** -dimension;
  for (let flat = 0; flat < total; flat++) re[flat] = re[flat]! * scale;
  return re;
}

/** Flat index of the site separation (x - y)/a (mod L) in a propagator table. */
export function separationIndex(left: readonly number[], right: readonly number[], lattice: Pick<LatticeRegulator, 'spacing' | 'sites'>): number {
  const { spacing, sites } = lattice;
  let flat = 0;
  for (let mu = 0; mu < left.length; mu++) {
    const steps = Math.round((left[mu]! - right[mu]!) / spacing);
    flat = flat * sites + (((steps % sites) + sites) % sites);
  }
  return flat;
}

function requireLattice(theory: Theory): LatticeRegulator {
  if (!theory.lattice) throw new NnftError('E_INTERNAL', 'a lattice computation was asked of a continuum theory');
  return theory.lattice;
}

/** The lattice free propagator at zero separation, G(0), of the target's free part. */
export function latticePropagatorAtZero(theory: Theory): number {
  return latticePropagatorTable(theory.dimension, theory.mass ** 2, requireLattice(theory))[0]!;
}

/**
 * U(phi) of the local interactions, with Wick ordering taken with respect to the lattice G(0) (the
 * lattice counterpart of polynomial-potential.ts's localPotential): coefficients c_k of sum_k c_k phi^k.
 */
export function latticeLocalPotential(theory: Theory): PolynomialCoefficients {
  const zero = theory.interactions.some((term) => term.kind === 'local' && term.wickOrdered && term.coupling !== 0) ? latticePropagatorAtZero(theory) : 0;
  const coefficients: number[] = [0];
  for (const [index, term] of theory.interactions.entries()) {
    if (term.coupling === 0) continue;
    if (term.kind !== 'local') throw new NnftError('E_UNSUPPORTED', `interaction ${index} (${term.kind}) is not available with a lattice regulator`);
    const base = term.wickOrdered ? wickOrderedPower(term.power, zero) : Array.from({ length: term.power + 1 }, (_, k) => (k === term.power ? 1 : 0));
    const scale = term.coupling / factorial(term.power);
    for (let k = 0; k < base.length; k++) coefficients[k] = (coefficients[k] ?? 0) + scale * base[k]!;
  }
  while (coefficients.length > 1 && coefficients[coefficients.length - 1] === 0) coefficients.pop();
  return coefficients;
}

/** The first-order coefficient of a_d sum_z prod G at k external legs, summed over the local terms. */
function vertexCoefficient(theory: Theory, legs: number, zero: number): number {
  let total = 0;
  for (const term of theory.interactions) {
    if (term.kind !== 'local' || term.coupling === 0) continue;
    const n = term.power;
    if (legs > n || (n - legs) % 2 !== 0) continue;
    const j = (n - legs) / 2;
    if (term.wickOrdered && j > 0) continue;
    total += -term.coupling * (zero / 2) ** j / factorial(j);
  }
  return total;
}

/** a^d sum_z prod_i G(x_i - z) over every site z, from the propagator table. */
function vertexSum(table: Float64Array, sites: readonly Int32Array[], lattice: LatticeRegulator, dimension: number): number {
  const total = table.length;
  const L = lattice.sites;
  let sum = 0;
  const z = new Int32Array(dimension);
  for (let flat = 0; flat < total; flat++) {
    let remainder = flat;
    for (let mu = dimension - 1; mu >= 0; mu--) {
      z[mu] = remainder % L;
      remainder = Math.floor(remainder / L);
    }
    let product = 1;
    for (const x of sites) {
      let index = 0;
      for (let mu = 0; mu < dimension; mu++) index = index * L + ((x[mu]! - z[mu]! + L) % L);
      product *= table[index]!;
    }
    sum += product;
  }
  return sum * lattice.spacing ** dimension;
}

export interface LatticePerturbativeResult {
  correlators: CorrelatorBlock[];
  /** The lattice G(0) the tadpoles and Wick ordering use. */
  propagatorAtZero: number;
  /** Sites every vertex sum runs over (L^d). */
  vertexSites: number;
  caveat: string;
}

/** Site indices (0..L-1 per axis) of every point. */
function pointSites(theory: Theory, lattice: LatticeRegulator): Int32Array[] {
  return theory.points.map((point) => Int32Array.from(point, (coordinate) => ((Math.round(coordinate / lattice.spacing) % lattice.sites) + lattice.sites) % lattice.sites));
}

/** Correlators of a Gaussian lattice theory: G_c2 = the lattice propagator, higher orders 0; exact. */
export function computeLatticeFree(theory: Theory): CorrelatorBlock[] {
  const lattice = requireLattice(theory);
  const table = latticePropagatorTable(theory.dimension, gaussianMassSquared(theory), lattice);
  return theory.connectedOrders.map((order) => {
    const indices = indexTuples(theory.points.length, order);
    const values = indices.map((tuple) => (order === 2 ? table[separationIndex(theory.points[tuple[0]!]!, theory.points[tuple[1]!]!, lattice)]! : 0));
    return { order, indices, values, stderr: values.map(() => 0) };
  });
}

/**
 * The squared mass of a Gaussian lattice theory: m^2 plus the power-2 couplings (a power-2 term is a
 * mass shift, and Wick ordering it only adds a constant). Refuses a theory with any other active term.
 */
export function gaussianMassSquared(theory: Theory): number {
  let massSquared = theory.mass ** 2;
  for (const term of theory.interactions) {
    if (term.coupling === 0) continue;
    if (term.kind !== 'local' || term.power !== 2) throw new NnftError('E_INTERNAL', 'the exact lattice propagator is the answer of a Gaussian theory only');
    massSquared += term.coupling;
  }
  return massSquared;
}

/** First-order perturbation theory of a lattice theory, with lattice sums for every vertex integral. */
export function computeLatticePerturbative(theory: Theory): LatticePerturbativeResult {
  const lattice = requireLattice(theory);
  const table = latticePropagatorTable(theory.dimension, theory.mass ** 2, lattice);
  const zero = table[0]!;
  const sites = pointSites(theory, lattice);
  const work = theory.connectedOrders.reduce((sum, order) => sum + indexTuples(theory.points.length, order).length * order, 0) * table.length;
  if (work > MAX_LATTICE_SUM_TERMS) {
    throw new NnftError('E_RESOURCE', `first-order lattice sums need ${work.toExponential(1)} products, more than the ${MAX_LATTICE_SUM_TERMS.toExponential(0)} nnft does`, {
      hint: 'use fewer points, fewer sites, or drop the highest connected order',
    });
  }
  const correlators = theory.connectedOrders.map((order) => {
    const indices = indexTuples(theory.points.length, order);
    const coefficient = vertexCoefficient(theory, order, zero);
    const values = indices.map((tuple) => {
      const free = order === 2 ? table[separationIndex(theory.points[tuple[0]!]!, theory.points[tuple[1]!]!, lattice)]! : 0;
      return coefficient === 0 ? free : free + coefficient * vertexSum(table, tuple.map((i) => sites[i]!), lattice, theory.dimension);
    });
    return { order, indices, values, stderr: values.map(() => 0) };
  });
  return {
    correlators,
    propagatorAtZero: zero,
    vertexSites: table.length,
    caveat: 'first order in the couplings on the lattice (vertex sums over every site, exact); O(g^2) terms are not included',
  };
}
