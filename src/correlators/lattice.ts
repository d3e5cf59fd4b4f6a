/**
 * Lattice Monte Carlo of the regulated action by hybrid Monte Carlo with Fourier acceleration:
 * the momentum "mass matrix" is the free quadratic form A (a^d (p^2 + m^2) per mode), so every free
 * mode oscillates with period 2 pi and a trajectory of length ~pi/2 decorrelates the free field
 * completely; the interaction only perturbs this. Trajectory lengths are jittered, the step count is
 * tuned during thermalisation (then frozen, for detailed balance), every draw comes from the seed tree.
 *
 * Measurements average the products of phi at the points over symmetry images (lattice translations
 * when the interaction fills space, reflections when it is confined to the centred box), and errors
 * are jackknife errors over bins longer than the measured integrated autocorrelation time (at most
 * MAX_JACKKNIFE_BINS bins); every block carries its delete-one-bin replicates, so the covariance of
 * any values follows. Every configuration also measures the zero-momentum time-slice correlator C(t)
 * over whole slices (lattice-time-slice.ts), binned alike. Setup and biases: lattice-setup.ts.
 */
import { NnftError } from '../errors.js';
import { fftNd } from '../numeric/fft.js';
import { Rng } from '../random/rng.js';
import { indexTuples, type CorrelatorBlock } from '../io/result.js';
import type { EventSink } from '../io/events.js';
import type { Theory } from '../theory/theory.js';
import { analysePotential } from '../theory/method-support.js';
import { localPotential } from './polynomial-potential.js';
import { latticeLocalPotential } from './lattice-regulator.js';
import { jointCumulant } from './cumulants.js';
import { integratedAutocorrelationTime } from './autocorrelation.js';
import { latticeFreePropagator, latticeSetup, modeMomentum, siteCoordinate, type LatticeSetup } from './lattice-setup.js';
import { freePropagator } from './free-propagator.js';
import { distanceBetween } from './free-method.js';
import { analyseTimeSlice, measureTimeSlice, timeSliceWidth } from './lattice-time-slice.js';
import type { TimeSliceCorrelator } from '../io/result.js';

/** Most jackknife bins (and replicates per value) of a lattice run: longer bins beyond that. */
export const MAX_JACKKNIFE_BINS = 100;

export { latticeFreePropagator, latticeSetup, type LatticeSetup } from './lattice-setup.js';

export interface LatticeRunOptions {
  spacing?: number;
  sites?: number;
  /** Measured trajectories after thermalisation (default 4000). */
  trajectories?: number;
  /** Trajectories discarded first, also used to tune the step count (default 200). */
  thermalization?: number;
  seed?: number;
  onEvent?: EventSink;
  signal?: AbortSignal;
  /** Largest number of symmetry images averaged per measurement (default 256). */
  maxImages?: number;
  /** Continue a stopped run (same theory, lattice, seed and thermalisation; more trajectories is fine). */
  resume?: LatticeCheckpoint;
  /** The checkpoint's file as the user named it, for messages. */
  resumeFile?: string;
  /** Receives the run state every `checkpointEverySeconds` and when the run stops early. */
  onCheckpoint?: (checkpoint: LatticeCheckpoint) => void | Promise<void>;
  checkpointEverySeconds?: number;
}

/**
 * Everything needed to continue a lattice run exactly where it stopped. Each trajectory draws from
 * its own seed-tree stream, so a resumed run gives the same numbers as an uninterrupted one.
 */
export interface LatticeCheckpoint {
  nnftLatticeCheckpoint: 1;
  /** Identifies theory, lattice, seed and thermalisation; a mismatch refuses the resume. */
  configKey: string;
  nextTrajectory: number;
  field: number[];
  /** The field's Fourier transform as evolved (recomputing it would differ in the last bits). */
  fieldHat: { re: number[]; im: number[] };
  leapfrogSteps: number;
  accepted: number;
  tuning: { acceptance: number; count: number };
  measurements: number[][];
}

