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
