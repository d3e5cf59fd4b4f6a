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
