/**
 * The design, as a library function on plain data:
 *
 *   design(theory or target object, settings, run?) -> DesignResult
 *
 *   Theory -> target correlators (auto method)
 *   -> setup (region, deformation terms, analytic initial parameters)
 *   -> per width: one fixed sample of networks (fit-on-sample.ts: Levenberg-Marquardt on cached
 *      per-network numbers, minimax polish, kurtosis redraws) -> validation estimate with a fresh
 *      seed (closed form for free designs) -> relative error per order vs tolerance
 *   -> width search (fixed width, or the smallest passing width)
 *   -> spec.json + result.json in the run directory (atomic writes; resumable).
 *
 * `settings` say what the design is (design-settings.ts; stored in the run's config.json); `run` says
 * where and how it runs: the run directory, the backend (started once, in a ComputeContext that every
 * estimate of the run uses: backend/compute-context.ts), workers, a time limit, events and an abort
 * signal. designFile(path, ...) reads a target file first; resumeDesign(dir) continues a run from its
 * directory alone. `nnft design` parses its flags into these and renders the result.
 */
import { loadTarget, loadTargetObject } from '../theory/load-target.js';
import type { Theory } from '../theory/theory.js';
import type { RawTarget } from '../theory/raw-target.js';
import { computeTargetCorrelators } from '../correlators/index.js';
import { contextBackend, expectContextBackend, openComputeContext, type ComputeContext, type ComputeRequest } from '../backend/index.js';
import { NnftError, isNnftError } from '../errors.js';
import { deriveSeed } from '../random/index.js';
import { ignoreEvents, type EventSink } from '../io/events.js';
import { RESULT_VERSION, type CorrelatorResult } from '../io/result.js';
import { checkNewRunDirectory, openRunDirectory, type RunDirectory } from '../io/run-directory.js';
import { sha256Hex } from '../io/canonical-json.js';
import { NNFT_VERSION } from '../version.js';
import type { NnftSpec } from '../spec/spec.js';
import { heldFlags, initialValues, parameterBounds, parameterNames, recordFromValues } from './design-model.js';
import { designSetup, refuseUndesignableTarget, specFromParameters } from './design-setup.js';
import { withChosenBoxMass } from './box-mass-pilots.js';
import { designGrid } from './design-grid.js';
import type { CorrelatorComparison } from './compare-correlators.js';
import { fitOnSample, type FitState } from './fit-on-sample.js';
import type { StopReason } from './optimise-saa.js';
import { CONSISTENCY_P_VALUE, validateDesign, type OrderResolution, type TrialStatus } from './validate-design.js';
import { targetSystematics } from './target-systematics.js';
import { isConsistent, type Consistency } from './consistency.js';
import { searchWidth, type WidthTrialOutcome } from './width-search.js';
import { networkReference } from './network-reference.js';
import { firstDesignWidth, resolveDesignSettings, type DesignSettings, type ResolvedDesignSettings } from './design-settings.js';
import { designRunConfig, readDesignRunConfig, theorySummary } from './design-run-config.js';
import { checkDesignCheckpoint } from './design-checkpoint.js';
import { checkDesignSampleSize } from './design-sample.js';

export { DESIGN_DEFAULTS, type DesignSettings, type ResolvedDesignSettings } from './design-settings.js';
export { readDesignRunConfig, type DesignRunConfig } from './design-run-config.js';

/**
 * Where and how a design runs (none of it changes what the design is, so none of it is stored as a
 * setting): the run directory, the compute context's request (backend, or an already started one,
 * workers, events, abort signal) and a wall-clock limit.
 */
export interface DesignRun extends ComputeRequest {
  /** Run directory; created (or continued with `resume`). Absent: nothing is written. */
  out?: string | null;
  resume?: boolean;
  /** Wall-clock limit for the whole run, seconds (stops the optimisation, then validates). */
  timeLimitSeconds?: number;
}

