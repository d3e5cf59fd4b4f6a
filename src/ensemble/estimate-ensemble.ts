/**
 * Stream an ensemble through the estimators in memory-bounded chunks: draw chunk c, add its moment
 * sums (one MomentSums per symmetry image) to batch c mod B, and finally form connected correlators
 * with jackknife errors, ESS and variance-reduction factors. Memory is O(chunk size x points) on the
 * device and O(batches x monomials) on the host, whatever the ensemble size.
 */
import { tf } from '../backend/index.js';
import { NnftError, throwIfInterrupted } from '../errors.js';
import type { Architecture, Points } from '../architectures/architecture.js';
import type { CompiledDeformation } from '../densities/deformations.js';
import { estimateCorrelators, type EstimateSummary, type ImageSums } from '../estimators/correlator-estimate.js';
import { MomentSums } from '../estimators/moment-sums.js';
import { linearResponse } from '../estimators/linear-response.js';
import { monomialTable, type MonomialTable } from '../estimators/monomials.js';
import { ignoreEvents, type EventSink } from '../io/events.js';
import { DEFAULT_CHUNK_SIZE, chunkBudget, chunkLength, planChunks, shardBatches, shardChunks, type ChunkPlan, type EstimateShard } from './chunk-plan.js';
import { drawChunk, type DrawnChunk } from './draw-chunk.js';
import { amplitudeImagesRefusal, drawImageChunk, scaleAverageRefusal, type ScaleAveraged } from './draw-images.js';
import type { CosNet } from '../architectures/cos-net-types.js';

export type ControlVariateMode = 'auto' | 'on' | 'off';

export interface EnsembleEstimateOptions {
  readonly architecture: Architecture;
  readonly deformation: CompiledDeformation | null;
  readonly points: Points;
  /** Connected orders to report (from 1..6). */
  readonly orders: readonly number[];
  readonly ensembleSize: number;
  readonly seed: number;
  readonly chunkSize?: number;
  readonly batchCount?: number;
  /**
   * Extra point sets, each the image of `points` under an exact symmetry of the deformed ensemble
   * (reflections through the centre of a symmetric region, rotations, ...); correlators are averaged
   * over `points` and its images.
   */
  readonly images?: readonly Points[];
  /** auto: the control variate whenever the ensemble is deformed and exact moments are known. */
  readonly controlVariate?: ControlVariateMode;
  /** Below this ESS/M the importance weights are not trusted (E_ESS_COLLAPSE). Default 0.01. */
  readonly minEssFraction?: number;
  readonly onEvent?: EventSink;
  /**
   * Checked before every chunk: once aborted (Ctrl-C, SIGTERM, a deadline) the estimate stops with
   * E_INTERRUPTED instead of drawing the rest of the ensemble (docs/ensemble.md, "Interrupts").
   */
  readonly signal?: AbortSignal;
  /**
   * K phase-amplitude images per momentum draw (ensemble/draw-images.ts, docs/performance.md,
   * "Amplitude-phase images"): the same ensemble law, ensembleSize networks in ceil(M/K) momentum
   * draws. Default 1 (none).
   */
  readonly amplitudeImages?: number;
  /**
   * Average every network over its overall amplitude scale in closed form (ensemble/draw-images.ts,
   * ScaleAveraged; Gaussian amplitudes, local terms): the same ensemble law. Default off.
   */
  readonly amplitudeScaleAverage?: boolean;
}

/**
 * Let timers and signal handlers run between chunks: a chunk's tensor work may resolve entirely in
 * microtasks, and a SIGINT handler only runs once the event loop gets a turn.
 */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export interface EnsembleDiagnostics {
  readonly plan: ChunkPlan;
  readonly effectiveSampleSize: number;
  readonly essFraction: number;
  readonly tensorsBefore: number;
  readonly tensorsAfter: number;
  /** Largest growth of tf.memory().numTensors seen between chunks (0 = no leak). */
  readonly tensorGrowth: number;
  readonly seconds: number;
  readonly controlVariate: boolean;
  /** The first-order control variate was used (exactly Gaussian base, local deformation). */
  readonly firstOrderControlVariate: boolean;
  readonly imageCount: number;
}

export interface EnsembleEstimate {
  readonly summary: EstimateSummary;
  readonly diagnostics: EnsembleDiagnostics;
}

