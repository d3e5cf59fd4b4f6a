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
import { NnftError, isNnftError } from '../errors.js';
import { deriveSeed } from '../random/index.js';
import { ignoreEvents, type EventSink } from '../io/events.js';
import { RESULT_VERSION, type CorrelatorResult } from '../io/result.js';
import { openRunDirectory, readRunConfig, type RunDirectory } from '../io/run-directory.js';
import { sha256Hex } from '../io/canonical-json.js';
import { NNFT_VERSION } from '../version.js';
import { gridResolution } from '../densities/interaction-grid.js';
import type { NnftSpec } from '../spec/spec.js';
import { heldFlags, initialValues, parameterBounds, parameterNames, recordFromValues, valuesFromRecord } from './design-model.js';
import { designSetup, largestWeightPower, specFromParameters, type AmplitudeLawName, type DesignSetup, type MomentaChoice } from './design-setup.js';
import type { CorrelatorComparison } from './compare-correlators.js';
import { fitOnSample, type FitState } from './fit-on-sample.js';
import type { StopReason } from './optimise-saa.js';
import { CONSISTENCY_P_VALUE, validateDesign, type OrderResolution, type TrialStatus } from './validate-design.js';
import { targetSystematics } from './target-systematics.js';
import { isConsistent, type Consistency } from './consistency.js';
import { searchWidth, type WidthTrialOutcome } from './width-search.js';
import { networkReference } from './network-reference.js';

