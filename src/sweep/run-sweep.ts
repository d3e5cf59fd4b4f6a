/**
 * Run a sweep: one run directory per point under out/points/<id>/, a summary that grows as points
 * finish, reruns that skip finished points and resume unfinished ones, a concurrency limit, and
 * deterministic shards. What a point does is injected (runPoint); by default each point is a design
 * run through the library in a child process of its own (design-point-runner.ts); tests pass a fake.
 */
import { checkOutDirectory } from '../io/out-path.js';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { NnftError, isNnftError } from '../errors.js';
import { writeJsonAtomic } from '../io/atomic-write.js';
import { ignoreEvents, type EventSink } from '../io/events.js';
import type { CorrelatorResult } from '../io/result.js';
import type { SweepPlan, SweepPoint } from './expand-sweep.js';
import { extrapolateSummary, type ExtrapolationTable } from './extrapolate.js';
import { loadSweep } from './load-sweep.js';
import { checkSweepPoints, pointTargetDocument } from './check-point.js';
import type { OptionRules } from '../io/option-rules.js';
import { inShard, type SweepShard } from './shard.js';
import { summarizeDesignResult } from './summarize-design.js';
import { writeSummaries, type SweepSummaryRow } from './summary.js';
import type { SweepPointInput, SweepPointRunner } from './sweep-point.js';
import { createDesignPointRunner } from './design-point-runner.js';
import {
  EXTRAPOLATION_FILE,
  MANIFEST_FILE,
  POINT_FAILURE_FILE,
  POINT_INPUT_FILE,
  POINT_ROW_FILE,
  POINT_TARGET_FILE,
  RESULT_FILE,
  manifestFor,
  pathExists,
  pointDirectory,
  readJsonIfPresent,
  readManifest,
} from './sweep-directory.js';

export type { SweepPointInput, SweepPointRunner, SweepPointControl } from './sweep-point.js';

export interface RunSweepOptions {
  out: string;
  /** Points run concurrently (default 1). */
  parallel?: number;
  /** Cores the sweep shares among its running points (default: os.availableParallelism()). */
  cores?: number;
  shard?: SweepShard | null;
  /** Runs one point (default: a design through the library in a child process, createDesignPointRunner()). */
  runPoint?: SweepPointRunner;
  onEvent?: EventSink;
  /**
   * Once aborted no new point starts, and running points are asked to stop at their next checkpoint
   * (the runner receives the signal); an interrupted point is neither a row nor a failure, and a
   * rerun resumes it.
   */
  signal?: AbortSignal;
  /**
   * The options every point's runner accepts, checked for every point before anything is written
   * (default: the design's, src/sweep/design-options.ts); null checks the targets only (a runner
   * with options of its own).
   */
  optionRules?: OptionRules | null;
}

export interface SweepRunSummary {
  out: string;
  name: string;
  sweepHash: string;
  /** Points in the whole sweep. */
  total: number;
  /** Points in this shard. */
  selected: number;
  skipped: number;
  ran: number;
  failed: number;
  rows: SweepSummaryRow[];
  extrapolation: ExtrapolationTable | null;
}

interface StoredRow {
  nnftSweepRow: 1;
  inputHash: string;
  results: Record<string, unknown>;
}

interface StoredFailure {
  nnftSweepFailure: 1;
  inputHash: string;
  code: string;
  message: string;
}

/** Rows for every point of the plan that has a stored row or failure in `out`, in point order. */
export async function collectRows(out: string, plan: Pick<SweepPlan, 'points'>): Promise<SweepSummaryRow[]> {
  const rows: SweepSummaryRow[] = [];
  for (const point of plan.points) {
    const directory = pointDirectory(out, point.id);
    const stored = await readJsonIfPresent<StoredRow>(join(directory, POINT_ROW_FILE));
    if (stored) {
      rows.push({ index: point.index, id: point.id, status: 'finished', values: point.values, results: stored.results });
      continue;
    }
    const failure = await readJsonIfPresent<StoredFailure>(join(directory, POINT_FAILURE_FILE));
    if (failure) {
      rows.push({ index: point.index, id: point.id, status: 'failed', values: point.values, results: {}, error: { code: failure.code, message: failure.message } });
    }
  }
  return rows;
}

