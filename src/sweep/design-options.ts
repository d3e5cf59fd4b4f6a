/**
 * What `nnft design` accepts, as one declarative table (src/io/option-rules.ts): the design command
 * checks its flags with it and a sweep checks every point's options with it, so a value the command
 * would refuse is refused by `nnft sweep --dry-run` too. Keys are the sweep option names (the
 * DesignOptions names); `flag` is the command-line name where it differs. The ranges are those of
 * schema/sweep.schema.json ($defs/designOptions) and docs/sweeps-and-reports.md.
 */
import { BACKEND_REQUESTS } from '../backend/index.js';
import { DESIGN_DEFAULTS } from '../design/design.js';
import type { OptionRules, OrderedPair } from '../io/option-rules.js';

/** Largest width a design tries: the width search and the quadrature grid pass grow with it. */
export const MAX_DESIGN_WIDTH = 16_384;
/**
 * Most networks in the fixed design sample. The sample is redrawn from its seeds but its per-network
 * state (momenta, phases, amplitudes at the points) is held while fitting, so it is bounded.
 */
export const MAX_DESIGN_ENSEMBLE = 10_000_000;
/** Most networks in one validation estimate (streamed in chunks: a time bound, not a memory one). */
export const MAX_VALIDATION_ENSEMBLE = 100_000_000;

export const DESIGN_OPTION_RULES: OptionRules = {
  width: { kind: 'integer', min: 1, max: MAX_DESIGN_WIDTH, words: ['auto'], fix: 'give a width such as 64, or auto (the default)' },
  minWidth: { kind: 'integer', min: 1, max: MAX_DESIGN_WIDTH, fix: `the default is ${DESIGN_DEFAULTS.minWidth}` },
  maxWidth: { kind: 'integer', min: 1, max: MAX_DESIGN_WIDTH, fix: `the default is ${DESIGN_DEFAULTS.maxWidth}` },
  ensembleSize: { kind: 'integer', flag: 'ensemble', min: 100, max: MAX_DESIGN_ENSEMBLE, fix: `the default is ${DESIGN_DEFAULTS.ensembleSize}; fewer networks are faster but noisier` },
  validationEnsembleSize: {
    kind: 'integer',
    flag: 'validation-ensemble',
    min: 100,
    max: MAX_VALIDATION_ENSEMBLE,
    fix: `the default is ${DESIGN_DEFAULTS.validationEnsembleSize}; a validation needs enough networks for its jackknife errors`,
  },
  maxValidationEnsembleSize: {
    kind: 'integer',
    flag: 'max-validation-ensemble',
    min: 100,
    max: MAX_VALIDATION_ENSEMBLE,
    fix: `the default is ${DESIGN_DEFAULTS.maxValidationEnsembleSize}; beyond it a width whose statistics cannot resolve the tolerance is reported unresolved`,
  },
  seed: { kind: 'integer', min: 0, max: Number.MAX_SAFE_INTEGER, fix: `a seed is a whole number >= 0; the default is ${DESIGN_DEFAULTS.seed}` },
  tolerance: { kind: 'number', min: 0, exclusiveMin: true, max: 10, fix: `a relative error such as ${DESIGN_DEFAULTS.tolerance} (the default)` },
  maxSteps: { kind: 'integer', min: 0, max: 100_000, fix: `the default is ${DESIGN_DEFAULTS.maxSteps}; 0 validates the analytic construction unoptimised` },
  timeLimitSeconds: { kind: 'number', flag: 'time-limit', min: 0, exclusiveMin: true, max: 1e7, fix: 'give seconds, e.g. 600; omit it for no limit' },
  amplitudeLaw: { kind: 'choice', flag: 'amplitude', choices: ['tuned', 'fixed', 'gaussian'] },
  momenta: { kind: 'choice', choices: ['auto', 'independent', 'stratified', 'quadrature', 'split'] },
  targetMethod: { kind: 'choice', choices: ['auto', 'perturbative', 'spectral', 'lattice', 'network'] },
  backend: { kind: 'choice', choices: [...BACKEND_REQUESTS] },
  workers: { kind: 'integer', min: 1, max: 1024, fix: 'the default is every core' },
};

export const DESIGN_OPTION_ORDER: readonly OrderedPair[] = [{ low: 'minWidth', high: 'maxWidth', lowDefault: DESIGN_DEFAULTS.minWidth, highDefault: DESIGN_DEFAULTS.maxWidth }];