function configKeyFor(theory: Theory, setup: LatticeSetup, seed: number, thermalization: number): string {
  return JSON.stringify({
    dimension: theory.dimension,
    mass: theory.mass,
    interactions: theory.interactions,
    cutoff: theory.momentumCutoff,
    region: theory.interactionRegion,
    points: theory.points,
    orders: theory.connectedOrders,
    sites: setup.sites,
    spacing: setup.spacing,
    seed,
    thermalization,
    // A lattice target Wick-orders with its lattice G(0): not the continuum theory on the same lattice.
    ...(theory.lattice ? { latticeRegulator: true } : {}),
  });
}

export interface LatticeResult {
  correlators: CorrelatorBlock[];
  lattice: { dimension: number; sites: number; spacing: number; length: number; regulator: string; pointsOnSites: boolean };
  seed: number;
  acceptance: number;
  thermalization: number;
  trajectories: number;
  leapfrogSteps: number;
  autocorrelationTime: number;
  binSize: number;
  bins: number;
  imagesPerMeasurement: number;
  /** Largest |lattice free propagator - continuum free propagator| at the point separations. */
  freeFieldBias: number;
  /** C(t) = a^(d-1) sum_x G_c2((t,x),(0,0)) over whole periodic slices, with replicates and covariance. */
  timeSlice: TimeSliceCorrelator;
  stoppedEarly: boolean;
  caveats: string[];
}