export interface DesignOptions {
  /** A width, or 'auto' for the smallest width meeting the tolerance. */
  width?: number | 'auto';
  /** Networks per optimisation step. */
  ensembleSize?: number;
  /** Networks in each validation estimate (a pilot: grown to resolve the tolerance). */
  validationEnsembleSize?: number;
  /** Largest validation estimate per width; beyond it the verdict is "unresolved". */
  maxValidationEnsembleSize?: number;
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

/** Smallest chunk of a validation estimate (see validationBatches). */
const VALIDATION_CHUNK = 200;

export const DESIGN_DEFAULTS = {
  /** Networks in the fixed design sample. */
  ensembleSize: 100_000,
  validationEnsembleSize: 100_000,
  maxValidationEnsembleSize: 1_000_000,
  seed: 1,
  tolerance: 0.05,
  maxSteps: 40,
  minWidth: 32,
  maxWidth: 1024,
} as const;

export interface WidthTrial extends WidthTrialOutcome {
  /** met / not-met / unresolved (validate-design.ts). */
  status: TrialStatus;
  /** Why the trial is not met or unresolved. */
  reasons: string[];
  /** The validation estimate against the target: chi^2/dof, p-value, worst pull. */
  consistency: Consistency;
  resolution: OrderResolution[];
  /** Validation networks that resolve every order at this width. */
  requiredValidationEnsembleSize: number;
  parameters: Record<string, number>;
  stopReason: StopReason;
  steps: number;
  comparison: CorrelatorComparison;
  validation: { seed: number; ensembleSize: number; batches: number; effectiveSampleSize: unknown };
  achieved: CorrelatorResult;
  spec: NnftSpec;
  /** The fixed-sample fit (sample-average designs): sample size, its noise at the answer, chi^2. */
  fit?: { sampleSize: number; sampleStderr: Record<string, number[]>; chiSquared: number; degreesOfFreedom: number; rounds: number };
}

export interface DesignResult extends CorrelatorResult {
  kind: 'design';
  status: 'met' | 'not-met' | 'unresolved' | 'interrupted';
  /** Why the reported width is not met or unresolved (empty when met). */
  reasons: string[];
  /** The reported width's validation against the target (chi^2 with the batch covariance, p-value, worst pull). */
  consistency: Consistency | null;
  /** Largest relative error over the orders at the reported width. */
  relativeError: number | null;
  target: CorrelatorResult;
  achieved: CorrelatorResult | null;
  width: number | null;
  parameters: Record<string, number> | null;
  tolerance: number;
  comparison: CorrelatorComparison | null;
  widthCurve: { width: number; relativeError: number; relativeErrorStderr: number; met: boolean; status: TrialStatus; chiSquaredPerDof: number; pValue: number; stopReason: StopReason; steps: number }[];
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
  // readRunConfig checks the file against its hash and names it when damaged (io/run-directory.ts).
  const stored = await readRunConfig<{ nnftDesign?: number; targetFile?: string; settings?: Record<string, unknown> }>(directory, (value) => {
    const config = value as Record<string, unknown> | null;
    const problems: string[] = [];
    if (!config || config.nnftDesign !== 1) problems.push('config.nnftDesign must be 1 (this is not a design run)');
    if (typeof config?.targetFile !== 'string') problems.push('config.targetFile must be a string');
    if (config?.settings !== undefined && (typeof config.settings !== 'object' || config.settings === null)) problems.push('config.settings must be an object');
    return problems;
  });
  return { targetFile: stored.config.targetFile!, settings: stored.config.settings ?? {} };
}

export async function design(targetFile: string, options: DesignOptions = {}): Promise<DesignResult> {
  const onEvent = options.onEvent ?? ignoreEvents;
  const started = Date.now();
  const settings = {
    ensembleSize: options.ensembleSize ?? DESIGN_DEFAULTS.ensembleSize,
    validationEnsembleSize: options.validationEnsembleSize ?? DESIGN_DEFAULTS.validationEnsembleSize,
    maxValidationEnsembleSize: Math.max(options.validationEnsembleSize ?? DESIGN_DEFAULTS.validationEnsembleSize, options.maxValidationEnsembleSize ?? DESIGN_DEFAULTS.maxValidationEnsembleSize),
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
      : await computeTargetCorrelators(theory, { onEvent, ...(options.signal ? { signal: options.signal } : {}), ...(settings.targetMethod !== 'auto' ? { method: settings.targetMethod } : {}) });
  onEvent({ type: 'info', message: `target correlators by ${String(target.method)}` });

  const setup = designSetup(theory, { amplitudeLaw: settings.amplitudeLaw, momenta: settings.momenta });
  for (const note of setup.notes) onEvent({ type: 'info', message: note });
  const names = parameterNames(setup.model);
  const orders: number[] = [...theory.connectedOrders];
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
  try {
    const stored = run ? await run.readCheckpoint<DesignCheckpoint>() : null;
    const checkpoint: DesignCheckpoint = stored ?? { trials: [], current: null };
    if (run && stored) onEvent({ type: 'info', message: `resuming ${run.path}: ${stored.trials.length} width(s) done${stored.current ? `, width ${stored.current.width} after ${stored.current.fit.saa?.iteration ?? 0} iterations` : ''}` });

    // Every parameter acts on cached per-network numbers of one fixed sample (the base density is the
    // target's, so the grid resolves the weight's largest frequency, with a 5% margin).
    const resolvedMomentum = setup.cutoff ?? setup.modeCutoff;
    const resolution =
      setup.terms.length > 0 && resolvedMomentum !== null ? gridResolution(setup.dimension, setup.regionSide, largestWeightPower(setup.terms) * resolvedMomentum * 1.05) : null;
    const bounds = parameterBounds(setup.model);
    const frozen = heldFlags(setup.model);
    const deadline = options.timeLimitSeconds ? started + options.timeLimitSeconds * 1000 : null;
    let interrupted = false;

    // The validation estimate's covariance comes from its batches: enough of them that the jackknife
    // covariance of every compared value is invertible with room to spare (Hotelling's law needs
    // batches > values), but each batch is at least one chunk of VALIDATION_CHUNK networks (a batch is
    // a set of whole chunks; smaller chunks cost throughput).
    const tupleCount = target.correlators.filter((block) => orders.includes(block.order)).reduce((sum, block) => sum + block.values.length, 0);
    const validationBatches = Math.max(32, Math.min(256, 3 * tupleCount, Math.floor(settings.validationEnsembleSize / VALIDATION_CHUNK)));
    const systematics = targetSystematics(theory, target, orders);
    for (const systematic of systematics) onEvent({ type: 'info', message: `named systematic of the target: ${systematic.name}` });

    /** Validation with a fresh seed, sized to resolve the tolerance: what the design reports. */
    const validate = async (width: number, parameters: readonly number[], stopReason: StopReason, steps: number, fit: WidthTrial['fit'] | null): Promise<WidthTrial> => {
      const designed = specFromParameters(theory, setup, width, parameters, resolution);
      const spec: NnftSpec = { ...designed, estimation: { ...designed.estimation, batches: validationBatches } };
      const outcome = await validateDesign({
        spec,
        target,
        orders,
        tolerance: settings.tolerance,
        ensembleSize: settings.validationEnsembleSize,
        maxEnsembleSize: settings.maxValidationEnsembleSize,
        rootSeed: settings.seed,
        width,
        systematics,
        free: setup.terms.length === 0,
        ...(options.workers ? { workers: options.workers } : {}),
        backend: backend.name as BackendRequest,
        ...(options.signal ? { signal: options.signal } : {}),
        onEvent,
      });
      const { comparison, consistency: check } = outcome;
      const relativeErrorStderr = Math.max(...comparison.orders.map((order) => order.relativeErrorStderr));
      const trial: WidthTrial = {
        width,
        relativeError: comparison.worstRelativeError,
        relativeErrorStderr,
        met: outcome.status === 'met',
        status: outcome.status,
        reasons: outcome.reasons,
        consistency: check,
        resolution: outcome.resolution,
        requiredValidationEnsembleSize: outcome.requiredEnsembleSize,
        parameters: recordFromValues(setup.model, parameters),
        stopReason: stopReason,
        steps: steps,
        comparison,
        validation: { seed: outcome.seed, ensembleSize: outcome.ensembleSize, batches: validationBatches, effectiveSampleSize: outcome.estimate.effectiveSampleSize },
        achieved: outcome.achieved,
        spec,
        ...(fit ? { fit } : {}),
      };
      onEvent({
        type: 'info',
        message: `width ${width}: ${headline({ ...trial, ensembleSize: trial.validation.ensembleSize }, settings.tolerance)}`,
        data: { width, status: trial.status, relativeError: trial.relativeError, chiSquaredPerDof: check.chiSquaredPerDof, pValue: check.pValue, worstPull: check.worstPull.pull },
      });
      for (const reason of outcome.reasons) onEvent({ type: 'info', message: `width ${width}: ${reason}` });
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
        const search = await searchWidth(runAtWidth, { minWidth: settings.minWidth, maxWidth: settings.maxWidth, resolution: 0.15, granularity: 8, stop: (trial) => trial.status === 'unresolved' });
        chosen = search.chosen;
      } else {
        chosen = await runAtWidth(settings.width);
      }
    } catch (error) {
      // An interrupt during the fit sets the flag; one during a validation estimate arrives as an error.
      if (isNnftError(error) && error.code === 'E_INTERRUPTED') interrupted = true;
      if (!interrupted) throw error;
    }
    // Report the best trial even when none met the tolerance.
    const trials = checkpoint.trials;
    // Report the met width, else the best: a consistent trial before an inconsistent one, then the
    // smallest relative error.
    const rank = (trial: WidthTrial) => (isConsistent(trial.consistency, CONSISTENCY_P_VALUE) ? 0 : 1);
    const reported = chosen ?? (trials.length ? [...trials].sort((a, b) => rank(a) - rank(b) || a.relativeError - b.relativeError)[0]! : null);
    const status: DesignResult['status'] = interrupted ? 'interrupted' : chosen?.met ? 'met' : reported?.status === 'unresolved' ? 'unresolved' : 'not-met';

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
            validation: { ...reported.validation, status: reported.status, relativeError: reported.relativeError, relativeErrorStderr: reported.relativeErrorStderr, met: reported.met, consistency: reported.consistency, reasons: reported.reasons },
            achievedVsTarget: reported.comparison.orders.map((order) => ({ order: order.order, relativeError: order.relativeError, rows: order.rows })),
            widthCurve: trials.map((trial) => ({ width: trial.width, status: trial.status, relativeError: trial.relativeError, relativeErrorStderr: trial.relativeErrorStderr, chiSquaredPerDof: trial.consistency.chiSquaredPerDof, pValue: trial.consistency.pValue, met: trial.met })),
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
      status,
      reasons: reported && !reported.met ? reported.reasons : [],
      consistency: reported?.consistency ?? null,
      relativeError: reported?.relativeError ?? null,
      points: theory.points.map((point) => [...point]),
      correlators: reported?.achieved.correlators ?? [],
      target,
      achieved: reported?.achieved ?? null,
      width: reported?.width ?? null,
      parameters: reported?.parameters ?? null,
      tolerance: settings.tolerance,
      comparison: reported?.comparison ?? null,
      widthCurve: trials.map((trial) => ({ width: trial.width, relativeError: trial.relativeError, relativeErrorStderr: trial.relativeErrorStderr, met: trial.met, status: trial.status, chiSquaredPerDof: trial.consistency.chiSquaredPerDof, pValue: trial.consistency.pValue, stopReason: trial.stopReason, steps: trial.steps })),
      specPath,
      runDirectory: run?.path ?? null,
      method: 'Levenberg-Marquardt on one fixed sample of networks (sample-average approximation: exact correlators and Jacobian from cached per-network monomials and deformation integrals), then a minimax (Lawson) polish of the relative errors; validation on a fresh seed',
      backend: backend.name,
      seed: settings.seed,
      ensembleSize: settings.ensembleSize,
      /** Networks of the reported width's validation (the pilot size, grown to resolve the tolerance). */
      validationEnsembleSize: reported?.validation.ensembleSize ?? settings.validationEnsembleSize,
      seconds: (Date.now() - started) / 1000,
      notes: [...setup.notes],
      targetSha256: theory.source.sha256 ?? sha256Hex(JSON.stringify(theorySummary(theory))),
    };
    if (run && !interrupted) await run.writeJson('result.json', result);
    return result;
  } finally {
    // The run directory is locked while the run uses it (io/run-directory.ts).
    await run?.release();
  }
}