/** A target as data: the document a target file holds ("nnftTarget": 1, ...), validated by design(). */
export type TargetDocument = RawTarget | { readonly [key: string]: unknown };

/** Smallest chunk of a validation estimate (see validationBatches). */
const VALIDATION_CHUNK = 200;

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

function isTheory(value: unknown): value is Theory {
  return typeof value === 'object' && value !== null && !('nnftTarget' in value) && 'source' in value && 'connectedOrders' in value && 'points' in value;
}

/**
 * Design a network ensemble realising `target`: a Theory (loadTarget, loadTargetObject) or a target
 * document given as data, which is validated as a target file would be (its warnings become events).
 * Settings are checked against DESIGN_OPTION_RULES (E_USAGE at "settings.<key>"). The backend is
 * started once (run.backend, default auto) and every estimate of the run uses it; the result, the
 * spec's provenance and each stage's own record name it.
 */
export async function design(target: Theory | TargetDocument, settings: DesignSettings = {}, run: DesignRun = {}): Promise<DesignResult> {
  const resolved = resolveDesignSettings(settings);
  const onEvent = run.onEvent ?? ignoreEvents;
  let theory: Theory;
  if (isTheory(target)) theory = target;
  else {
    const loaded = await loadTargetObject(target);
    for (const warning of loaded.warnings) onEvent({ type: 'warning', message: warning.message, path: warning.path, ...(warning.hint ? { hint: warning.hint } : {}) });
    theory = loaded.theory;
  }
  return designTheory(theory, resolved, run);
}

/** design() on a target file: read and validated with loadTarget (its warnings become events), then designed. */
export async function designFile(file: string, settings: DesignSettings = {}, run: DesignRun = {}): Promise<DesignResult> {
  const resolved = resolveDesignSettings(settings);
  const loaded = await loadTarget(file);
  for (const warning of loaded.warnings) run.onEvent?.({ type: 'warning', message: warning.message, path: warning.path, ...(warning.hint ? { hint: warning.hint } : {}) });
  return designTheory(loaded.theory, resolved, run);
}

/**
 * Continue the run in `directory` from its config.json alone: the target (the file it names, or the
 * target it stores when it was given as data) and the stored settings, checked again (E_SCHEMA at
 * "config.settings.<key>": the file's hash guards against damage, not against a config rewritten
 * with a fresh hash). `given` is what a caller states again (a command line's target and flags): a
 * value that differs from the stored one is refused with the run directory's E_USAGE.
 */
export async function resumeDesign(
  directory: string,
  run: Omit<DesignRun, 'out' | 'resume'> = {},
  given: { targetFile?: string; settings?: DesignSettings } = {},
): Promise<DesignResult> {
  const stored = await readDesignRunConfig(directory);
  const settings = { ...stored.settings, ...definedEntries(given.settings ?? {}) } as DesignSettings;
  const resumeRun: DesignRun = { ...run, out: directory, resume: true };
  if (given.targetFile !== undefined || stored.targetFile !== null) return designFile(given.targetFile ?? stored.targetFile!, settings, resumeRun);
  const loaded = await loadTargetObject(stored.targetDocument, { sha256: stored.targetSha256 });
  return designTheory(loaded.theory, resolveDesignSettings(settings), resumeRun);
}

