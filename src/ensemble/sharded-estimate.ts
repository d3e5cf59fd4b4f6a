/**
 * Shard an ensemble over worker_threads. Chunk c goes to worker c mod K (entry k of a --shard's chunk
 * list to worker k mod K), but its seed, its batch (c mod B) and the order in which its sums are merged (increasing c) are fixed by the chunk plan,
 * so for a given seed the result is bit-for-bit the same for any worker count on the same backend.
 * Sums arriving early wait in a buffer until every earlier chunk has been merged.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BackendRequest } from '../backend/index.js';
import { NnftError, interruptedError, throwIfInterrupted, type ErrorCode } from '../errors.js';
import { MomentSums } from '../estimators/moment-sums.js';
import { ignoreEvents } from '../io/events.js';
import type { NnftSpec } from '../spec/spec.js';
import { chunkLength, shardBatches, shardChunks, type EstimateShard } from './chunk-plan.js';
import type { WorkerInput, WorkerMessage } from './ensemble-worker.js';
import {
  checkShardPlan,
  finishEstimate,
  monomialTables,
  planEstimate,
  validateEstimateOptions,
  type AccumulatedBatches,
  type EnsembleEstimate,
  type EnsembleEstimateOptions,
} from './estimate-ensemble.js';

/** The compiled worker script; from the TypeScript sources (tests) fall back to the built copy in dist/. */
export function workerScript(): URL {
  const sibling = new URL('./ensemble-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(sibling))) return sibling;
  const built = new URL('../../dist/ensemble/ensemble-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(built))) return built;
  throw new NnftError('E_INTERNAL', 'the ensemble worker script is missing', { hint: 'build the package (npx tsc -p .) or run with --workers 1' });
}

export async function estimateEnsembleSharded(
  options: EnsembleEstimateOptions,
  sharding: { workers: number; backend: BackendRequest; spec: NnftSpec },
): Promise<EnsembleEstimate> {
  const { plan, tables, batches, run } = await accumulateEnsembleSharded(options, sharding);
  return finishEstimate(options, plan, tables, batches, run);
}

/**
 * The per-batch sums of an estimate, or of one shard of it (`shard`: only the chunks of batches
 * b mod n = i), drawn over worker threads; merged in chunk order, as accumulateEnsemble does.
 */
export async function accumulateEnsembleSharded(
  options: EnsembleEstimateOptions,
  sharding: { workers: number; backend: BackendRequest; spec: NnftSpec },
  shard: EstimateShard | null = null,
): Promise<AccumulatedBatches> {
  validateEstimateOptions(options);
  const started = performance.now();
  const onEvent = options.onEvent ?? ignoreEvents;
  const plan = planEstimate(options);
  checkShardPlan(plan, shard);
  const chunks = shardChunks(plan, shard);
  const total = chunks.reduce((sum, chunk) => sum + chunkLength(plan, chunk), 0);
  const pointSets = [options.points, ...(options.images ?? [])].map((set) => set.map((point) => [...point]));
  const maxOrder = Math.max(...options.orders);
  const tables = monomialTables({ pointSets, maxOrder });
  const batches: MomentSums[][] = Array.from({ length: plan.batchCount }, () => tables.map((table) => new MomentSums(table)));
  const workerCount = Math.max(1, Math.min(sharding.workers, chunks.length));
  const pending = new Map<number, MomentSums[]>();
  // Position in `chunks` of the next chunk to merge.
  let nextChunk = 0;
  let done = 0;
  const script = workerScript();
  const workers: Worker[] = [];

  const mergeReady = () => {
    while (nextChunk < chunks.length && pending.has(chunks[nextChunk]!)) {
      const chunkIndex = chunks[nextChunk]!;
      const sums = pending.get(chunkIndex)!;
      pending.delete(chunkIndex);
      const batch = batches[chunkIndex % plan.batchCount]!;
      sums.forEach((chunkSums, image) => batch[image]!.merge(chunkSums));
      nextChunk++;
      done += chunkLength(plan, chunkIndex);
      if (nextChunk % Math.max(1, Math.floor(chunks.length / 100)) === 0 || nextChunk === chunks.length) {
        const elapsed = (performance.now() - started) / 1000;
        onEvent({ type: 'progress', task: 'networks', done, total, etaSeconds: (elapsed * (total - done)) / done });
      }
    }
  };

  throwIfInterrupted(options.signal, 'the ensemble estimate (before the workers started)');
  // An abort ends the workers at once (their chunks are not needed any more) and rejects the run.
  let rejectAborted: (error: unknown) => void = () => {};
  const aborted = new Promise<never>((_, reject) => {
    rejectAborted = reject;
  });
  aborted.catch(() => {});
  const onAbort = (): void => rejectAborted(interruptedError(options.signal, `the ensemble estimate (${nextChunk} of ${chunks.length} chunks merged)`));
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const run = Promise.all(
      Array.from({ length: workerCount }, (_, workerIndex) => {
        const input: WorkerInput = { spec: sharding.spec, backend: sharding.backend, pointSets, maxOrder, seed: options.seed, plan, shard, workerIndex, workerCount };
        const worker = new Worker(script, { workerData: input });
        workers.push(worker);
        return new Promise<void>((resolve, reject) => {
          worker.on('message', (message: WorkerMessage) => {
            if (message.type === 'chunk') {
              pending.set(message.chunkIndex, message.sums.map((data, image) => MomentSums.fromJSON(tables[image]!, data)));
              mergeReady();
            } else if (message.type === 'done') resolve();
            else reject(new NnftError((message.code as ErrorCode | undefined) ?? 'E_INTERNAL', `worker ${workerIndex}: ${message.message}`));
          });
          worker.on('error', (error) => reject(new NnftError('E_INTERNAL', `worker ${workerIndex} failed: ${error.message}`, { cause: error })));
          worker.on('exit', (code) => {
            if (code !== 0) reject(new NnftError('E_INTERNAL', `worker ${workerIndex} exited with code ${code}`));
          });
        });
      }),
    );
    // Once aborted, the terminated workers' own rejections are no longer anyone's concern.
    run.catch(() => {});
    await Promise.race([run, aborted]);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
  if (nextChunk !== chunks.length) throw new NnftError('E_INTERNAL', `only ${nextChunk} of ${chunks.length} chunks arrived from the workers`);
  // The tensors live in the workers: the main thread's count is reported unchanged.
  return { plan, tables, batches, filled: shardBatches(plan, shard), run: { started, tensorGrowth: 0 } };
}
