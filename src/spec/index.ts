export {
  SPEC_VERSION,
  type AmplitudeSpec,
  type ArchitectureSpec,
  type CosNetSpec,
  type DeformationSpec,
  type DeformationTermSpec,
  type EstimationSpec,
  type HiddenLayerNetSpec,
  type NnftSpec,
} from './spec.js';
export { checkSpecSemantics, loadSpec, parseSpec, parseSpecText } from './load-spec.js';
export { architectureFromSpec, deformationFromSpec, symmetryImages } from './build-ensemble.js';
export { estimateSpec, DEFAULT_ENSEMBLE_SIZE, DEFAULT_SEED, type EstimateSpecOptions } from './estimate-spec.js';
export { prepareEstimate, ensembleCorrelatorResult, type PreparedEstimate } from './estimate-spec.js';
export {
  ESTIMATE_SHARD_VERSION,
  checkShardSet,
  checkShardShape,
  decodeFloat,
  encodeFloat,
  estimateShardFileName,
  estimateSpecShard,
  mergeEstimateShards,
  readEstimateShards,
  specHash,
  storeMomentSums,
  writeEstimateShard,
  type EstimateShardFile,
  type EstimateSpecShardOptions,
  type LoadedEstimateShard,
  type MergeEstimateOptions,
  type StoredFloat,
  type StoredMomentSums,
} from './estimate-shard.js';