function definedEntries(record: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

async function designTheory(theory: Theory, settings: ResolvedDesignSettings, options: DesignRun): Promise<DesignResult> {
  const started = Date.now();
  refuseUndesignableTarget(theory);
  if (options.out && !options.resume) await checkNewRunDirectory(options.out);
  if (theory.interactions.length > 0) checkDesignSampleSize(theory.points.length, Math.max(...theory.connectedOrders), settings.ensembleSize);
  // The backend is started here, once; every stage below estimates on context.backend.
  const context: ComputeContext = await openComputeContext(options);
  const onEvent: EventSink = context.onEvent;
  const { backend } = context;
  onEvent({ type: 'info', message: `backend ${backend.name}: ${backend.device}` });

  const target =
    settings.targetMethod === 'network'
      ? await networkReference(theory, {
          ensembleSize: settings.validationEnsembleSize,
          seed: deriveSeed(settings.seed, 'design/network-reference', 0),
          backend: contextBackend(context),
          ...(context.workers ? { workers: context.workers } : {}),
          onEvent,
        })
      : await computeTargetCorrelators(theory, { onEvent, ...(context.signal ? { signal: context.signal } : {}), ...(settings.targetMethod !== 'auto' ? { method: settings.targetMethod } : {}) });
  // A network reference is an estimate: it must have run on the run's backend (the others are host float64).
  if (settings.targetMethod === 'network') expectContextBackend(context, target.backend, 'the network reference of the target');
  onEvent({ type: 'info', message: `target correlators by ${String(target.method)}` });

  const constructed = designSetup(theory, { amplitudeLaw: settings.amplitudeLaw, momenta: settings.momenta });
  for (const note of constructed.notes) onEvent({ type: 'info', message: note });
  const setup = await withChosenBoxMass(theory, constructed, target, settings, context);
  const names = parameterNames(setup.model);
  const orders: number[] = [...theory.connectedOrders];
  const evenOnly = setup.terms.every((term) => term.kind !== 'local' || term.power % 2 === 0);

  const config = designRunConfig(theory, settings, NNFT_VERSION);
  let run: RunDirectory<typeof config> | null = null;
  if (options.out) run = await openRunDirectory(options.out, config, options.resume ? 'resume' : 'create');
  try {
    const stored = run ? await run.readCheckpoint<DesignCheckpoint>((state) => checkDesignCheckpoint(state, names.length)) : null;
    const checkpoint: DesignCheckpoint = stored ?? { trials: [], current: null };
    if (run && stored) onEvent({ type: 'info', message: `resuming ${run.path}: ${stored.trials.length} width(s) done${stored.current ? `, width ${stored.current.width} after ${stored.current.fit.saa?.iteration ?? 0} iterations` : ''}` });

    // Every parameter acts on cached per-network numbers of one fixed sample (the base density is the
    // target's, so the grid resolves the weight's largest frequency, with a 5% margin).
    const resolution = designGrid(setup);
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
        context,
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
      // Every width starts from the analytic construction, the point that is the target at infinite
      // width, never from another width's fit: the fit keeps its starting point where its moves are
      // within the sample's noise (fit-significance.ts), so a warm start would carry the previous
      // width's corrections (finite-width or noise) into a width where they are wrong. On
      // conf-1d-phi3-phi4-box the width-64 fit moved coupling2 and coupling1 by 3.3 and 3.6 standard
      // errors; widths 128 and 256 kept those values and validated with G_c3 pulls of 4.3 and 5.9,
      // while the analytic construction at width 128 gives pulls within 2.3 on 600,000 networks
      // (docs/design.md, "The width search").
      const initial = initialValues(setup.model);
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
        ...(context.signal ? { signal: context.signal } : {}),
        recordStep: async (record) => {
          if (run) await run.appendMetrics({ width, ...record });
        },
        saveState: async (state) => {
          checkpoint.current = { width, fit: state };
          if (run) await run.writeCheckpoint(checkpoint);
        },
        resumeFrom: checkpoint.current && checkpoint.current.width === width && 'fit' in checkpoint.current ? checkpoint.current.fit : null,
        workers: context.workers ?? 1,
        backend: contextBackend(context),
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
        const search = await searchWidth(runAtWidth, { minWidth: Math.min(settings.maxWidth, firstDesignWidth(theory.dimension, settings.minWidth)), maxWidth: settings.maxWidth, resolution: 0.15, granularity: 8, stop: (trial) => trial.status === 'unresolved' });
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
