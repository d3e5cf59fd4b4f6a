export { planChunks, chunkLength, shardBatches, shardChunks, DEFAULT_BATCH_COUNT, DEFAULT_CHUNK_SIZE, PARAMETER_STREAM, type ChunkPlan, type EstimateShard } from './chunk-plan.js';
export { drawChunk, type DrawnChunk } from './draw-chunk.js';
export {
  accumulateEnsemble,
  checkShardPlan,
  estimateEnsemble,
  finishEstimate,
  planEstimate,
  type AccumulatedBatches,
  type ControlVariateMode,
  type EnsembleDiagnostics,
  type EnsembleEstimate,
  type EnsembleEstimateOptions,
} from './estimate-ensemble.js';
export { accumulateEnsembleSharded, estimateEnsembleSharded } from './sharded-estimate.js';
export { estimateEnsembleMcmc, type McmcDiagnostics, type McmcOptions } from './mcmc-estimate.js';
