/**
 * What a design is, as plain data: the settings `design()` takes (and a run directory stores, so a
 * resumed run keeps them), their defaults, and the one declarative table of accepted values
 * (src/io/option-rules.ts) that the library, `nnft design`'s flags and a sweep's design options are
 * all checked with. Where and how a design runs (run directory, backend, workers, time limit, events)
 * is not a setting: see DesignRun in design.ts.
 */
import { NnftError, type ErrorCode } from '../errors.js';
import { BACKEND_REQUESTS, type BackendRequest } from '../backend/index.js';
import { checkOptionValues, type OptionRules, type OrderedPair } from '../io/option-rules.js';
import type { CorrelatorMethod } from '../theory/theory.js';
import type { AmplitudeLawName, MomentaChoice } from './design-setup.js';

export interface DesignSettings {
  /** A width, or 'auto' for the smallest width meeting the tolerance. */
  width?: number | 'auto';
  /** Networks in the fixed design sample. */
  ensembleSize?: number;
  /** Networks in each validation estimate (a pilot: grown to resolve the tolerance). */
  validationEnsembleSize?: number;
  /** Largest validation estimate per width; beyond it the verdict is "unresolved". */
  maxValidationEnsembleSize?: number;
  seed?: number;
  /** Largest relative error per order. */
  tolerance?: number;
  /** Optimisation iterations per width; 0 validates the analytic construction unoptimised. */
  maxSteps?: number;
  amplitudeLaw?: AmplitudeLawName;
  /** How neurons draw momenta (auto: see resolveMomentumSampling in design-setup.ts). */
  momenta?: MomentaChoice;
  /**
   * How the target's correlators are computed: the target's own method (auto), one of nnft target's
   * methods, or network (network-reference.ts: the analytic construction at large width on
   * quadrature momenta, the target's own regulator, for couplings where first order is not enough).
   */
  targetMethod?: CorrelatorMethod | 'network';
  minWidth?: number;
  maxWidth?: number;
}

/** Every setting decided: what a run directory's config.json holds under `settings`. */
export interface ResolvedDesignSettings {
  width: number | 'auto';
  ensembleSize: number;
  validationEnsembleSize: number;
  maxValidationEnsembleSize: number;
  seed: number;
  tolerance: number;
  maxSteps: number;
  amplitudeLaw: AmplitudeLawName;
  momenta: MomentaChoice;
  targetMethod: CorrelatorMethod | 'network';
  /** Absent when not given: the first width then follows the dimension (firstDesignWidth). */
  minWidth?: number;
  maxWidth: number;
}

export const DESIGN_DEFAULTS = {
  /** Networks in the fixed design sample. */
  ensembleSize: 100_000,
  validationEnsembleSize: 100_000,
  maxValidationEnsembleSize: 4_000_000,
  seed: 1,
  tolerance: 0.05,
  maxSteps: 40,
  minWidth: 32,
  maxWidth: 1024,
} as const;

/**
 * The width `--width auto` starts from when --min-width is not given: 32 for d <= 2, doubled per
 * dimension above 2 (64 in d = 3, 128 in d = 4). Quadrature momenta put the width's nodes on a
 * product rule, about width^(1/d) per direction; in d = 3 width 32 is ~3 nodes per direction,
 * which misrepresents the propagator across the box (the weight then carries long-range noise and
 * the validation needs ~1e9 networks), while width 64 is resolved with 1e5 (docs/design.md,
 * "The first width").
 */
export function firstDesignWidth(dimension: number, minWidth?: number): number {
  if (minWidth !== undefined) return minWidth;
  return DESIGN_DEFAULTS.minWidth * 2 ** Math.max(0, dimension - 2);
}

/** Largest width a design tries: the width search and the quadrature grid pass grow with it. */
export const MAX_DESIGN_WIDTH = 16_384;
/**
 * Most networks in the fixed design sample. The sample is redrawn from its seeds but its per-network
 * state (momenta, phases, amplitudes at the points) is held while fitting, so it is bounded.
 */
export const MAX_DESIGN_ENSEMBLE = 10_000_000;
/** Most networks in one validation estimate (streamed in chunks: a time bound, not a memory one). */
export const MAX_VALIDATION_ENSEMBLE = 100_000_000;

/**
 * What `nnft design` accepts, keyed by the sweep option names (the DesignSettings names plus the
 * run's backend, workers and timeLimitSeconds); `flag` is the command-line name where it differs.
 * The ranges are those of schema/sweep.schema.json ($defs/designOptions) and
 * docs/sweeps-and-reports.md.
 */
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