/**
 * One line a physicist can read: status, tolerance, achieved relative error, the validation's
 * chi^2/dof with its p-value against the target, and the worst pull.
 */
export function headline(verdict: { status: TrialStatus; relativeError: number; relativeErrorStderr: number; consistency: Consistency; ensembleSize: number }, tolerance: number): string {
  const check = verdict.consistency;
  const status = verdict.status === 'met' ? 'met' : verdict.status === 'unresolved' ? 'UNRESOLVED' : 'NOT met';
  return (
    `${status}: tolerance ${tolerance}, relative error ${verdict.relativeError.toFixed(4)} ± ${verdict.relativeErrorStderr.toFixed(4)}, ` +
    `validation chi2/dof ${Number.isFinite(check.chiSquaredPerDof) ? check.chiSquaredPerDof.toFixed(2) : String(check.chiSquaredPerDof)} (${check.degreesOfFreedom} dof, ${check.law}), ` +
    `p = ${check.pValue.toPrecision(2)}, worst pull ${check.worstPull.pull.toFixed(1)} (G_c${check.worstPull.order}[${check.worstPull.indices.join(',')}]), ${verdict.ensembleSize} networks` +
    (check.unfloored && check.unfloored.pValue < CONSISTENCY_P_VALUE
      ? `; beyond the tolerance's resolution the estimate does see deviations (unfloored chi2/dof ${check.unfloored.chiSquaredPerDof.toFixed(2)}, p = ${check.unfloored.pValue.toPrecision(2)}, worst pull ${check.unfloored.worstPull.pull.toFixed(1)})`
      : '')
  );
}
