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
