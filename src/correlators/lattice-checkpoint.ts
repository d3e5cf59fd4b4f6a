/**
 * The lattice checkpoint (`nnft target --method lattice --checkpoint FILE`): the HMC state
 * (lattice-hmc.ts HmcState) as JSON, less what follows from the field (its action and force), with
 * the key of the run that wrote it. Writing and reading it here is all a resume needs
 * (docs/ensemble.md, "The driver").
 *
 * Before a run resumes the file is checked: it is the user's to keep, move and edit, so nothing in
 * it is trusted. Its shape (LatticeCheckpoint below), consistent lengths (one Fourier mode per site,
 * measurement rows of one length, no more rows than trajectories run), counters in range and every
 * field value and measurement finite within ±1e100 (a field of 1e308 overflows the action to
 * Infinity and the acceptance test to NaN). Problems come back at their JSON paths; the theory,
 * lattice and seed are matched later (configKey), when the run is set up.
 */
import { NnftError, type InputIssue } from '../errors.js';
import { MAX_LATTICE_SITES } from '../theory/check-semantics.js';
import type { Theory } from '../theory/theory.js';
import type { LatticeAction } from './lattice-action.js';
import type { LatticeSetup } from './lattice-setup.js';
import { stateAt, type HmcState } from './lattice-hmc.js';

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

