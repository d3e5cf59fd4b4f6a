/**
 * estimateSpec: a spec in, a CorrelatorResult out (kind "ensemble-correlators"), with everything
 * needed to trust or reproduce it: method, backend, seed, ensemble size, ESS, per-value estimator
 * and variance-reduction factors, chunk plan and timing.
 */
import { initBackend, type BackendRequest } from '../backend/index.js';
import { NnftError, isNnftError } from '../errors.js';
import { ignoreEvents, type EventSink } from '../io/events.js';
import { RESULT_VERSION, type CorrelatorResult } from '../io/result.js';
import { estimateEnsemble, type EnsembleEstimate, type EnsembleEstimateOptions } from '../ensemble/estimate-ensemble.js';
import { estimateEnsembleMcmc, type McmcDiagnostics } from '../ensemble/mcmc-estimate.js';
import { estimateEnsembleSharded } from '../ensemble/sharded-estimate.js';
import { architectureFromSpec, deformationFromSpec, symmetryImages } from './build-ensemble.js';
import type { Architecture, Points } from '../architectures/architecture.js';
import type { CompiledDeformation } from '../densities/deformations.js';
import type { NnftSpec } from './spec.js';

export interface EstimateSpecOptions {
  readonly ensembleSize?: number;
  readonly seed?: number;
  /** worker_threads to shard over (default 1 in the library; the CLI defaults to all cores). */
  readonly workers?: number;
  readonly backend?: BackendRequest;
  /** Override the spec's observables.points. */
  readonly points?: readonly (readonly number[])[];
  readonly onEvent?: EventSink;
  /**
   * Stops the estimate between chunks (and MCMC sweeps) with E_INTERRUPTED once aborted, e.g. by the
   * CLI's SIGINT/SIGTERM handler (docs/ensemble.md, "Interrupts").
   */
  readonly signal?: AbortSignal;
}

export const DEFAULT_ENSEMBLE_SIZE = 100_000;
export const DEFAULT_SEED = 1;

/** Everything an estimate of a spec is made of, before any network is drawn (plain inputs resolved). */
export interface PreparedEstimate {
  readonly spec: NnftSpec;
  readonly points: readonly (readonly number[])[];
  readonly ensembleSize: number;
  readonly seed: number;
  readonly architecture: Architecture;
  readonly deformation: CompiledDeformation | null;
  readonly images: Points[];
  readonly options: EnsembleEstimateOptions;
}

/**
 * Resolve a spec and the overrides (ensemble size, seed, points) into the ensemble estimate's
 * options: the architecture, the deformation, the symmetry images and the chunk settings. Shared by
 * estimateSpec, estimateSpecShard and mergeEstimateShards, so the three cannot differ.
 */
export function prepareEstimate(spec: NnftSpec, options: Pick<EstimateSpecOptions, 'ensembleSize' | 'seed' | 'points' | 'onEvent' | 'signal'> = {}): PreparedEstimate {
  const points = options.points ?? spec.observables.points;
  points.forEach((point, index) => {
    if (point.length !== spec.dimension) throw new NnftError('E_SEMANTIC', `point ${index} has ${point.length} coordinates, the spec's dimension is ${spec.dimension}`);
  });
  const ensembleSize = options.ensembleSize ?? spec.estimation?.ensembleSize ?? DEFAULT_ENSEMBLE_SIZE;
  const seed = options.seed ?? spec.estimation?.seed ?? DEFAULT_SEED;
  const lattice = spec.architecture.kind === 'cos-net' && spec.architecture.momentumSampling === 'lattice' ? spec.architecture.lattice : undefined;
  if (lattice) {
    points.forEach((point, index) => {
      if (!point.every((coordinate) => Math.abs(coordinate / lattice.spacing - Math.round(coordinate / lattice.spacing)) <= 1e-9)) {
        throw new NnftError('E_SEMANTIC', `point ${index} [${point.join(', ')}] is not a site of the spec's lattice (spacing ${lattice.spacing})`, { hint: `round each coordinate to a multiple of ${lattice.spacing}` });
      }
    });
  }
  const architecture = architectureFromSpec(spec);
  const deformation = deformationFromSpec(spec, architecture);
  const images = symmetryImages(spec, points);
  // On a lattice the interaction acts on every site of the periodic lattice: lattice translations are exact.
  if (deformation && spec.deformation?.region.kind !== 'lattice' && (spec.estimation?.translations?.length ?? 0) > 0) {
    (options.onEvent ?? ignoreEvents)({
      type: 'warning',
      path: 'estimation.translations',
      message: 'translations are a symmetry of the deformed ensemble only away from the boundary of the interaction region',
      hint: 'keep translated points several correlation lengths inside the region',
    });
  }
  const orders = [...spec.observables.connected].sort((a, b) => a - b);
  const estimateOptions: EnsembleEstimateOptions = {
    architecture,
    deformation,
    points,
    orders,
    ensembleSize,
    seed,
    ...(spec.estimation?.chunkSize ? { chunkSize: spec.estimation.chunkSize } : {}),
    ...(spec.estimation?.batches ? { batchCount: spec.estimation.batches } : {}),
    images,
    controlVariate: spec.estimation?.controlVariate ?? 'auto',
    ...(spec.estimation?.minEssFraction ? { minEssFraction: spec.estimation.minEssFraction } : {}),
    onEvent: options.onEvent ?? ignoreEvents,
    ...(options.signal ? { signal: options.signal } : {}),
  };
  return { spec, points, ensembleSize, seed, architecture, deformation, images, options: estimateOptions };
}