/** The option keys that say how a design runs, not what it is (not stored as settings). */
export const DESIGN_RUN_KEYS = ['backend', 'workers', 'timeLimitSeconds'] as const;

const SETTING_KEYS: readonly (keyof DesignSettings)[] = [
  'width',
  'ensembleSize',
  'validationEnsembleSize',
  'maxValidationEnsembleSize',
  'seed',
  'tolerance',
  'maxSteps',
  'amplitudeLaw',
  'momenta',
  'targetMethod',
  'minWidth',
  'maxWidth',
];

const SETTING_RULES: OptionRules = Object.fromEntries(Object.entries(DESIGN_OPTION_RULES).filter(([key]) => (SETTING_KEYS as readonly string[]).includes(key)));

/**
 * Check settings given as plain data against DESIGN_OPTION_RULES (unknown keys included) and fill
 * in the defaults. `where` names a key in the error (default "settings.<key>"); the error is
 * `code` (E_USAGE for a caller's settings, E_SCHEMA for a run directory's stored ones).
 */
export function resolveDesignSettings(
  settings: Readonly<DesignSettings>,
  options: { where?: (key: string) => string; code?: ErrorCode; file?: string; message?: (count: number) => string; hint?: string } = {},
): ResolvedDesignSettings {
  const where = options.where ?? ((key: string) => `settings.${key}`);
  const given = (settings ?? {}) as Record<string, unknown>;
  const { issues } = checkOptionValues(given, SETTING_RULES, { where, fromText: false, ordered: DESIGN_OPTION_ORDER });
  for (const key of Object.keys(given)) {
    if ((SETTING_KEYS as readonly string[]).includes(key) || given[key] === undefined) continue;
    const runKey = (DESIGN_RUN_KEYS as readonly string[]).includes(key);
    issues.push({
      path: where(key),
      message: runKey ? 'says how the design runs, not what it is' : 'is not a design setting',
      hint: runKey ? `give ${key} in the run argument of design() (design(theory, settings, { ${key} }))` : `the settings are ${SETTING_KEYS.join(', ')}`,
      severity: 'error',
    });
  }
  if (issues.length > 0) {
    const count = issues.length;
    throw new NnftError(options.code ?? 'E_USAGE', options.message ? options.message(count) : `the design settings are not valid (${count} problem${count === 1 ? '' : 's'})`, {
      issues,
      ...(options.file ? { file: options.file } : {}),
      hint: options.hint ?? 'docs/sweeps-and-reports.md lists every design option with its range',
    });
  }
  const validationEnsembleSize = settings.validationEnsembleSize ?? DESIGN_DEFAULTS.validationEnsembleSize;
  return {
    ensembleSize: settings.ensembleSize ?? DESIGN_DEFAULTS.ensembleSize,
    validationEnsembleSize,
    maxValidationEnsembleSize: Math.max(validationEnsembleSize, settings.maxValidationEnsembleSize ?? DESIGN_DEFAULTS.maxValidationEnsembleSize),
    seed: settings.seed ?? DESIGN_DEFAULTS.seed,
    tolerance: settings.tolerance ?? DESIGN_DEFAULTS.tolerance,
    maxSteps: settings.maxSteps ?? DESIGN_DEFAULTS.maxSteps,
    amplitudeLaw: settings.amplitudeLaw ?? 'tuned',
    momenta: settings.momenta ?? 'auto',
    targetMethod: settings.targetMethod ?? 'auto',
    width: settings.width ?? 'auto',
    ...(settings.minWidth !== undefined ? { minWidth: settings.minWidth } : {}),
    maxWidth: settings.maxWidth ?? DESIGN_DEFAULTS.maxWidth,
  };
}

/** The run-side options of a flat option record (a sweep point's options, a command line's flags). */
export interface DesignRunOptions {
  backend?: BackendRequest;
  workers?: number;
  timeLimitSeconds?: number;
}

/** Split a flat record keyed like DESIGN_OPTION_RULES into the design's settings and its run options. */
export function splitDesignOptions(options: Readonly<Record<string, unknown>>): { settings: DesignSettings; run: DesignRunOptions } {
  const settings: Record<string, unknown> = {};
  const run: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if ((DESIGN_RUN_KEYS as readonly string[]).includes(key)) run[key] = value;
    else settings[key] = value;
  }
  return { settings: settings as DesignSettings, run: run as DesignRunOptions };
}
