/** From connected correlators back to the action: amputation, forward fits, locality (docs/reconstruct.md). */
export { amputateGrid, quarticExchange, MAX_SEXTIC_GRID, type Amputation, type AmputationOptions, type GridCorrelators } from './amputate.js';
export {
  amputateBatches,
  assessVertexNoise,
  MIN_VERTEX_SIGNAL_TO_NOISE,
  type AmputationWithErrors,
  type NoiseAssessment,
} from './amputate-batches.js';
export { contractAllAxes, symmetricTensorFromTuples, tensorFromBlock, tensorOffset, type GridTensor } from './grid-tensor.js';
export { jackknifeBatches, type BatchArrays, type JackknifeResult } from './jackknife.js';
export { fitLinearCouplings, type FitTerm, type FittedCoupling, type LinearFit, type MeasuredValues } from './linear-fit.js';
export { fitCouplings, type CouplingFit, type CouplingFitOptions, type QuadraticTerm } from './coupling-fit.js';
export { profileScan, type ProfilePoint, type ProfileResult } from './profile-scan.js';
export { levenbergMarquardt, type NonlinearFit, type NonlinearModel } from './nonlinear-fit.js';
export {
  derivativeQuarticTree1d,
  localQuarticTree1d,
  nonlocalQuarticTree1d,
  quarticBubbleOneLoop1d,
  quarticExchangeTree1d,
  sexticTadpoleTree1d,
  sexticTree1d,
} from './tree-level-1d.js';
export {
  CANDIDATE_DESCRIPTIONS,
  fitCandidateActions1d,
  type CandidateFailure,
  type CandidateFit,
  type CandidateName,
  type ForwardFitInput1d,
  type ForwardFitReport,
} from './forward-fit-1d.js';
export { clusterCurveFromCorrelators, fitClusterCurve, type ClusterCurve, type ClusterFit } from './cluster-curve.js';
export { farTailDecay, CLUSTER_DECAY_FRACTION, CLUSTER_DECAY_SIGMA, type TailDecay } from './cluster-decay.js';
export {
  momentumPolynomialResidual,
  vertexSpread,
  type LocalityMeasure,
  type MomentumPolynomialFit,
  type VertexErrors,
} from './vertex-locality.js';
export { checkGridForWidth, maxGridPointsForWidth } from './guard-rails.js';
export { localityVerdict, type LocalityEvidence, type LocalityVerdict } from './verdict.js';
export {
  reconstructAction,
  type ActionReconstruction,
  type AmputationReport,
  type BaseNetworkReport,
  type CorrelatorBlocks,
  type ReconstructionInput,
} from './reconstruct-action.js';
export { enginePredictor, type EnginePredictor } from './engine-predictors.js';
export { massFromTwoPoint, type MeasuredMass } from './measured-mass.js';
export { correlatedGoodnessOfFit, jackknifeCovariance, leaveOneOutMeans, type CorrelatedGoodnessOfFit, type FitErrorMethod } from './fit-jackknife.js';
export { applyRelativeErrorFloor, errorFloorReport, EXACT_INPUT_RELATIVE_ERROR_FLOOR, type ErrorFloorReport, type RaisedErrors } from './error-floor.js';
export { forwardFitMassForResult, type ForwardFitMass, type ForwardFitMassOptions, type ForwardFitMassSource } from './forward-fit-mass.js';
export { BATCHES_PER_CORRELATED_VALUE, DIAGONAL_WEIGHTS, withBatchCorrelation, type FitWeights } from './correlated-weights.js';
export { correlatedClusterCurve, jackknifeClusterFit } from './cluster-jackknife.js';