/** The `ensemble-correlators` result of a finished estimate (estimateSpec's, and a merge's). */
export function ensembleCorrelatorResult(
  prepared: PreparedEstimate,
  estimate: EnsembleEstimate & { mcmc?: McmcDiagnostics },
  run: { backend: string; device: string; workers: number; seconds: number },
): CorrelatorResult {
  const { summary, diagnostics } = estimate;
  const { spec, points, architecture, deformation, images, seed } = prepared;
  return {
    nnftResult: RESULT_VERSION,
    kind: 'ensemble-correlators',
    points: points.map((point) => [...point]),
    correlators: summary.orders.map((order) => ({ order: order.order, indices: order.indices, values: order.values, stderr: order.stderr, ...(order.replicates.length ? { replicates: order.replicates } : {}) })),
    method: estimate.mcmc
      ? 'Markov chain Monte Carlo in parameter space (neuron-redraw Metropolis-Hastings)'
      : deformation
        ? 'self-normalised importance sampling over the base ensemble'
        : 'direct sampling of the base ensemble',
    ...(estimate.mcmc ? { mcmc: estimate.mcmc } : {}),
    spec: spec.name,
    architecture: architecture.description,
    deformation: deformation?.description ?? null,
    backend: run.backend,
    device: run.device,
    seed,
    ensembleSize: summary.ensembleSize,
    effectiveSampleSize: summary.effectiveSampleSize,
    essFraction: diagnostics.essFraction,
    errors: `one standard error, delete-one-batch jackknife over ${summary.batchCount} batches`,
    varianceReduction: summary.orders.map((order) => ({
      order: order.order,
      estimator: order.estimator,
      // An exact value (zero error left, e.g. a Gaussian design with no weight) has an infinite factor,
      // which JSON cannot hold: null, rendered as "exact".
      factor: order.varianceReduction.map((factor) => (Number.isFinite(factor) ? factor : null)),
      plainValues: order.plainValues,
      plainStderr: order.plainStderr,
    })),
    symmetryImages: estimate.mcmc ? 0 : images.length,
    workers: run.workers,
    chunkSize: diagnostics.plan.chunkSize,
    chunks: diagnostics.plan.chunkCount,
    seconds: run.seconds,
  };
}

export async function estimateSpec(spec: NnftSpec, options: EstimateSpecOptions = {}): Promise<CorrelatorResult> {
  const backend = await initBackend(options.backend ?? 'auto');
  const prepared = prepareEstimate(spec, options);
  const { options: estimateOptions, deformation } = prepared;
  const workers = Math.max(1, Math.floor(options.workers ?? 1));
  let estimate: EnsembleEstimate & { mcmc?: McmcDiagnostics };
  try {
    estimate = workers > 1 ? await estimateEnsembleSharded(estimateOptions, { workers, backend: backend.name, spec }) : await estimateEnsemble(estimateOptions);
  } catch (error) {
    if (!(isNnftError(error) && error.code === 'E_ESS_COLLAPSE' && deformation && spec.estimation?.mcmc !== 'off')) throw error;
    (options.onEvent ?? ignoreEvents)({ type: 'warning', message: `${error.message}; sampling the deformed density by MCMC in parameter space instead`, path: 'deformation' });
    estimate = await estimateEnsembleMcmc({ ...estimateOptions, images: [] });
  }
  return ensembleCorrelatorResult(prepared, estimate, { backend: backend.name, device: backend.device, workers, seconds: estimate.diagnostics.seconds });
}
