/** Scripted sweeps: sweep files, expansion into points, the runner, shard merging, width extrapolation. */
export { SWEEP_VERSION, type SweepFile, type SweepParameterSpec, type SweepRange } from './sweep-file.js';
export { loadSweep, type LoadedSweep } from './load-sweep.js';
export { planSweep, type CheckedSweep } from './plan-sweep.js';
export { expandSweep, type SweepPlan, type SweepPoint, type SweepParameter } from './expand-sweep.js';
export { validateSweepDocument, sweepSchemaPath } from './validate-sweep.js';
export { runSweep, collectRows, pointWorkers, type RunSweepOptions, type SweepRunSummary } from './run-sweep.js';
export type { SweepPointInput, SweepPointRunner, SweepPointControl } from './sweep-point.js';
export { mergeSweepShards, type MergeResult } from './merge-shards.js';
export { parseShard, inShard, type SweepShard } from './shard.js';
export { extrapolateToInfiniteWidth, extrapolateSummary, type WidthExtrapolation, type ExtrapolationTable, type ObservableExtrapolation } from './extrapolate.js';
export { summarizeDesignResult, correlatorKey, parseCorrelatorKey, type CorrelatorSummary } from './summarize-design.js';
export { summaryJsonl, summaryCsv, parseSummaryJsonl, type SweepSummaryRow } from './summary.js';
export { setSweepPointRunner, getSweepPointRunner } from './point-runner-registry.js';
export { getByPointer, setByPointer, parsePointer, formatPointer } from './json-pointer.js';
export { createSubprocessPointRunner, type SubprocessRunnerOptions } from './subprocess-point-runner.js';
export { createDesignPointRunner, designPointArguments, designPointEntry } from './design-point-runner.js';
export { runDesignPoint, designPointJob, designPointPlan, type DesignPointJob, type DesignPointControl } from './design-point.js';
