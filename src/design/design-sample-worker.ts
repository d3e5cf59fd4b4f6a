/**
 * worker_threads entry for sharded design samples (design-sample.ts): draws every workers-th chunk
 * and transfers its arrays back; the main thread places chunk c at its fixed offset.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runSampleWorker, type SampleWorkerInput, type SampleWorkerMessage } from './design-sample.js';

if (parentPort) {
  runSampleWorker(workerData as SampleWorkerInput, (message, transfer) => parentPort!.postMessage(message, transfer)).catch((error: unknown) => {
    const code = (error as { code?: string }).code;
    parentPort!.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error), ...(code ? { code } : {}) } satisfies SampleWorkerMessage);
  });
}