export function configKeyFor(theory: Theory, setup: LatticeSetup, seed: number, thermalization: number): string {
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

/** The checkpoint of a state (plain arrays: JSON-ready). */
export function latticeCheckpoint(state: HmcState, configKey: string): LatticeCheckpoint {
  return {
    nnftLatticeCheckpoint: 1,
    configKey,
    nextTrajectory: state.nextTrajectory,
    field: Array.from(state.field),
    fieldHat: { re: Array.from(state.fieldHat.re), im: Array.from(state.fieldHat.im) },
    leapfrogSteps: state.leapfrogSteps,
    accepted: state.accepted,
    tuning: { acceptance: state.tuning.acceptance, count: state.tuning.count },
    measurements: state.measurements.map((row) => Array.from(row)),
  };
}

/**
 * The state a checkpoint holds, after checking that it belongs to this run (configKey) and this
 * version's measurement rows (`rowWidth`); `file` names it in the error.
 */
export function stateFromCheckpoint(saved: LatticeCheckpoint, expected: { configKey: string; totalSites: number; rowWidth: number; file?: string }, action: LatticeAction): HmcState {
  const { configKey, totalSites, rowWidth } = expected;
  if (saved.nnftLatticeCheckpoint !== 1 || saved.configKey !== configKey || saved.field.length !== totalSites || saved.measurements.some((row) => row.length !== rowWidth)) {
    throw new NnftError('E_USAGE', 'the lattice checkpoint belongs to a different theory, lattice, seed or thermalisation', {
      ...(expected.file
        ? {
            file: expected.file,
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
  return stateAt(action, Float64Array.from(saved.field), { re: Float64Array.from(saved.fieldHat.re), im: Float64Array.from(saved.fieldHat.im) }, {
    nextTrajectory: saved.nextTrajectory,
    leapfrogSteps: saved.leapfrogSteps,
    accepted: saved.accepted,
    tuning: { acceptance: saved.tuning.acceptance, count: saved.tuning.count },
    measurements: saved.measurements.map((row) => Float64Array.from(row)),
  });
}

/** Largest |field value| or |measurement| of a checkpoint. */
export const MAX_CHECKPOINT_MAGNITUDE = 1e100;
/** The most trajectories a run has: trajectories plus thermalization, each at most 1e7 (docs/target-format.md). */
const MAX_TRAJECTORIES = 2e7;
/** The HMC tuner keeps the leapfrog steps from 1 to 200 and tunes over windows of 20 trajectories. */
const MAX_LEAPFROG_STEPS = 200;
const TUNING_WINDOW = 20;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export function latticeCheckpointIssues(value: unknown): InputIssue[] {
  const issues: InputIssue[] = [];
  const error = (path: string, message: string, hint: string) => issues.push({ path, message, hint, severity: 'error' });
  const rewrite = 'nnft target writes this file; delete it to start the lattice run afresh';
  if (!isRecord(value)) {
    error('', 'is not a lattice checkpoint (a JSON object)', rewrite);
    return issues;
  }
  if (value.nnftLatticeCheckpoint !== 1) error('nnftLatticeCheckpoint', `is ${JSON.stringify(value.nnftLatticeCheckpoint)}, expected 1`, 'name a file nnft target --checkpoint wrote');
  if (typeof value.configKey !== 'string') error('configKey', 'must be a string', rewrite);
  const integer = (path: string, entry: unknown, min: number, max: number): number | null => {
    if (typeof entry !== 'number' || !Number.isInteger(entry) || entry < min || entry > max) {
      error(path, `is ${JSON.stringify(entry) ?? 'missing'}, expected an integer from ${min} to ${max}`, rewrite);
      return null;
    }
    return entry;
  };
  const numbers = (path: string, entry: unknown, length: number | null): boolean => {
    if (!Array.isArray(entry)) {
      error(path, 'must be a list of numbers', rewrite);
      return false;
    }
    if (length !== null && entry.length !== length) {
      error(path, `has ${entry.length} entries, expected ${length}`, rewrite);
      return false;
    }
    const bad = entry.findIndex((number) => typeof number !== 'number' || !(Math.abs(number) <= MAX_CHECKPOINT_MAGNITUDE));
    if (bad >= 0) {
      error(`${path}[${bad}]`, `is ${JSON.stringify(entry[bad]) ?? String(entry[bad])}, not a number within ±1e100`, `${rewrite} (a number this large overflows the action and the measured sums)`);
      return false;
    }
    return true;
  };
  const next = integer('nextTrajectory', value.nextTrajectory, 0, MAX_TRAJECTORIES);
  let sites: number | null = null;
  if (Array.isArray(value.field) && (value.field.length === 0 || value.field.length > MAX_LATTICE_SITES)) {
    error('field', `has ${value.field.length} sites, expected 1 to 2^24`, rewrite);
  } else if (numbers('field', value.field, null)) {
    sites = (value.field as unknown[]).length;
  }
  if (!isRecord(value.fieldHat)) error('fieldHat', 'must be {"re": [...], "im": [...]}', rewrite);
  else {
    numbers('fieldHat.re', value.fieldHat.re, sites);
    numbers('fieldHat.im', value.fieldHat.im, sites);
  }
  integer('leapfrogSteps', value.leapfrogSteps, 1, MAX_LEAPFROG_STEPS);
  const accepted = integer('accepted', value.accepted, 0, MAX_TRAJECTORIES);
  if (accepted !== null && next !== null && accepted > next) error('accepted', `is ${accepted}, more than the ${next} trajectories run (nextTrajectory)`, rewrite);
  if (!isRecord(value.tuning)) error('tuning', 'must be {"acceptance": a, "count": n}', rewrite);
  else {
    const count = integer('tuning.count', value.tuning.count, 0, TUNING_WINDOW - 1);
    const acceptance = value.tuning.acceptance;
    if (typeof acceptance !== 'number' || !(acceptance >= 0) || !(acceptance <= (count ?? TUNING_WINDOW))) {
      error('tuning.acceptance', `is ${JSON.stringify(acceptance) ?? 'missing'}, expected a number from 0 to tuning.count (${count ?? '?'})`, rewrite);
    }
  }
  if (!Array.isArray(value.measurements)) error('measurements', 'must be a list of rows', rewrite);
  else {
    if (next !== null && value.measurements.length > next) error('measurements', `has ${value.measurements.length} rows, more than the ${next} trajectories run (nextTrajectory)`, rewrite);
    const width = Array.isArray(value.measurements[0]) ? value.measurements[0].length : null;
    for (let row = 0; row < value.measurements.length && issues.length < 20; row++) {
      if (!numbers(`measurements[${row}]`, value.measurements[row], width)) break;
    }
  }
  return issues;
}

