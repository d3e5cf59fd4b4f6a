/**
 * worker_threads entry for sharded ensembles: rebuild the ensemble from the spec, draw the chunks
 * c = workerIndex, workerIndex + workerCount, ... in order, and post each chunk's moment sums back.
 * The main thread merges them in chunk order, so results do not depend on the worker count.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend, type BackendRequest } from '../backend/index.js';
import { architectureFromSpec, deformationFromSpec } from '../spec/build-ensemble.js';
import type { NnftSpec } from '../spec/spec.js';
import type { Points } from '../architectures/architecture.js';
import { accumulateChunk, monomialTables, type AccumulationSetup } from './estimate-ensemble.js';
import type { ChunkPlan } from './chunk-plan.js';

export interface WorkerInput {
  readonly spec: NnftSpec;
  readonly backend: BackendRequest;
  readonly pointSets: Points[];
  readonly maxOrder: number;
  readonly seed: number;
  readonly plan: ChunkPlan;
  readonly workerIndex: number;
  readonly workerCount: number;
}

export type WorkerMessage =
  | { type: 'chunk'; chunkIndex: number; sums: ReturnType<import('../estimators/moment-sums.js').MomentSums['toJSON']>[] }
  | { type: 'done' }
  | { type: 'error'; message: string; code?: string };

async function run(input: WorkerInput): Promise<void> {
  await initBackend(input.backend);
  const architecture = architectureFromSpec(input.spec);
  const setup: AccumulationSetup = {
    architecture,
    deformation: deformationFromSpec(input.spec, architecture),
    pointSets: input.pointSets,
    maxOrder: input.maxOrder,
    seed: input.seed,
    plan: input.plan,
  };
  const tables = monomialTables(setup);
  for (let chunkIndex = input.workerIndex; chunkIndex < input.plan.chunkCount; chunkIndex += input.workerCount) {
    const sums = await accumulateChunk(setup, tables, chunkIndex);
    parentPort!.postMessage({ type: 'chunk', chunkIndex, sums: sums.map((entry) => entry.toJSON()) } satisfies WorkerMessage);
  }
  parentPort!.postMessage({ type: 'done' } satisfies WorkerMessage);
}

if (parentPort) {
  run(workerData as WorkerInput).catch((error: unknown) => {
    const code = (error as { code?: string }).code;
    parentPort!.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error), ...(code ? { code } : {}) } satisfies WorkerMessage);
  });
}
