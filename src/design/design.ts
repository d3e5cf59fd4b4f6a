/**
 * nnft design: from a target file to an architecture spec whose ensemble reproduces the target's
 * connected correlators. The orchestration, as plain data in and out:
 *
 *   target file -> Theory -> target correlators (auto method)
 *   -> setup (region, deformation terms, analytic initial parameters)
 *   -> per width: one fixed sample of networks (fit-on-sample.ts: Levenberg-Marquardt on cached
 *      per-network numbers, minimax polish, kurtosis redraws) -> validation estimate with a fresh
 *      seed (closed form for free designs) -> relative error per order vs tolerance
 *   -> width search (fixed width, or the smallest passing width)
 *   -> spec.json + result.json in the run directory (atomic writes; resumable).
 */
import { resolve as resolvePath } from 'node:path';
import { readFile } from 'node:fs/promises';
import { loadTarget } from '../theory/load-target.js';
import type { CorrelatorMethod, Theory } from '../theory/theory.js';
import { computeTargetCorrelators } from '../correlators/index.js';
import { initBackend, type BackendRequest } from '../backend/index.js';
import { NnftError } from '../errors.js';
import { deriveSeed } from '../random/index.js';
import { ignoreEvents, type EventSink } from '../io/events.js';
import { RESULT_VERSION, type CorrelatorResult } from '../io/result.js';
import { openRunDirectory, type RunDirectory } from '../io/run-directory.js';
import { sha256Hex } from '../io/canonical-json.js';
import { NNFT_VERSION } from '../version.js';
import { defaultResolution } from '../densities/interaction-grid.js';
import { estimateSpec } from '../spec/estimate-spec.js';
import type { NnftSpec } from '../spec/spec.js';
import { heldFlags, initialValues, parameterBounds, parameterNames, recordFromValues, valuesFromRecord } from './design-model.js';
import { designSetup, largestWeightPower, specFromParameters, type AmplitudeLawName, type DesignSetup, type MomentaChoice } from './design-setup.js';
import { compareCorrelators, type CorrelatorComparison } from './compare-correlators.js';
import { fitOnSample, type FitState } from './fit-on-sample.js';
import type { StopReason } from './optimise-saa.js';
import { exactSpecCorrelators } from './exact-correlators.js';
import { searchWidth, type WidthTrialOutcome } from './width-search.js';
import { networkReference } from './network-reference.js';

export interface DesignOptions {
  /** A width, or 'auto' for the smallest width meeting the tolerance. */
  width?: number | 'auto';
  /** Networks per optimisation step. */
  ensembleSize?: number;
  /** Networks in each validation estimate. */
  validationEnsembleSize?: number;
  seed?: number;
  tolerance?: number;
  maxSteps?: number;
  /** Wall-clock limit for the whole run, seconds. */
  timeLimitSeconds?: number;
  amplitudeLaw?: AmplitudeLawName;
  /** How neurons draw momenta (auto: quadrature in d = 2 unless the amplitude law is gaussian). */
  momenta?: MomentaChoice;
  /**
   * How the target's correlators are computed: the target file's method (auto), one of nnft target's
   * methods, or network (network-reference.ts: the analytic construction at large width on
   * quadrature momenta, the file's own regulator, for couplings where first order is not enough).
   */
  targetMethod?: CorrelatorMethod | 'network';
  minWidth?: number;
  maxWidth?: number;
  /** Run directory; created (or resumed with `resume`). */
  out?: string | null;
  resume?: boolean;
  backend?: BackendRequest;
  workers?: number;
  onEvent?: EventSink;
  signal?: AbortSignal;
}

export const DESIGN_DEFAULTS = {
  /** Networks in the fixed design sample. */
  ensembleSize: 100_000,
  validationEnsembleSize: 100_000,
  seed: 1,
  tolerance: 0.05,
  maxSteps: 40,
  minWidth: 32,
  maxWidth: 1024,
} as const;