/** Real-field Fourier multiplier: Re F^{-1}[multiplier . F[field]]. */
function fourierMultiply(setup: LatticeSetup, field: Float64Array, multiplier: Float64Array): Float64Array {
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

/** The field translated by a continuum offset (exact for band-limited fields): f(x + offset) at the sites. */
function shiftedField(setup: LatticeSetup, field: Float64Array, offset: readonly number[]): Float64Array {
  const { sites, spacing, dimension } = setup;
  const re = field.slice();
  const im = new Float64Array(field.length);
  fftNd(re, im, sites, dimension);
  for (let flat = 0; flat < re.length; flat++) {
    let remainder = flat;
    let phase = 0;
    for (let axis = dimension - 1; axis >= 0; axis--) {
      const index = remainder % sites;
      remainder = Math.floor(remainder / sites);
      phase += modeMomentum(index, sites, spacing) * offset[axis]!;
    }
    const c = Math.cos(phase);
    const s = Math.sin(phase);
    const r = re[flat]!;
    const i = im[flat]!;
    re[flat] = r * c - i * s;
    im[flat] = r * s + i * c;
  }
  fftNd(re, im, sites, dimension, true);
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

function buildReads(setup: LatticeSetup, theory: Theory, maxImages: number): { offsets: number[][]; images: { field: number; site: number[] }[][]; translations: number[][] } {
  const { dimension, sites, spacing } = setup;
  // Symmetries of the centred box (and of the lattice): signed permutations of the axes. With the
  // interaction on all of space, translations (below) are the images instead.
  const transforms: { sign: number[]; permutation: number[] }[] = [];
  const permutations: number[][] = [];
  const permute = (prefix: number[], rest: number[]): void => {
    if (rest.length === 0) permutations.push(prefix);
    rest.forEach((axis, i) => permute([...prefix, axis], [...rest.slice(0, i), ...rest.slice(i + 1)]));
  };
  permute([], Array.from({ length: dimension }, (_, axis) => axis));
  for (const permutation of theory.interactionRegion ? permutations : [permutations[0]!]) {
    for (let mask = 0; mask < (theory.interactionRegion ? 2 ** dimension : 1); mask++) {
      transforms.push({ permutation, sign: Array.from({ length: dimension }, (_, axis) => ((mask >> axis) & 1 ? -1 : 1)) });
    }
  }
  const offsets: number[][] = [];
  const offsetKey = new Map<string, number>();
  const images: { field: number; site: number[] }[][] = [];
  // Off-site points need one Fourier shift per distinct offset: stop adding images past 16 of them.
  const maxOffsets = 16;
  for (const { sign, permutation } of transforms) {
    if (images.length >= maxImages) break;
    const pending = new Map(offsetKey);
    const pendingOffsets = offsets.slice();
    const reads = theory.points.map((point) => {
      const site: number[] = [];
      const offset: number[] = [];
      for (let axis = 0; axis < dimension; axis++) {
        const coordinate = sign[axis]! * point[permutation[axis]!]!;
        const nearest = Math.round(coordinate / spacing);
        site.push(((nearest % sites) + sites) % sites);
        offset.push(setup.regulator === 'sharp-cutoff' ? coordinate - nearest * spacing : 0);
      }
      const key = offset.map((value) => (Math.abs(value) < 1e-12 ? 0 : value).toFixed(12)).join(',');
      let field = pending.get(key);
      if (field === undefined) {
        field = pendingOffsets.length;
        pending.set(key, field);
        pendingOffsets.push(offset);
      }
      return { field, site };
    });
    if (pendingOffsets.length > maxOffsets && images.length > 0) continue;
    images.push(reads);
    for (const [key, field] of pending) offsetKey.set(key, field);
    offsets.length = 0;
    offsets.push(...pendingOffsets);
  }
  const translations: number[][] = [];
  if (theory.interactionRegion) translations.push(new Array(dimension).fill(0));
  else {
    // A regular sub-lattice of translations, at most maxImages of them.
    let stride = 1;
    while ((sites / stride) ** dimension > maxImages) stride *= 2;
    const perAxis = sites / stride;
    for (let flat = 0; flat < perAxis ** dimension; flat++) {
      let remainder = flat;
      const shift: number[] = new Array(dimension).fill(0);
      for (let axis = dimension - 1; axis >= 0; axis--) {
        shift[axis] = (remainder % perAxis) * stride;
        remainder = Math.floor(remainder / perAxis);
      }
      translations.push(shift);
    }
  }
  return { offsets, images, translations };
}

/** All multisets of point indices of sizes 1..maxOrder, with the index of each one's prefix. */
function momentCatalogue(pointCount: number, maxOrder: number): { tuples: number[][]; prefix: Int32Array; last: Int32Array; index: Map<string, number> } {
  const tuples: number[][] = [];
  const index = new Map<string, number>();
  for (let order = 1; order <= maxOrder; order++) {
    for (const tuple of indexTuples(pointCount, order)) {
      index.set(tuple.join(','), tuples.length);
      tuples.push(tuple);
    }
  }
  const prefix = new Int32Array(tuples.length);
  const last = new Int32Array(tuples.length);
  tuples.forEach((tuple, t) => {
    prefix[t] = tuple.length === 1 ? -1 : index.get(tuple.slice(0, -1).join(','))!;
    last[t] = tuple[tuple.length - 1]!;
  });
  return { tuples, prefix, last, index };
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function computeLattice(theory: Theory, options: LatticeRunOptions = {}): Promise<LatticeResult> {
  if (!analysePotential(theory).boundedBelow) {
    throw new NnftError('E_UNSUPPORTED', 'lattice Monte Carlo needs a potential bounded below (exp(-S) must be normalisable)');
  }
  const setup = latticeSetup(theory, { spacing: options.spacing, sites: options.sites });
  const emit = options.onEvent ?? (() => {});
  const seed = options.seed ?? 1;
  const thermalization = options.thermalization ?? 200;
  const trajectories = options.trajectories ?? 4000;
  const action = new LatticeAction(setup, theory);
  const caveats = [...setup.notes];
  const { totalSites } = setup;
  const pointCount = theory.points.length;
  const maxOrder = Math.max(...theory.connectedOrders);
  const catalogue = momentCatalogue(pointCount, maxOrder);
  const reads = buildReads(setup, theory, options.maxImages ?? 256);
  const imagesPerMeasurement = reads.images.length * reads.translations.length;

  // Start from an exact sample of the free theory (Fourier modes are independent Gaussians).
  const startRng = Rng.fromTree(seed, 'lattice/start', 0);
  const white = new Float64Array(totalSites);
  startRng.fillNormal(white);
  let field = fourierMultiply(setup, white, action.inverseMultiplier.map((value) => Math.sqrt(value)));
  let fieldHat = forward(setup, field);
  // The dynamics run in Fourier space, where the kinetic term and the drift are diagonal; only the
  // interaction force needs the real-space field (two FFTs per leapfrog step).
  const totalAction = (hat: FourierField, real: Float64Array): number => action.fourierQuadratic(hat, action.freeMultiplier) + action.interactionAction(real);
  let currentAction = totalAction(fieldHat, field);
  let currentForce = action.forceHat(fieldHat, field);

  let leapfrogSteps = 8;
  let accepted = 0;
  let recentAccepted = 0;
  let recentCount = 0;
  let measurements: Float64Array[] = [];
  let firstTrajectory = 0;
  const configKey = configKeyFor(theory, setup, seed, thermalization);
  if (options.resume) {
    const saved = options.resume;
    const rowWidth = catalogue.tuples.length + timeSliceWidth(setup);
    if (saved.nnftLatticeCheckpoint !== 1 || saved.configKey !== configKey || saved.field.length !== totalSites || saved.measurements.some((row) => row.length !== rowWidth)) {
      throw new NnftError('E_USAGE', 'the lattice checkpoint belongs to a different theory, lattice, seed or thermalisation', {
        ...(options.resumeFile
          ? {
              file: options.resumeFile,
              issues: [
                saved.configKey !== configKey
                  ? { path: 'configKey', message: 'differs from the run given now', severity: 'error' as const }
                  : saved.field.length !== totalSites
                    ? { path: 'field', message: `has ${saved.field.length} sites, the lattice has ${totalSites}`, severity: 'error' as const }
                    : { path: 'measurements', message: `rows have ${saved.measurements[0]?.length} entries, this version measures ${rowWidth} (correlators and C(t)): the checkpoint is from an older nnft`, severity: 'error' as const },
              ],
            }
          : {}),
        hint: 'delete the checkpoint file to start afresh, or run with the settings that wrote it',
      });
    }
    field = Float64Array.from(saved.field);
    fieldHat = { re: Float64Array.from(saved.fieldHat.re), im: Float64Array.from(saved.fieldHat.im) };
    currentAction = totalAction(fieldHat, field);
    currentForce = action.forceHat(fieldHat, field);
    leapfrogSteps = saved.leapfrogSteps;
    accepted = saved.accepted;
    recentAccepted = saved.tuning.acceptance;
    recentCount = saved.tuning.count;
    measurements = saved.measurements.map((row) => Float64Array.from(row));
    firstTrajectory = saved.nextTrajectory;
    emit({ type: 'info', message: `resuming the lattice run at trajectory ${firstTrajectory}` });
  }
  const checkpoint = (nextTrajectory: number): LatticeCheckpoint => ({
    nnftLatticeCheckpoint: 1,
    configKey,
    nextTrajectory,
    field: Array.from(field),
    fieldHat: { re: Array.from(fieldHat.re), im: Array.from(fieldHat.im) },
    leapfrogSteps,
    accepted,
    tuning: { acceptance: recentAccepted, count: recentCount },
    measurements: measurements.map((row) => Array.from(row)),
  });
  const checkpointEvery = (options.checkpointEverySeconds ?? 30) * 1000;
  let lastCheckpoint = performance.now();
  const totalTrajectories = thermalization + trajectories;
  const started = performance.now();
  let stoppedEarly = false;
  const progressEvery = Math.max(1, Math.floor(totalTrajectories / 20));
  let lastYield = performance.now();

  for (let trajectory = firstTrajectory; trajectory < totalTrajectories; trajectory++) {
    if (options.signal?.aborted) {
      stoppedEarly = true;
      if (options.onCheckpoint) await options.onCheckpoint(checkpoint(trajectory));
      break;
    }
    if (options.onCheckpoint && performance.now() - lastCheckpoint > checkpointEvery) {
      await options.onCheckpoint(checkpoint(trajectory));
      lastCheckpoint = performance.now();
    }
    const rng = Rng.fromTree(seed, 'lattice/hmc', trajectory);
    const noise = new Float64Array(totalSites);
    rng.fillNormal(noise);
    const momentum = forward(setup, noise);
    for (let k = 0; k < totalSites; k++) {
      momentum.re[k] = momentum.re[k]! * action.momentumMultiplier[k]!;
      momentum.im[k] = momentum.im[k]! * action.momentumMultiplier[k]!;
    }
    const startEnergy = action.fourierQuadratic(momentum, action.inverseMultiplier) + currentAction;
    const length = (Math.PI / 2) * (0.8 + 0.4 * rng.uniform());
    const step = length / leapfrogSteps;
    const proposalHat: FourierField = { re: fieldHat.re.slice(), im: fieldHat.im.slice() };
    let proposal = field;
    let force = currentForce;
    for (let s = 0; s < leapfrogSteps; s++) {
      for (let k = 0; k < totalSites; k++) {
        momentum.re[k] = momentum.re[k]! - 0.5 * step * force.re[k]!;
        momentum.im[k] = momentum.im[k]! - 0.5 * step * force.im[k]!;
        proposalHat.re[k] = proposalHat.re[k]! + step * action.inverseMultiplier[k]! * momentum.re[k]!;
        proposalHat.im[k] = proposalHat.im[k]! + step * action.inverseMultiplier[k]! * momentum.im[k]!;
      }
      proposal = backward(setup, proposalHat);
      force = action.forceHat(proposalHat, proposal);
      for (let k = 0; k < totalSites; k++) {
        momentum.re[k] = momentum.re[k]! - 0.5 * step * force.re[k]!;
        momentum.im[k] = momentum.im[k]! - 0.5 * step * force.im[k]!;
      }
    }
    const proposalAction = totalAction(proposalHat, proposal);
    const deltaEnergy = action.fourierQuadratic(momentum, action.inverseMultiplier) + proposalAction - startEnergy;
    const accept = deltaEnergy <= 0 || rng.uniform() < Math.exp(-deltaEnergy);
    if (accept) {
      field = proposal;
      fieldHat = proposalHat;
      currentAction = proposalAction;
      currentForce = force;
    }
    if (trajectory < thermalization) {
      // Tune on the mean acceptance probability (less noisy than accept counts); only lengthen in the
      // second half, so thermalisation ends at a step count that is not too coarse.
      recentAccepted += Math.min(1, Math.exp(-deltaEnergy));
      recentCount += 1;
      if (recentCount === 20) {
        const rate = recentAccepted / recentCount;
        if (rate < 0.8) leapfrogSteps = Math.min(200, Math.ceil(leapfrogSteps * 1.3));
        else if (rate > 0.97 && leapfrogSteps > 4 && trajectory < thermalization / 2) leapfrogSteps = Math.max(4, Math.floor(leapfrogSteps * 0.85));
        recentAccepted = 0;
        recentCount = 0;
      }
    } else {
      accepted += accept ? 1 : 0;
      const row = new Float64Array(catalogue.tuples.length + timeSliceWidth(setup));
      row.set(measure(setup, field, reads, catalogue));
      measureTimeSlice(setup, field, theory.interactionRegion === null, row, catalogue.tuples.length);
      measurements.push(row);
    }
    if (performance.now() - lastYield > 100) {
      // Let timers and signals (Ctrl-C, AbortSignal.timeout) run during long runs.
      await yieldToEventLoop();
      lastYield = performance.now();
    }
    if ((trajectory + 1) % progressEvery === 0 || trajectory + 1 === totalTrajectories) {
      const elapsed = (performance.now() - started) / 1000;
      const done = trajectory + 1;
      const doneHere = done - firstTrajectory;
      const measured = Math.max(0, done - thermalization);
      emit({
        type: 'progress',
        task: 'lattice HMC',
        done,
        total: totalTrajectories,
        message: done <= thermalization ? `thermalising (${leapfrogSteps} leapfrog steps)` : `acceptance ${(accepted / Math.max(1, measured)).toFixed(2)}`,
        etaSeconds: (elapsed / doneHere) * (totalTrajectories - done),
      });
      await yieldToEventLoop();
    }
  }
  if (measurements.length < 8 && stoppedEarly) {
    // Interrupted before there is anything to report: say so (exit 130), not "not converged".
    throw new NnftError('E_INTERRUPTED', `interrupted during the lattice run after ${measurements.length} measured trajectories (at least 8 are needed for error bars)`, {
      hint: options.onCheckpoint ? 'its checkpoint was saved: rerun with the same --checkpoint file to continue' : 'rerun with --checkpoint FILE to be able to continue an interrupted run',
    });
  }
  if (measurements.length < 8) {
    throw new NnftError('E_NOT_CONVERGED', `lattice run stopped after ${measurements.length} measured trajectories; at least 8 are needed for error bars`);
  }
  if (!stoppedEarly && options.onCheckpoint) await options.onCheckpoint(checkpoint(totalTrajectories));
  if (stoppedEarly) caveats.push(`stopped early after ${measurements.length} of ${trajectories} measured trajectories`);
  const analysis = analyse(measurements, catalogue, theory);
  const timeSlice = analyseTimeSlice(setup, measurements, catalogue.tuples.length, analysis.binSize, analysis.bins, theory.interactionRegion === null);
  if (analysis.bins < 20) caveats.push(`only ${analysis.bins} jackknife bins (autocorrelation time ${analysis.tau.toFixed(1)}): errors are themselves uncertain`);
  const acceptance = accepted / measurements.length;
  if (acceptance < 0.5) caveats.push(`low HMC acceptance ${acceptance.toFixed(2)}`);
  let freeFieldBias = 0;
  // A lattice target is the lattice theory itself: no continuum to be biased against.
  const pairs = theory.lattice ? 0 : pointCount;
  for (let i = 0; i < pairs; i++)
    for (let j = i; j < pairs; j++) {
      const separation = theory.points[i]!.map((c, axis) => c - theory.points[j]![axis]!);
      const distance = distanceBetween(theory.points[i]!, theory.points[j]!);
      if (distance === 0 && theory.momentumCutoff === null && theory.dimension > 1) continue;
      freeFieldBias = Math.max(freeFieldBias, Math.abs(latticeFreePropagator(setup, separation) - freePropagator(theory.dimension, theory.mass, theory.momentumCutoff, distance)));
    }
  if (!theory.lattice) caveats.push(`discretisation and finite-volume bias of the free part is ${freeFieldBias.toExponential(1)} (lattice minus continuum propagator); it is not included in the statistical errors`);
  return {
    correlators: analysis.blocks,
    lattice: { dimension: setup.dimension, sites: setup.sites, spacing: setup.spacing, length: setup.sites * setup.spacing, regulator: setup.regulator, pointsOnSites: setup.pointsOnSites },
    seed,
    acceptance,
    thermalization,
    trajectories: measurements.length,
    leapfrogSteps,
    autocorrelationTime: analysis.tau,
    binSize: analysis.binSize,
    bins: analysis.bins,
    imagesPerMeasurement,
    freeFieldBias,
    timeSlice,
    stoppedEarly,
    caveats,
  };
}

/** Image-averaged products of phi at the points for every multiset up to the highest order. */
function measure(
  setup: LatticeSetup,
  field: Float64Array,
  reads: ReturnType<typeof buildReads>,
  catalogue: ReturnType<typeof momentCatalogue>,
): Float64Array {
  const { sites, dimension } = setup;
  const fields = reads.offsets.map((offset) => (offset.every((value) => value === 0) ? field : shiftedField(setup, field, offset)));
  const moments = new Float64Array(catalogue.tuples.length);
  const products = new Float64Array(catalogue.tuples.length);
  const values = new Float64Array(reads.images[0]!.length);
  for (const image of reads.images) {
    for (const shift of reads.translations) {
      image.forEach((read, point) => {
        let flat = 0;
        for (let axis = 0; axis < dimension; axis++) flat = flat * sites + ((read.site[axis]! + shift[axis]!) % sites);
        values[point] = fields[read.field]![flat]!;
      });
      for (let t = 0; t < products.length; t++) {
        const prefix = catalogue.prefix[t]!;
        products[t] = (prefix < 0 ? 1 : products[prefix]!) * values[catalogue.last[t]!]!;
        moments[t] = moments[t]! + products[t]!;
      }
    }
  }
  const count = reads.images.length * reads.translations.length;
  for (let t = 0; t < moments.length; t++) moments[t] = moments[t]! / count;
  return moments;
}

/** Cumulants with jackknife errors over bins longer than the autocorrelation time. */
function analyse(measurements: Float64Array[], catalogue: ReturnType<typeof momentCatalogue>, theory: Theory) {
  const count = measurements.length;
  const width = catalogue.tuples.length;
  // Autocorrelation of the second moments (and the first fourth moment): the slowest drives the binning.
  let tau = 0.5;
  catalogue.tuples.forEach((tuple, t) => {
    if (tuple.length === 2 || (tuple.length === 4 && tuple.every((index) => index === 0))) {
      tau = Math.max(tau, integratedAutocorrelationTime(measurements.map((m) => m[t]!)));
    }
  });
  let binSize = Math.max(1, Math.ceil(2 * tau), Math.ceil(count / MAX_JACKKNIFE_BINS));
  if (Math.floor(count / binSize) < 16) binSize = Math.max(1, Math.floor(count / 16));
  const bins = Math.floor(count / binSize);
  const used = bins * binSize;
  const binSums: Float64Array[] = [];
  const total = new Float64Array(width);
  for (let b = 0; b < bins; b++) {
    const sums = new Float64Array(width);
    for (let i = b * binSize; i < (b + 1) * binSize; i++) for (let t = 0; t < width; t++) sums[t] = sums[t]! + measurements[i]![t]!;
    binSums.push(sums);
    for (let t = 0; t < width; t++) total[t] = total[t]! + sums[t]!;
  }
  const cumulantsFrom = (means: Float64Array): number[][] => {
    const moment = (indices: readonly number[]): number => means[catalogue.index.get(indices.join(','))!]!;
    return theory.connectedOrders.map((order) => indexTuples(theory.points.length, order).map((tuple) => jointCumulant(tuple, moment)));
  };
  const fullMeans = total.map((value) => value / used);
  const central = cumulantsFrom(fullMeans);
  const leaveOneOut = binSums.map((sums) => cumulantsFrom(total.map((value, t) => (value - sums[t]!) / (used - binSize))));
  const blocks: CorrelatorBlock[] = theory.connectedOrders.map((order, b) => {
    const indices = indexTuples(theory.points.length, order);
    const values = central[b]!;
    // delete-one-bin replicates per value; the same bins for every block (and for C(t))
    const replicates = values.map((_, i) => leaveOneOut.map((sample) => sample[b]![i]!));
    const stderr = replicates.map((row) => {
      const mean = row.reduce((sum, value) => sum + value, 0) / bins;
      const variance = row.reduce((sum, value) => sum + (value - mean) ** 2, 0);
      return Math.sqrt(((bins - 1) / bins) * variance);
    });
    return { order, indices, values, stderr, replicates };
  });
  return { blocks, tau, binSize, bins };
}