/** Everything a process (main thread or worker) needs to draw and accumulate chunks. */
export interface AccumulationSetup {
  readonly architecture: Architecture;
  readonly deformation: CompiledDeformation | null;
  readonly pointSets: readonly Points[];
  readonly maxOrder: number;
  readonly seed: number;
  readonly plan: ChunkPlan;
}

export function monomialTables(setup: Pick<AccumulationSetup, 'pointSets' | 'maxOrder'>): MonomialTable[] {
  return setup.pointSets.map((points) => monomialTable(points.length, setup.maxOrder));
}

/**
 * Whether the first-order control variate applies (an exactly Gaussian base, a local deformation):
 * only then do the sums carry sum h O, and only then is the exact linear response formed.
 */
export function tracksLinearResponse(setup: Pick<AccumulationSetup, 'architecture' | 'deformation'>): boolean {
  const modes = setup.architecture.gaussianModes;
  const deformation = setup.deformation;
  if (!modes || deformation === null || !deformation.local) return false;
  // Split momenta: the deformation must see only the fixed Gaussian nodes.
  const completeBelow = modes.completeBelow ?? null;
  return completeBelow === null || (deformation.modeCutoff !== null && deformation.modeCutoff <= completeBelow);
}

/** Moment sums of one chunk, one per point set. */
export function chunkMomentSums(tables: readonly MonomialTable[], drawn: DrawnChunk & Partial<ScaleAveraged>, pointCount: number, linear = false): MomentSums[] {
  return tables.map((table, image) => {
    const sums = new MomentSums(table);
    const columns = drawn.columns.slice(image * pointCount, (image + 1) * pointCount);
    if (drawn.degreeWeights) {
      sums.addNetworksByDegree(columns, drawn.count, drawn.degreeWeights, drawn.logShift!, drawn.plainFactors!);
      return sums;
    }
    sums.addNetworks(drawn.columns.slice(image * pointCount, (image + 1) * pointCount), drawn.count, drawn.logWeights, linear);
    return sums;
  });
}

export async function accumulateChunk(setup: AccumulationSetup, tables: readonly MonomialTable[], chunkIndex: number): Promise<MomentSums[]> {
  const evaluationPoints = setup.pointSets.flat();
  const images = setup.plan.amplitudeImages ?? 1;
  const drawn =
    images > 1 || setup.plan.scaleAverage
      ? await drawImageChunk(setup.architecture as CosNet, setup.deformation!, evaluationPoints, setup.seed, chunkIndex, chunkLength(setup.plan, chunkIndex), images, setup.plan.scaleAverage ?? false, setup.maxOrder)
      : await drawChunk(setup.architecture, setup.deformation, evaluationPoints, setup.seed, chunkIndex, chunkLength(setup.plan, chunkIndex));
  return chunkMomentSums(tables, drawn, setup.pointSets[0]!.length, tracksLinearResponse(setup));
}

/** Exact undeformed moments for every monomial of a point set (NaN where unknown). */
export function exactMomentTable(architecture: Architecture, table: MonomialTable, points: Points): Float64Array {
  const out = new Float64Array(table.tuples.length);
  table.tuples.forEach((tuple, index) => {
    const value = architecture.exactMoment(tuple.map((point) => points[point]!));
    out[index] = value === null ? Number.NaN : value;
  });
  return out;
}

export function validateEstimateOptions(options: EnsembleEstimateOptions): void {
  for (const order of options.orders) {
    if (!Number.isInteger(order) || order < 1 || order > 6) throw new NnftError('E_SEMANTIC', `connected order must be 1..6, got ${order}`);
  }
  if (options.points.length === 0) throw new NnftError('E_SEMANTIC', 'no evaluation points');
  for (const image of options.images ?? []) {
    if (image.length !== options.points.length) throw new NnftError('E_SEMANTIC', 'every symmetry image must list as many points as the point set');
  }
  const images = options.amplitudeImages ?? 1;
  if (!Number.isInteger(images) || images < 1) throw new NnftError('E_SEMANTIC', `amplitude images must be a positive integer, got ${images}`);
  if (images > 1) {
    const refusal = amplitudeImagesRefusal(options.architecture, options.deformation);
    if (refusal) throw new NnftError('E_UNSUPPORTED', `amplitude images: ${refusal}`);
  }
  if (options.amplitudeScaleAverage) {
    const refusal = scaleAverageRefusal(options.architecture, options.deformation);
    if (refusal) throw new NnftError('E_UNSUPPORTED', `amplitude-scale average: ${refusal}`);
  }
}