export interface WidthTrial extends WidthTrialOutcome {
  parameters: Record<string, number>;
  stopReason: StopReason;
  steps: number;
  comparison: CorrelatorComparison;
  validation: { seed: number; ensembleSize: number; effectiveSampleSize: unknown };
  achieved: CorrelatorResult;
  spec: NnftSpec;
  /** The fixed-sample fit (sample-average designs): sample size, its noise at the answer, chi^2. */
  fit?: { sampleSize: number; sampleStderr: Record<string, number[]>; chiSquared: number; degreesOfFreedom: number; rounds: number };
}

export interface DesignResult extends CorrelatorResult {
  kind: 'design';
  status: 'met' | 'not-met' | 'interrupted';
  target: CorrelatorResult;
  achieved: CorrelatorResult | null;
  width: number | null;
  parameters: Record<string, number> | null;
  tolerance: number;
  comparison: CorrelatorComparison | null;
  widthCurve: { width: number; relativeError: number; relativeErrorStderr: number; met: boolean; stopReason: StopReason; steps: number }[];
  specPath: string | null;
  runDirectory: string | null;
  notes: string[];
}

interface DesignCheckpoint {
  trials: WidthTrial[];
  current: { width: number; fit: FitState } | null;
}

function theorySummary(theory: Theory): Record<string, unknown> {
  return {
    name: theory.name,
    dimension: theory.dimension,
    mass: theory.mass,
    interactions: theory.interactions,
    momentumCutoff: theory.momentumCutoff,
    interactionRegion: theory.interactionRegion,
    points: theory.points,
    connectedOrders: theory.connectedOrders,
  };
}

/** The target file and settings a run directory was started with (for `nnft design --resume DIR`). */
export async function readDesignRunConfig(directory: string): Promise<{ targetFile: string; settings: Record<string, unknown> }> {
  let text: string;
  try {
    text = await readFile(`${directory}/config.json`, 'utf8');
  } catch {
    throw new NnftError('E_USAGE', `${directory} holds no design run (no config.json)`, { hint: 'give the run directory that nnft design --out wrote' });
  }
  const stored = JSON.parse(text) as { config?: { nnftDesign?: number; targetFile?: string; settings?: Record<string, unknown> } };
  if (stored.config?.nnftDesign !== 1 || typeof stored.config.targetFile !== 'string') {
    throw new NnftError('E_USAGE', `${directory}/config.json is not a design run`, { hint: 'give the run directory that nnft design --out wrote' });
  }
  return { targetFile: stored.config.targetFile, settings: stored.config.settings ?? {} };
}

