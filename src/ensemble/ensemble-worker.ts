/**
 * worker_threads entry for sharded ensembles: rebuild the ensemble from the spec, list the chunks to
 * draw (every chunk, or one --shard's), draw the entries workerIndex, workerIndex + workerCount, ...
 * of that list in order, and post each chunk's moment sums back. The main thread merges them in chunk order, so results do not depend on the worker count.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend, type BackendRequest } from '../backend/index.js';
import { architectureFromSpec, deformationFromSpec } from '../spec/build-ensemble.js';
import type { NnftSpec } from '../spec/spec.js';
import type { Points } from '../architectures/architecture.js';
import { accumulateChunk, monomialTables, type AccumulationSetup } from './estimate-ensemble.js';
import { shardChunks, type ChunkPlan, type EstimateShard } from './chunk-plan.js';

export interface WorkerInput {
  readonly spec: NnftSpec;
  readonly backend: BackendRequest;
  readonly pointSets: Points[];
  readonly maxOrder: number;
  readonly seed: number;
  readonly plan: ChunkPlan;
  /** Draw only this shard's chunks (null: every chunk). */
  readonly shard: EstimateShard | null;
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
  const chunks = shardChunks(input.plan, input.shard);
  for (let position = input.workerIndex; position < chunks.length; position += input.workerCount) {
    const chunkIndex = chunks[position]!;
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