function describeError(error: unknown): { code: string; message: string } {
  if (isNnftError(error)) return { code: error.code, message: error.message };
  return { code: 'E_INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

/** Write the point's inputs where its runner (in-process or a subprocess) can read them. */
async function preparePoint(plan: SweepPlan, point: SweepPoint, directory: string, baseTargetFile: string, workers: number): Promise<SweepPointInput> {
  await mkdir(directory, { recursive: true });
  const targetFile = join(directory, POINT_TARGET_FILE);
  // A data target's file is relative to the original target file: point the copy at it absolutely.
  const target = pointTargetDocument(point, baseTargetFile);
  await writeJsonAtomic(targetFile, target);
  await writeJsonAtomic(join(directory, POINT_INPUT_FILE), {
    nnftSweepPoint: 1,
    sweep: plan.name,
    sweepHash: plan.sweepHash,
    index: point.index,
    id: point.id,
    inputHash: point.inputHash,
    values: point.values,
    options: point.options,
  });
  return {
    sweepName: plan.name,
    index: point.index,
    id: point.id,
    values: point.values,
    target: point.target,
    targetFile,
    options: point.options,
    resume: await pathExists(join(directory, 'config.json')),
    workers,
  };
}

/** Worker threads per point when `parallel` points share `cores` cores: max(1, floor(cores / parallel)). */
export function pointWorkers(cores: number, parallel: number): number {
  return Math.max(1, Math.floor(cores / Math.max(1, parallel)));
}

export async function runSweep(sweepFile: string, options: RunSweepOptions): Promise<SweepRunSummary> {
  const onEvent = options.onEvent ?? ignoreEvents;
  const runPoint = options.runPoint ?? createDesignPointRunner();
  const parallel = options.parallel ?? 1;
  if (!Number.isInteger(parallel) || parallel < 1) throw new NnftError('E_USAGE', `--parallel must be a positive integer, got ${parallel}`);
  const shard = options.shard ?? null;
  const cores = options.cores ?? availableParallelism();
  if (!Number.isInteger(cores) || cores < 1) throw new NnftError('E_USAGE', `cores must be a positive integer, got ${cores}`);
  const loaded = await loadSweep(sweepFile);
  // One invalid point refuses the whole run before the output directory is created.
  await checkSweepPoints(loaded, options.optionRules === undefined ? {} : { optionRules: options.optionRules });
  const plan = loaded.plan;
  const out = options.out;

  // An existing --out must be this sweep's directory (or empty): nothing is written into other files.
  await checkOutDirectory(out, { what: 'a sweep directory', ours: async (_path, entries) => entries.includes(MANIFEST_FILE) });
  await mkdir(out, { recursive: true });
  const existing = await readManifest(out);
  if (existing && existing.name !== plan.name) {
    throw new NnftError('E_USAGE', `${out} holds another sweep (${existing.name})`, {
      file: out,
      hint: `choose another --out directory for sweep ${plan.name}`,
    });
  }
  if (existing && existing.sweepHash !== plan.sweepHash) {
    // The same sweep, edited (values added, say). Points are content-addressed, so unchanged points
    // keep their finished runs and the summary lists the current points only.
    const known = new Set(existing.points.map((point) => point.id));
    const kept = plan.points.filter((point) => known.has(point.id)).length;
    onEvent({ type: 'info', message: `sweep ${plan.name} changed since the last run in ${out}: ${kept} of ${plan.points.length} points are unchanged` });
  }
  await writeJsonAtomic(join(out, MANIFEST_FILE), manifestFor(plan, shard));
  await writeJsonAtomic(join(out, 'sweep.json'), loaded.sweep);
  await writeJsonAtomic(join(out, 'base-target.json'), await readJsonIfPresent(loaded.targetFile));

  const selected = plan.points.filter((point) => inShard(point.index, shard));
  const parameterNames = plan.parameters.map((parameter) => parameter.name);
  let skipped = 0;
  let ran = 0;
  let failed = 0;
  let done = 0;

  // Summary rewrites are serialised so concurrent points never interleave two writes.
  let summaryWrite: Promise<void> = Promise.resolve();
  const refreshSummary = (): Promise<void> => {
    summaryWrite = summaryWrite.then(async () => writeSummaries(out, await collectRows(out, plan), parameterNames));
    return summaryWrite;
  };

  const pending: SweepPoint[] = [];
  for (const point of selected) {
    const directory = pointDirectory(out, point.id);
    if (await pathExists(join(directory, RESULT_FILE))) {
      skipped++;
      done++;
      if (!(await pathExists(join(directory, POINT_ROW_FILE)))) {
        // Killed between result.json and the row: rebuild the row from the result.
        const result = await readJsonIfPresent<CorrelatorResult>(join(directory, RESULT_FILE));
        await writeJsonAtomic(join(directory, POINT_ROW_FILE), { nnftSweepRow: 1, inputHash: point.inputHash, results: summarizeDesignResult(result!) } satisfies StoredRow);
      }
    } else {
      pending.push(point);
    }
  }
  if (skipped) onEvent({ type: 'info', message: `sweep ${plan.name}: ${skipped} of ${selected.length} points already finished, skipping them` });
  onEvent({ type: 'progress', task: `sweep ${plan.name}`, done, total: selected.length });

  const runOne = async (point: SweepPoint): Promise<void> => {
    const directory = pointDirectory(out, point.id);
    const input = await preparePoint(plan, point, directory, loaded.targetFile, pointWorkers(cores, Math.min(parallel, pending.length)));
    try {
      const results = await runPoint(input, directory, options.signal ? { signal: options.signal } : {});
      await writeJsonAtomic(join(directory, POINT_ROW_FILE), { nnftSweepRow: 1, inputHash: point.inputHash, results } satisfies StoredRow);
      await rm(join(directory, POINT_FAILURE_FILE), { force: true });
      ran++;
      if (!(await pathExists(join(directory, RESULT_FILE)))) {
        onEvent({ type: 'warning', message: `point ${point.id} returned without writing result.json; a rerun will run it again`, path: directory });
      }
    } catch (error) {
      if (options.signal?.aborted && isNnftError(error) && error.code === 'E_INTERRUPTED') {
        onEvent({ type: 'info', message: `point ${point.id} interrupted; a rerun resumes it`, data: { directory } });
        return;
      }
      failed++;
      const { code, message } = describeError(error);
      // A row left by an earlier attempt would otherwise still count this point as finished.
      await rm(join(directory, POINT_ROW_FILE), { force: true });
      await writeJsonAtomic(join(directory, POINT_FAILURE_FILE), { nnftSweepFailure: 1, inputHash: point.inputHash, code, message } satisfies StoredFailure);
      onEvent({ type: 'warning', message: `point ${point.id} failed: ${message}`, path: directory, hint: 'rerun the sweep to retry failed points' });
    }
    done++;
    onEvent({ type: 'progress', task: `sweep ${plan.name}`, done, total: selected.length, message: point.id });
    await refreshSummary();
  };

  // A fixed pool of workers pulling points in order: at most `parallel` points run at once.
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < pending.length && !options.signal?.aborted) {
      const point = pending[next++]!;
      await runOne(point);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, pending.length) }, () => worker()));
  await refreshSummary();

  const rows = await collectRows(out, plan);
  let extrapolation: ExtrapolationTable | null = null;
  if (plan.extrapolate) {
    const finished = rows.filter((row) => row.status === 'finished').length;
    if (finished === plan.points.length) {
      extrapolation = extrapolateSummary(rows, plan.extrapolate.parameter, plan.extrapolate.terms, plan.extrapolate.groupBy);
      await writeJsonAtomic(join(out, EXTRAPOLATION_FILE), extrapolation);
    } else {
      onEvent({
        type: 'info',
        message: `extrapolation waits for every point: ${finished} of ${plan.points.length} finished here${shard ? ' (merge the shards with nnft sweep merge)' : ''}`,
      });
    }
  }
  return { out, name: plan.name, sweepHash: plan.sweepHash, total: plan.points.length, selected: selected.length, skipped, ran, failed, rows, extrapolation };
}
