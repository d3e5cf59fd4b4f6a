/**
 * How an ensemble of M networks is cut into chunks and batches. The plan depends only on M, the
 * chunk budget and the batch count, never on the number of workers: chunk c always holds networks
 * [c * size, ...), draws its parameters from seed (root, "ensemble/parameters", c) and belongs to
 * batch c mod B, so results are independent of how chunks are spread over workers.
 */
export interface ChunkPlan {
  readonly ensembleSize: number;
  readonly chunkSize: number;
  readonly chunkCount: number;
  readonly batchCount: number;
  /**
   * Amplitude-phase images per momentum draw (ensemble/draw-images.ts; absent or 1: none). With K > 1
   * the plan counts momentum draws: chunk c holds chunkLength draws, K networks each.
   */
  readonly amplitudeImages?: number;
  /** The amplitude-scale average of ensemble/draw-images.ts (Gaussian amplitudes; absent: off). */
  readonly scaleAverage?: boolean;
}

export const DEFAULT_CHUNK_SIZE = 2000;
export const DEFAULT_BATCH_COUNT = 32;
/**
 * Floats of one field-on-grid tensor [chunk, grid points] (16 Mi = 64 MB). The deformation keeps
 * several such tensors alive at once (the field and its Hermite recurrence), and 2,000 networks on a
 * d = 2 grid of 144 x 144 nodes overran the 4 GB wasm heap, so large grids get smaller chunks. Grids
 * in d = 1 (a few thousand nodes) keep the default.
 */
export const GRID_TENSOR_FLOATS = 16 * 1024 * 1024;

/** The chunk budget: the requested (or default) size, capped so one field-on-grid tensor stays bounded. */
export function chunkBudget(requested: number | undefined, gridPoints: number | null): number {
  const base = requested ?? DEFAULT_CHUNK_SIZE;
  return gridPoints ? Math.max(1, Math.min(base, Math.floor(GRID_TENSOR_FLOATS / gridPoints))) : base;
}

export function planChunks(ensembleSize: number, chunkBudget = DEFAULT_CHUNK_SIZE, batchCount = DEFAULT_BATCH_COUNT): ChunkPlan {
  if (!Number.isSafeInteger(ensembleSize) || ensembleSize < 2) throw new RangeError(`ensemble size must be an integer >= 2, got ${ensembleSize}`);
  const batches = Math.max(2, Math.min(batchCount, ensembleSize));
  // At least one chunk per batch, so every batch holds networks.
  const chunkSize = Math.max(1, Math.min(chunkBudget, Math.floor(ensembleSize / batches)));
  const chunkCount = Math.ceil(ensembleSize / chunkSize);
  return { ensembleSize, chunkSize, chunkCount, batchCount: batches };
}

export function chunkLength(plan: ChunkPlan, chunkIndex: number): number {
  return Math.min(plan.chunkSize, plan.ensembleSize - chunkIndex * plan.chunkSize);
}

export const PARAMETER_STREAM = 'ensemble/parameters';

/**
 * One slice of an estimate for a job array (`nnft estimate --shard i/n`): shard i owns the batches
 * b with b mod n = i, and so every chunk c with (c mod B) mod n = i. A batch's sums are formed whole
 * inside one shard, in the same chunk order as an unsharded run, so joining the shards' batches
 * (mergeEstimateShards) gives the unsharded estimate to the bit. Needs n <= B.
 */
export interface EstimateShard {
  /** 0-based, 0 <= index < count (SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX). */
  readonly index: number;
  readonly count: number;
}

/** The batches shard (i, n) owns, in increasing order (every batch when shard is null). */
export function shardBatches(plan: ChunkPlan, shard: EstimateShard | null): number[] {
  const batches: number[] = [];
  for (let batch = 0; batch < plan.batchCount; batch++) if (!shard || batch % shard.count === shard.index) batches.push(batch);
  return batches;
}

/** The chunks shard (i, n) draws, in increasing order (every chunk when shard is null). */
export function shardChunks(plan: ChunkPlan, shard: EstimateShard | null): number[] {
  const chunks: number[] = [];
  for (let chunk = 0; chunk < plan.chunkCount; chunk++) if (!shard || (chunk % plan.batchCount) % shard.count === shard.index) chunks.push(chunk);
  return chunks;
}
