/**
 * Lattice Monte Carlo of the regulated action: `computeLattice` sets the run up, drives hybrid Monte
 * Carlo trajectories through the common driver (src/numeric/driver.ts, docs/ensemble.md "The
 * driver") and analyses what they measured. The pieces, one job each:
 *   lattice-setup.ts       the lattice (spacing, sites, modes) and its exact free propagator;
 *   lattice-action.ts      S = S_free + S_int, its force, and the Fourier transforms;
 *   lattice-hmc.ts         one trajectory as a Stepper on one explicit state (HmcState);
 *   lattice-checkpoint.ts  that state as the checkpoint file, checked before a resume;
 *   lattice-measure.ts     image-averaged moments of phi at the points, per configuration;
 *   lattice-time-slice.ts  the zero-momentum time-slice correlator C(t), per configuration;
 *   lattice-analysis.ts    cumulants with jackknife errors over bins longer than the
 *                          integrated autocorrelation time (at most MAX_JACKKNIFE_BINS bins).
 * Every block carries its delete-one-bin replicates, so the covariance of any values follows.
 */
import { NnftError } from '../errors.js';
import { drive, yieldToEventLoop } from '../numeric/driver.js';
import type { CorrelatorBlock, TimeSliceCorrelator } from '../io/result.js';
import type { EventSink } from '../io/events.js';
import type { Theory } from '../theory/theory.js';
import { analysePotential } from '../theory/method-support.js';
import { latticeFreePropagator, latticeSetup } from './lattice-setup.js';
import { freePropagator } from './free-propagator.js';
import { distanceBetween } from './free-method.js';
import { analyseTimeSlice, timeSliceWidth } from './lattice-time-slice.js';
import { LatticeAction } from './lattice-action.js';
import { buildReads, momentCatalogue } from './lattice-measure.js';
import { analyse } from './lattice-analysis.js';
import { hmcStepper, initialHmcState, type HmcRun } from './lattice-hmc.js';
import { configKeyFor, latticeCheckpoint, stateFromCheckpoint, type LatticeCheckpoint } from './lattice-checkpoint.js';

export { MAX_JACKKNIFE_BINS } from './lattice-analysis.js';
export { latticeFreePropagator, latticeSetup, type LatticeSetup } from './lattice-setup.js';
export { LatticeAction, backward, forward, type FourierField } from './lattice-action.js';
export type { LatticeCheckpoint } from './lattice-checkpoint.js';

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
  const pointCount = theory.points.length;
  const catalogue = momentCatalogue(pointCount, Math.max(...theory.connectedOrders));
  const reads = buildReads(setup, theory, options.maxImages ?? 256);
  const imagesPerMeasurement = reads.images.length * reads.translations.length;
  const totalTrajectories = thermalization + trajectories;
  const run: HmcRun = { theory, setup, action, seed, thermalization, totalTrajectories, reads, catalogue };

  const configKey = configKeyFor(theory, setup, seed, thermalization);
  const rowWidth = catalogue.tuples.length + timeSliceWidth(setup);
  const start = options.resume
    ? stateFromCheckpoint(options.resume, { configKey, totalSites: setup.totalSites, rowWidth, ...(options.resumeFile ? { file: options.resumeFile } : {}) }, action)
    : initialHmcState(run);
  const firstTrajectory = start.nextTrajectory;
  if (options.resume) emit({ type: 'info', message: `resuming the lattice run at trajectory ${firstTrajectory}` });
  const started = performance.now();
  const progressEvery = Math.max(1, Math.floor(totalTrajectories / 20));
  const onCheckpoint = options.onCheckpoint;
  const { state, stop } = await drive(hmcStepper(run), start, {
    task: 'the lattice HMC',
    nonFiniteHint: 'the checkpoint\'s field overflows the action: delete the checkpoint file to start afresh',
    signal: options.signal,
    ...(onCheckpoint ? { checkpoint: (now) => onCheckpoint(latticeCheckpoint(now, configKey)), checkpointEverySeconds: options.checkpointEverySeconds ?? 30, checkpointOnStop: true } : {}),
    afterStep: async (now) => {
      const done = now.nextTrajectory;
      if (done % progressEvery !== 0 && done !== totalTrajectories) return;
      const elapsed = (performance.now() - started) / 1000;
      const measured = Math.max(0, done - thermalization);
      emit({
        type: 'progress',
        task: 'lattice HMC',
        done,
        total: totalTrajectories,
        message: done <= thermalization ? `thermalising (${now.leapfrogSteps} leapfrog steps)` : `acceptance ${(now.accepted / Math.max(1, measured)).toFixed(2)}`,
        etaSeconds: (elapsed / (done - firstTrajectory)) * (totalTrajectories - done),
      });
      // Let timers and signals (Ctrl-C, AbortSignal.timeout) run during long runs.
      await yieldToEventLoop();
    },
  });
  const stoppedEarly = stop === 'aborted';
  const { measurements, leapfrogSteps, accepted } = state;
  if (measurements.length < 8 && stoppedEarly) {
    // Interrupted before there is anything to report: say so (exit 130), not "not converged".
    throw new NnftError('E_INTERRUPTED', `interrupted during the lattice run after ${measurements.length} measured trajectories (at least 8 are needed for error bars)`, {
      hint: options.onCheckpoint ? 'its checkpoint was saved: rerun with the same --checkpoint file to continue' : 'rerun with --checkpoint FILE to be able to continue an interrupted run',
    });
  }
  if (measurements.length < 8) {
    throw new NnftError('E_NOT_CONVERGED', `lattice run stopped after ${measurements.length} measured trajectories; at least 8 are needed for error bars`);
  }
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
