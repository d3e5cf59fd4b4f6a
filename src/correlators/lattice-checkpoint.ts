/**
 * Check a lattice checkpoint (`nnft target --method lattice --checkpoint FILE`) before a run resumes
 * from it: the file is the user's to keep, move and edit, so nothing in it is trusted. Its shape
 * (src/correlators/lattice.ts LatticeCheckpoint), consistent lengths (one Fourier mode per site,
 * measurement rows of one length, no more rows than trajectories run), counters in range and every
 * field value and measurement finite within ±1e100 (a field of 1e308 overflows the action to
 * Infinity and the acceptance test to NaN). Problems come back at their JSON paths; the theory,
 * lattice and seed are matched later (configKey), when the run is set up.
 */
import type { InputIssue } from '../errors.js';
import { MAX_LATTICE_SITES } from '../theory/check-semantics.js';
import type { LatticeCheckpoint } from './lattice.js';

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

export type { LatticeCheckpoint };
