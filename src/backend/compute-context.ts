/**
 * Where a run computes, chosen once and passed explicitly: the started backend, the worker count,
 * the event sink and the abort signal. A stage that estimates takes the context and estimates on
 * `context.backend` by name, so no stage of a run can fall back to `auto` (and, after another
 * backend was started, to a different one) while the result records the context's backend.
 */
import { NnftError } from '../errors.js';
import { ignoreEvents, type EventSink } from '../io/events.js';
import { initBackend, type BackendInfo, type BackendName, type BackendRequest } from './backend.js';

export interface ComputeContext {
  /** The started backend every tensor computation of the run uses. */
  readonly backend: BackendInfo;
  /** worker_threads for the stages that shard (absent: each stage's own default). */
  readonly workers?: number;
  readonly onEvent: EventSink;
  readonly signal?: AbortSignal;
}

/** What a caller asks for: a backend to start (or one already started), workers, events, signal. */
export interface ComputeRequest {
  backend?: BackendRequest | BackendInfo;
  workers?: number;
  onEvent?: EventSink;
  signal?: AbortSignal;
}

/**
 * Start (or re-activate) the requested backend once and return the context. A BackendInfo, e.g.
 * another context's backend, is started again by name, so it is the active one when this returns.
 */
export async function openComputeContext(request: ComputeRequest = {}): Promise<ComputeContext> {
  const asked = request.backend ?? 'auto';
  const backend = await initBackend(typeof asked === 'string' ? asked : asked.name);
  return {
    backend,
    ...(request.workers !== undefined ? { workers: request.workers } : {}),
    onEvent: request.onEvent ?? ignoreEvents,
    ...(request.signal ? { signal: request.signal } : {}),
  };
}

/** The backend request a stage passes on: the context's backend by name, never `auto`. */
export function contextBackend(context: ComputeContext): BackendName {
  return context.backend.name;
}

/**
 * Check that a stage's result records the context's backend (a result's `backend` field); throws
 * E_INTERNAL naming the stage when it does not, so a result never records one backend for numbers
 * that another computed.
 */
export function expectContextBackend(context: ComputeContext, recorded: unknown, stage: string): void {
  if (recorded === context.backend.name) return;
  throw new NnftError('E_INTERNAL', `${stage} ran on backend ${String(recorded)}, not on the run's backend ${context.backend.name}`, {
    hint: 'every stage of a run must estimate on the backend the run started (a stage asked for another one)',
  });
}