export async function design(targetFile: string, options: DesignOptions = {}): Promise<DesignResult> {
  const onEvent = options.onEvent ?? ignoreEvents;
  const started = Date.now();
  const settings = {
    ensembleSize: options.ensembleSize ?? DESIGN_DEFAULTS.ensembleSize,
    validationEnsembleSize: options.validationEnsembleSize ?? DESIGN_DEFAULTS.validationEnsembleSize,
    seed: options.seed ?? DESIGN_DEFAULTS.seed,
    tolerance: options.tolerance ?? DESIGN_DEFAULTS.tolerance,
    maxSteps: options.maxSteps ?? DESIGN_DEFAULTS.maxSteps,
    amplitudeLaw: options.amplitudeLaw ?? 'tuned',
    momenta: options.momenta ?? 'auto',
    targetMethod: options.targetMethod ?? 'auto',
    width: options.width ?? 'auto',
    minWidth: options.minWidth ?? DESIGN_DEFAULTS.minWidth,
    maxWidth: options.maxWidth ?? DESIGN_DEFAULTS.maxWidth,
  };
  if (!(settings.tolerance > 0)) throw new NnftError('E_USAGE', `--tolerance must be positive, got ${settings.tolerance}`);
  if (settings.width !== 'auto' && !(Number.isInteger(settings.width) && settings.width >= 1)) {
    throw new NnftError('E_USAGE', `--width must be a positive integer or auto, got ${settings.width}`);
  }
  const loaded = await loadTarget(targetFile);
  for (const warning of loaded.warnings) onEvent({ type: 'warning', message: warning.message, path: warning.path, ...(warning.hint ? { hint: warning.hint } : {}) });
  const theory = loaded.theory;
  if (theory.connectedOrders.some((order) => order > 4)) {
    throw new NnftError('E_UNSUPPORTED', 'nnft design matches connected orders up to 4', { hint: 'remove 6 from observables.connected (nnft estimate still measures it)' });
  }
  const backend = await initBackend(options.backend ?? 'auto');
  onEvent({ type: 'info', message: `backend ${backend.name}: ${backend.device}` });

  const target =
    settings.targetMethod === 'network'
      ? await networkReference(theory, {
          ensembleSize: settings.validationEnsembleSize,
          seed: deriveSeed(settings.seed, 'design/network-reference', 0),
          ...(options.workers ? { workers: options.workers } : {}),
          onEvent,
        })
      : await computeTargetCorrelators(theory, { onEvent, ...(settings.targetMethod !== 'auto' ? { method: settings.targetMethod } : {}) });
  onEvent({ type: 'info', message: `target correlators by ${String(target.method)}` });

  const setup = designSetup(theory, { amplitudeLaw: settings.amplitudeLaw, momenta: settings.momenta });
  for (const note of setup.notes) onEvent({ type: 'info', message: note });
  const names = parameterNames(setup.model);
  const orders = [...theory.connectedOrders];
  const evenOnly = setup.terms.every((term) => term.kind !== 'local' || term.power % 2 === 0);

  const config = {
    nnftDesign: 1,
    targetFile: resolvePath(targetFile),
    target: theorySummary(theory),
    targetSha256: theory.source.sha256,
    settings,
    version: NNFT_VERSION,
  };
  let run: RunDirectory<typeof config> | null = null;
  if (options.out) run = await openRunDirectory(options.out, config, options.resume ? 'resume' : 'create');
  const stored = run ? await run.readCheckpoint<DesignCheckpoint>() : null;
  const checkpoint: DesignCheckpoint = stored ?? { trials: [], current: null };
  if (run && stored) onEvent({ type: 'info', message: `resuming ${run.path}: ${stored.trials.length} width(s) done${stored.current ? `, width ${stored.current.width} after ${stored.current.fit.saa?.iteration ?? 0} iterations` : ''}` });

  // Every parameter acts on cached per-network numbers of one fixed sample (the base density is the
  // target's, so the grid resolves the weight's largest frequency, with a 5% margin).
  const resolvedMomentum = setup.cutoff ?? setup.modeCutoff;
  const resolution =
    setup.terms.length > 0 && resolvedMomentum !== null ? defaultResolution(setup.regionSide, largestWeightPower(setup.terms) * resolvedMomentum * 1.05) : null;
  const bounds = parameterBounds(setup.model);
  const frozen = heldFlags(setup.model);
  const deadline = options.timeLimitSeconds ? started + options.timeLimitSeconds * 1000 : null;
  let interrupted = false;

  /** Validation with a fresh seed and a larger ensemble: what the design reports. */
  const validate = async (width: number, parameters: readonly number[], stopReason: StopReason, steps: number, fit: WidthTrial['fit'] | null): Promise<WidthTrial> => {
    const spec = specFromParameters(theory, setup, width, parameters, resolution);
    const validationSeed = deriveSeed(settings.seed, 'design/validation', width);
    onEvent({ type: 'info', message: `width ${width}: validating on ${settings.validationEnsembleSize} fresh networks` });
    const estimated = await estimateSpec(spec, { ensembleSize: settings.validationEnsembleSize, seed: validationSeed, ...(options.workers ? { workers: options.workers } : {}) });
    // An undeformed network's correlators are known in closed form at any width: judge the tolerance
    // on them (no sampling noise in the max over tuples), and report the fresh-seed estimate's
    // agreement with them as the independent check.
    let achieved = estimated;
    if (setup.terms.length === 0) {
      const exact = exactSpecCorrelators(spec, orders);
      const check = compareCorrelators(estimated, exact, orders);
      achieved = { ...exact, validationEstimate: { ...estimated, agreement: { chiSquared: check.chiSquared, degreesOfFreedom: check.degreesOfFreedom } } };
      onEvent({ type: 'info', message: `width ${width}: the fresh-seed estimate agrees with the closed-form correlators: chi2/dof ${(check.chiSquared / check.degreesOfFreedom).toFixed(2)} (${check.degreesOfFreedom} values)` });
    }
    const comparison = compareCorrelators(achieved, target, orders);
    const relativeErrorStderr = Math.max(...comparison.orders.map((order) => order.relativeErrorStderr));
    const trial: WidthTrial = {
      width,
      relativeError: comparison.worstRelativeError,
      relativeErrorStderr,
      met: comparison.worstRelativeError <= settings.tolerance,
      parameters: recordFromValues(setup.model, parameters),
      stopReason: stopReason,
      steps: steps,
      comparison,
      validation: { seed: validationSeed, ensembleSize: settings.validationEnsembleSize, effectiveSampleSize: estimated.effectiveSampleSize },
      achieved,
      spec,
      ...(fit ? { fit } : {}),
    };
    onEvent({
      type: 'info',
      message: `width ${width}: relative error ${comparison.worstRelativeError.toFixed(4)} ± ${relativeErrorStderr.toFixed(4)} (tolerance ${settings.tolerance}) → ${trial.met ? 'met' : 'not met'}`,
    });
    checkpoint.trials.push(trial);
    checkpoint.current = null;
    if (run) await run.writeCheckpoint(checkpoint);
    return trial;
  };

  const runAtWidth = async (width: number): Promise<WidthTrial> => {
    const done = checkpoint.trials.find((trial) => trial.width === width);
    if (done) return done;
    // Warm start from the closest finished width (the couplings move little with width).
    const nearest = [...checkpoint.trials].sort((a, b) => Math.abs(a.width - width) - Math.abs(b.width - width))[0];
    const initial = nearest ? valuesFromRecord(setup.model, nearest.parameters) : initialValues(setup.model);
    if (settings.maxSteps === 0) {
      onEvent({ type: 'info', message: `width ${width}: --max-steps 0, validating the analytic construction as it stands` });
      return validate(width, initial, 'max-steps', 0, null);
    }
    onEvent({
      type: 'info',
      message: setup.terms.length > 0 ? `width ${width}: fitting on a fixed sample of ${settings.ensembleSize} networks (at most ${settings.maxSteps} steps)` : `width ${width}: fitting the closed-form finite-width correlators`,
    });
    const fit = await fitOnSample({
      theory,
      setup,
      width,
      names,
      initial,
      resolution,
      orders,
      evenOnly,
      target,
      tolerance: settings.tolerance,
      sampleSize: settings.ensembleSize,
      seed: settings.seed,
      maxSteps: settings.maxSteps,
      bounds,
      frozen,
      deadline,
      onEvent,
      ...(options.signal ? { signal: options.signal } : {}),
      recordStep: async (record) => {
        if (run) await run.appendMetrics({ width, ...record });
      },
      saveState: async (state) => {
        checkpoint.current = { width, fit: state };
        if (run) await run.writeCheckpoint(checkpoint);
      },
      resumeFrom: checkpoint.current && checkpoint.current.width === width && 'fit' in checkpoint.current ? checkpoint.current.fit : null,
      workers: options.workers ?? 1,
      backend: backend.name as BackendRequest,
    });
    if (fit.stopReason === 'interrupted') {
      interrupted = true;
      throw new NnftError('E_USAGE', 'interrupted');
    }
    onEvent({ type: 'info', message: `width ${width}: fit ${fit.stopReason} after ${fit.steps} steps, chi2/dof ${(fit.chiSquared / fit.degreesOfFreedom).toFixed(3)}${fit.sampleSize > 0 ? ` on the sample (ESS ${fit.effectiveSampleSize.toFixed(0)}/${fit.sampleSize})` : ' (closed form)'}` });
    return validate(width, fit.parameters, fit.stopReason, fit.steps, { sampleSize: fit.sampleSize, sampleStderr: fit.sampleStderr, chiSquared: fit.chiSquared, degreesOfFreedom: fit.degreesOfFreedom, rounds: fit.rounds });
  };

  let chosen: WidthTrial | null = null;
  try {
    if (settings.width === 'auto') {
      const search = await searchWidth(runAtWidth, { minWidth: settings.minWidth, maxWidth: settings.maxWidth, resolution: 0.15, granularity: 8 });
      chosen = search.chosen;
    } else {
      chosen = await runAtWidth(settings.width);
    }
  } catch (error) {
    if (!interrupted) throw error;
  }
  // Report the best trial even when none met the tolerance.
  const trials = checkpoint.trials;
  const reported = chosen ?? (trials.length ? [...trials].sort((a, b) => a.relativeError - b.relativeError)[0]! : null);

  let specPath: string | null = null;
  const provenanceSpec = reported
    ? {
        ...reported.spec,
        provenance: {
          tool: `nnft ${NNFT_VERSION}`,
          target: { file: theory.source.file, sha256: theory.source.sha256, name: theory.name },
          targetMethod: target.method,
          seed: settings.seed,
          backend: { name: backend.name, device: backend.device, gpu: backend.gpu },
          versions: backend.versions,
          createdAt: new Date().toISOString(),
          conventions:
            'Euclidean; S = int 1/2 (grad phi)^2 + 1/2 m^2 phi^2 + sum (g_n/n!) int_V phi^n; sharp cutoff |p| < Lambda; connected correlators are joint cumulants; errors are one standard error (docs/conventions.md)',
          parameters: reported.parameters,
          tolerance: settings.tolerance,
          validation: { ...reported.validation, relativeError: reported.relativeError, relativeErrorStderr: reported.relativeErrorStderr, met: reported.met },
          achievedVsTarget: reported.comparison.orders.map((order) => ({ order: order.order, relativeError: order.relativeError, rows: order.rows })),
          widthCurve: trials.map((trial) => ({ width: trial.width, relativeError: trial.relativeError, relativeErrorStderr: trial.relativeErrorStderr, met: trial.met })),
          notes: setup.notes,
        },
        estimation: { ...reported.spec.estimation, ensembleSize: reported.validation.ensembleSize, seed: reported.validation.seed },
      }
    : null;
  // An interrupted run writes no spec or result: result.json marks a finished run (sweeps rely on it).
  if (run && provenanceSpec && !interrupted) specPath = await run.writeJson('spec.json', provenanceSpec);

  const result: DesignResult = {
    nnftResult: RESULT_VERSION,
    kind: 'design',
    // A fixed width is always 'chosen'; whether it met the tolerance is the trial's verdict.
    status: interrupted ? 'interrupted' : chosen?.met ? 'met' : 'not-met',
    points: theory.points.map((point) => [...point]),
    correlators: reported?.achieved.correlators ?? [],
    target,
    achieved: reported?.achieved ?? null,
    width: reported?.width ?? null,
    parameters: reported?.parameters ?? null,
    tolerance: settings.tolerance,
    comparison: reported?.comparison ?? null,
    widthCurve: trials.map((trial) => ({ width: trial.width, relativeError: trial.relativeError, relativeErrorStderr: trial.relativeErrorStderr, met: trial.met, stopReason: trial.stopReason, steps: trial.steps })),
    specPath,
    runDirectory: run?.path ?? null,
    method: 'Levenberg-Marquardt on one fixed sample of networks (sample-average approximation: exact correlators and Jacobian from cached per-network monomials and deformation integrals), then a minimax (Lawson) polish of the relative errors; validation on a fresh seed',
    backend: backend.name,
    seed: settings.seed,
    ensembleSize: settings.ensembleSize,
    validationEnsembleSize: settings.validationEnsembleSize,
    seconds: (Date.now() - started) / 1000,
    notes: [...setup.notes],
    targetSha256: theory.source.sha256 ?? sha256Hex(JSON.stringify(theorySummary(theory))),
  };
  if (run && !interrupted) await run.writeJson('result.json', result);
  return result;
}
