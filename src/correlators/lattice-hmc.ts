/**
 * Hybrid Monte Carlo with Fourier acceleration as a Stepper (src/numeric/driver.ts; docs/ensemble.md,
 * "The driver"): one step is one trajectory, and HmcState is the whole run, so the state is the
 * checkpoint (lattice-checkpoint.ts) and a resumed run continues exactly.
 *
 * The momentum "mass matrix" is the free quadratic form A (a^d (p^2 + m^2) per mode), so every free
 * mode oscillates with period 2 pi and a trajectory of length ~pi/2 decorrelates the free field
 * completely; the interaction only perturbs this. Trajectory lengths are jittered, the leapfrog step
 * count is tuned during thermalisation (then frozen, for detailed balance), and trajectory t draws
 * from its own seed-tree stream ('lattice/hmc', t). After thermalisation every trajectory appends one
 * measurement row: the image-averaged moments (lattice-measure.ts), then C(t) (lattice-time-slice.ts).
 */
import { Rng } from '../random/rng.js';
import type { Stepper } from '../numeric/driver.js';
import type { Theory } from '../theory/theory.js';
import { backward, forward, fourierMultiply, type FourierField, type LatticeAction } from './lattice-action.js';
import type { LatticeSetup } from './lattice-setup.js';
import { measure, type LatticeReads, type MomentCatalogue } from './lattice-measure.js';
import { measureTimeSlice, timeSliceWidth } from './lattice-time-slice.js';

/** Everything a lattice run is at one moment; its checkpoint form is LatticeCheckpoint. */
export interface HmcState {
  /** Trajectories run so far (thermalisation included): the index of the next one. */
  nextTrajectory: number;
  field: Float64Array;
  /** The field's Fourier transform as evolved (recomputing it would differ in the last bits). */
  fieldHat: FourierField;
  leapfrogSteps: number;
  /** Accepted measured trajectories. */
  accepted: number;
  /** Sum of acceptance probabilities and count in the current tuning window of 20 trajectories. */
  tuning: { acceptance: number; count: number };
  /** One row per measured trajectory: moments of the catalogue, then C(t). */
  measurements: Float64Array[];
  /** S at the field, and the Fourier transform of its force: derived from field and fieldHat. */
  action: number;
  force: FourierField;
}

/** What every trajectory of one run shares (fixed by the theory, the lattice and the settings). */
export interface HmcRun {
  theory: Theory;
  setup: LatticeSetup;
  action: LatticeAction;
  seed: number;
  thermalization: number;
  totalTrajectories: number;
  reads: LatticeReads;
  catalogue: MomentCatalogue;
}

/** S = S_free + S_int, the free part in Fourier space (Parseval), the interaction on the sites. */
export function totalAction(action: LatticeAction, hat: FourierField, real: Float64Array): number {
  return action.fourierQuadratic(hat, action.freeMultiplier) + action.interactionAction(real);
}

/** A state at `field` (both representations) with its action and force computed. */
export function stateAt(action: LatticeAction, field: Float64Array, fieldHat: FourierField, rest: Omit<HmcState, 'field' | 'fieldHat' | 'action' | 'force'>): HmcState {
  return { ...rest, field, fieldHat, action: totalAction(action, fieldHat, field), force: action.forceHat(fieldHat, field) };
}

/** The start: an exact sample of the free theory (its Fourier modes are independent Gaussians). */
export function initialHmcState(run: HmcRun): HmcState {
  const { setup, action } = run;
  const white = new Float64Array(setup.totalSites);
  Rng.fromTree(run.seed, 'lattice/start', 0).fillNormal(white);
  const field = fourierMultiply(setup, white, action.inverseMultiplier.map((value) => Math.sqrt(value)));
  return stateAt(action, field, forward(setup, field), { nextTrajectory: 0, leapfrogSteps: 8, accepted: 0, tuning: { acceptance: 0, count: 0 }, measurements: [] });
}

/** One trajectory: leapfrog in Fourier space, Metropolis accept, tune or measure. Updates `state`. */
function trajectory(run: HmcRun, state: HmcState): HmcState {
  const { setup, action, thermalization } = run;
  const { totalSites } = setup;
  const index = state.nextTrajectory;
  const rng = Rng.fromTree(run.seed, 'lattice/hmc', index);
  const noise = new Float64Array(totalSites);
  rng.fillNormal(noise);
  const momentum = forward(setup, noise);
  for (let k = 0; k < totalSites; k++) {
    momentum.re[k] = momentum.re[k]! * action.momentumMultiplier[k]!;
    momentum.im[k] = momentum.im[k]! * action.momentumMultiplier[k]!;
  }
  const startEnergy = action.fourierQuadratic(momentum, action.inverseMultiplier) + state.action;
  const length = (Math.PI / 2) * (0.8 + 0.4 * rng.uniform());
  const step = length / state.leapfrogSteps;
  // The dynamics run in Fourier space, where the kinetic term and the drift are diagonal; only the
  // interaction force needs the real-space field (two FFTs per leapfrog step).
  const proposalHat: FourierField = { re: state.fieldHat.re.slice(), im: state.fieldHat.im.slice() };
  let proposal = state.field;
  let force = state.force;
  for (let s = 0; s < state.leapfrogSteps; s++) {
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
  const proposalAction = totalAction(action, proposalHat, proposal);
  const deltaEnergy = action.fourierQuadratic(momentum, action.inverseMultiplier) + proposalAction - startEnergy;
  const accept = deltaEnergy <= 0 || rng.uniform() < Math.exp(-deltaEnergy);
  if (accept) {
    state.field = proposal;
    state.fieldHat = proposalHat;
    state.action = proposalAction;
    state.force = force;
  }
  if (index < thermalization) {
    // Tune on the mean acceptance probability (less noisy than accept counts); only lengthen in the
    // second half, so thermalisation ends at a step count that is not too coarse.
    state.tuning.acceptance += Math.min(1, Math.exp(-deltaEnergy));
    state.tuning.count += 1;
    if (state.tuning.count === 20) {
      const rate = state.tuning.acceptance / state.tuning.count;
      if (rate < 0.8) state.leapfrogSteps = Math.min(200, Math.ceil(state.leapfrogSteps * 1.3));
      else if (rate > 0.97 && state.leapfrogSteps > 4 && index < thermalization / 2) state.leapfrogSteps = Math.max(4, Math.floor(state.leapfrogSteps * 0.85));
      state.tuning = { acceptance: 0, count: 0 };
    }
  } else {
    state.accepted += accept ? 1 : 0;
    const row = new Float64Array(run.catalogue.tuples.length + timeSliceWidth(setup));
    row.set(measure(setup, state.field, run.reads, run.catalogue));
    measureTimeSlice(setup, state.field, run.theory.interactionRegion === null, row, run.catalogue.tuples.length);
    state.measurements.push(row);
  }
  state.nextTrajectory = index + 1;
  return state;
}

export function hmcStepper(run: HmcRun): Stepper<HmcState> {
  return {
    totalSteps: run.totalTrajectories,
    stepsDone: (state) => state.nextTrajectory,
    step: (state) => trajectory(run, state),
    // A run never accepts a non-finite action (Delta H is then NaN or +Infinity), so one comes only
    // from its start (a checkpoint's field that overflows S): the Metropolis test is then
    // meaningless, and the run stops with E_NUMERIC instead of measuring on.
    nonFinite: (state) => (Number.isFinite(state.action) ? null : `the lattice action S[phi] (${state.action})`),
  };
}