/** How a run went, for its diagnostics: when it started and what it saw of tensor memory. */
export interface RunRecord {
  /** performance.now() at the start. */
  readonly started: number;
  /** tf.memory().numTensors before the first chunk; absent: the count at the end (runs whose tensors live elsewhere). */
  readonly tensorsBefore?: number;
  readonly tensorGrowth: number;
}

/**
 * Finish: collect per-batch sums (already merged in chunk order) into correlators, check ESS, and
 * report the diagnostics. Shared by the in-process and the worker-sharded paths.
 */
export function finishEstimate(
  options: EnsembleEstimateOptions,
  plan: ChunkPlan,
  tables: readonly MonomialTable[],
  batches: MomentSums[][],
  run: RunRecord,
): EnsembleEstimate {
  const pointSets = [options.points, ...(options.images ?? [])];
  const deformed = options.deformation !== null;
  const mode = options.controlVariate ?? 'auto';
  const controlVariate = mode === 'on' || (mode === 'auto' && deformed);
  // The first-order control variate needs an exactly Gaussian base and a local log-weight.
  const modes = controlVariate && tracksLinearResponse(options) ? options.architecture.gaussianModes! : null;
  const logWeight = modes ? options.deformation!.localLogWeight() : null;
  const images: ImageSums[] = tables.map((table, image) => {
    const exactMoments = controlVariate ? exactMomentTable(options.architecture, table, pointSets[image]!) : null;
    return {
      table,
      batches: batches.map((perImage) => perImage[image]!),
      exactMoments,
      linearResponse: modes && logWeight && exactMoments ? linearResponse(modes, logWeight, table, pointSets[image]!, exactMoments) : null,
    };
  });
  const firstOrder = images.every((image) => image.linearResponse);
  const evenOnly = options.architecture.z2Symmetric && (options.deformation?.evenInPhi ?? true);
  const summary = estimateCorrelators(images, { orders: options.orders, pointCount: options.points.length, evenOnly, controlVariate });
  const essFraction = summary.effectiveSampleSize / summary.ensembleSize;
  const minimum = options.minEssFraction ?? 0.01;
  if (deformed && !(essFraction >= minimum)) {
    throw new NnftError('E_ESS_COLLAPSE', `importance weights collapsed: ESS/M = ${essFraction.toExponential(2)} is below ${minimum}`, {
      hint: 'weaken the deformation, shrink the interaction region, Wick-order the interaction, or sample the deformed density by MCMC',
    });
  }
  const tensorsAfter = tf.memory().numTensors;
  return {
    summary,
    diagnostics: {
      plan,
      effectiveSampleSize: summary.effectiveSampleSize,
      essFraction,
      tensorsBefore: run.tensorsBefore ?? tensorsAfter,
      tensorsAfter,
      tensorGrowth: run.tensorGrowth,
      seconds: (performance.now() - run.started) / 1000,
      controlVariate,
      firstOrderControlVariate: firstOrder && controlVariate,
      imageCount: tables.length,
    },
  };
}

/** The chunk plan of an estimate: the requested chunk size capped for the deformation's grid, and the batch count. */
export function planEstimate(options: Pick<EnsembleEstimateOptions, 'ensembleSize' | 'chunkSize' | 'batchCount' | 'deformation' | 'amplitudeImages' | 'amplitudeScaleAverage'>): ChunkPlan {
  const images = options.amplitudeImages ?? 1;
  if (images > 1 || options.amplitudeScaleAverage) {
    // Plan the momentum draws; a chunk's field tensor holds K networks per draw.
    const gridPoints = options.deformation ? options.deformation.grid.offsetCount * options.deformation.grid.nodeCount * images : null;
    const budget = chunkBudget(Math.max(1, Math.floor((options.chunkSize ?? DEFAULT_CHUNK_SIZE) / images)), gridPoints);
    return { ...planChunks(Math.ceil(options.ensembleSize / images), budget, options.batchCount), amplitudeImages: images, ...(options.amplitudeScaleAverage ? { scaleAverage: true } : {}) };
  }
  return planChunks(options.ensembleSize, chunkBudget(options.chunkSize, options.deformation ? options.deformation.grid.offsetCount * options.deformation.grid.nodeCount : null), options.batchCount);
}

