/** nnft's public library API. The CLI uses only what is exported here and in the modules below. */
export * from './errors.js';
export * from './random/index.js';
export * from './theory/theory.js';
export { loadTarget, loadTargetObject, parseTargetText, type LoadedTarget, type LoadTargetOptions, type LoadTargetObjectOptions } from './theory/load-target.js';
export { targetDocument } from './theory/target-document.js';
export { validateAgainstSchema, loadSchema, schemaFile, parseJsonSource, SourceLocations, type SourcePosition, formatPath, parsePath, didYouMean } from './schema/index.js';
export { analysePotential, methodProblems, perturbativeSupportsOrder, CONCRETE_METHODS, type PotentialShape, type MethodProblem } from './theory/method-support.js';
export * from './backend/index.js';
export { design, designFile, resumeDesign, readDesignRunConfig, headline, type DesignResult, type DesignRun, type TargetDocument, type WidthTrial, type DesignRunConfig } from './design/design.js';
export { DESIGN_DEFAULTS, resolveDesignSettings, splitDesignOptions, type DesignSettings, type ResolvedDesignSettings, type DesignRunOptions } from './design/design-settings.js';
export { runDoctor, type DoctorReport } from './backend/doctor.js';
export * from './io/result.js';
export * from './io/events.js';
export { writeFileAtomic, writeJsonAtomic } from './io/atomic-write.js';
export { NNFT_VERSION } from './version.js';
export * from './reconstruct/index.js';
export { runAction, DEFAULT_REPLICAS, type ActionReport, type RunActionOptions } from './reconstruct/run-action.js';
export { batchesFromReplicates } from './reconstruct/action-replicas.js';
export * from './sweep/index.js';
export { renderReport, renderReportDetailed, writeReport, renderPlot, type PlotSpec, type PlotSeries, type PlotPoint } from './report/index.js';
export {
  computeTargetCorrelators,
  type TargetCorrelatorOptions,
  freePropagator,
  propagatorAtZero,
  computeSpectral,
  spectralApplicability,
  type SpectralSolverOptions,
  type SpectralResult,
  computePerturbative,
  type PerturbativeResult,
  computeLattice,
  latticeFreePropagator,
  type LatticeRunOptions,
  type LatticeResult,
  type LatticeCheckpoint,
  chooseMethod,
  type ConcreteMethod,
  jointCumulant,
  setPartitions,
} from './correlators/index.js';
export { finiteWidthFirstOrder, finiteWidthFirstOrderResult, type FiniteWidthFirstOrder, type FiniteWidthFirstOrderOptions, type FiniteWidthMomenta } from './design/finite-width-first-order.js';
export * as numeric from './numeric/index.js';
export * from './architectures/index.js';
export { latticeCosNet, brillouinZoneDensity, type LatticeCosNet, type LatticeCosNetOptions, type BrillouinZoneDensity } from './architectures/lattice-cos-net.js';
export { latticePropagatorTable, latticePropagatorAtZero, computeLatticeFree, computeLatticePerturbative, type LatticePerturbativeResult } from './correlators/lattice-regulator.js';
export * from './densities/index.js';
export * from './estimators/index.js';
export * from './ensemble/index.js';
export * from './spec/index.js';
export * from './export/index.js';
export * from './observables/index.js';