/** Refuse a shard the plan cannot hold: 0 <= i < n <= B (a shard owns whole batches). */
export function checkShardPlan(plan: ChunkPlan, shard: EstimateShard | null): void {
  if (!shard) return;
  if (!Number.isInteger(shard.index) || !Number.isInteger(shard.count) || shard.count < 1 || shard.index < 0 || shard.index >= shard.count) {
    throw new NnftError('E_USAGE', `shard ${shard.index}/${shard.count}: need 0 <= i < n`, { hint: `shards of ${shard.count} are numbered 0..${Math.max(0, shard.count - 1)}` });
  }
  if (shard.count > plan.batchCount) {
    throw new NnftError('E_USAGE', `${shard.count} shards, but the estimate has only ${plan.batchCount} batches: a shard owns whole batches, so n <= ${plan.batchCount}`, {
      hint: `set estimation.batches in the spec to ${shard.count} or more (a multiple of ${shard.count} balances the shards), or use fewer shards`,
    });
  }
}

/**
 * The per-batch moment sums of an estimate (or of one shard of it), before they are turned into
 * correlators: batches[b][image]. Batches outside the shard stay empty.
 */
export interface AccumulatedBatches {
  readonly plan: ChunkPlan;
  readonly tables: MonomialTable[];
  readonly batches: MomentSums[][];
  /** The batches this run filled (every batch when unsharded). */
  readonly filled: number[];
  readonly run: RunRecord;
}

/** Draw the chunks of `shard` (every chunk when null) in order and add each to its batch. */
export async function accumulateEnsemble(options: EnsembleEstimateOptions, shard: EstimateShard | null = null): Promise<AccumulatedBatches> {
  validateEstimateOptions(options);
  const started = performance.now();
  const onEvent = options.onEvent ?? ignoreEvents;
  const plan = planEstimate(options);
  checkShardPlan(plan, shard);
  const pointSets = [options.points, ...(options.images ?? [])];
  const setup: AccumulationSetup = {
    architecture: options.architecture,
    deformation: options.deformation,
    pointSets,
    maxOrder: Math.max(...options.orders),
    seed: options.seed,
    plan,
  };
  const tables = monomialTables(setup);
  const batches: MomentSums[][] = Array.from({ length: plan.batchCount }, () => tables.map((table) => new MomentSums(table)));
  const chunks = shardChunks(plan, shard);
  const total = chunks.reduce((sum, chunk) => sum + chunkLength(plan, chunk), 0);
  const tensorsBefore = tf.memory().numTensors;
  let tensorGrowth = 0;
  let lastReport = 0;
  let lastYield = performance.now();
  let done = 0;
  for (let position = 0; position < chunks.length; position++) {
    const chunkIndex = chunks[position]!;
    if (options.signal && performance.now() - lastYield > 50) {
      await yieldToEventLoop();
      lastYield = performance.now();
    }
    throwIfInterrupted(options.signal, `the ensemble estimate (chunk ${position + 1} of ${chunks.length})`);
    const sums = await accumulateChunk(setup, tables, chunkIndex);
    const batch = batches[chunkIndex % plan.batchCount]!;
    sums.forEach((chunkSums, image) => batch[image]!.merge(chunkSums));
    tensorGrowth = Math.max(tensorGrowth, tf.memory().numTensors - tensorsBefore);
    done += chunkLength(plan, chunkIndex);
    const now = performance.now();
    if (now - lastReport > 500 || position === chunks.length - 1) {
      lastReport = now;
      const elapsed = (now - started) / 1000;
      onEvent({ type: 'progress', task: 'networks', done, total, etaSeconds: (elapsed * (total - done)) / done });
    }
  }
  return { plan, tables, batches, filled: shardBatches(plan, shard), run: { started, tensorsBefore, tensorGrowth } };
}

export async function estimateEnsemble(options: EnsembleEstimateOptions): Promise<EnsembleEstimate> {
  const { plan, tables, batches, run } = await accumulateEnsemble(options);
  return finishEstimate(options, plan, tables, batches, run);
}
