/**
 * Estimates split across machines (`nnft estimate SPEC --shard i/n --out DIR`, then
 * `nnft estimate merge DIR...`). The chunk plan fixes every chunk's seed (seed tree: root seed,
 * "ensemble/parameters", chunk index) and its batch (chunk mod B); shard i of n owns the batches
 * b with b mod n = i and draws exactly their chunks, merging them in chunk order as an unsharded run
 * does. A shard file holds those batches' float64 moment sums (MomentSums, exactly as written: JSON
 * numbers round-trip a double, and -0, NaN and +-Infinity are written as strings) with the
 * provenance the merge checks: spec and its hash, points, ensemble size, seed, chunk plan, shard,
 * backend. The merge puts the batches side by side (no sum is added across shards) and finishes
 * them with the same function as an unsharded run (finishEstimate), so the merged values, errors,
 * replicates, ESS and variance reductions equal the unsharded ones to the bit, on the same backend.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { initBackend, type BackendRequest } from '../backend/index.js';
import { NnftError, isNnftError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { contentHash } from '../io/canonical-json.js';
import { ignoreEvents } from '../io/events.js';
import type { CorrelatorResult } from '../io/result.js';
import { MomentSums } from '../estimators/moment-sums.js';
import { shardBatches, shardChunks, chunkLength, type ChunkPlan, type EstimateShard } from '../ensemble/chunk-plan.js';
import { accumulateEnsemble, checkShardPlan, finishEstimate, monomialTables, planEstimate, type AccumulatedBatches } from '../ensemble/estimate-ensemble.js';
import { accumulateEnsembleSharded } from '../ensemble/sharded-estimate.js';
import { NNFT_VERSION } from '../version.js';
import { ensembleCorrelatorResult, prepareEstimate, type EstimateSpecOptions } from './estimate-spec.js';
import type { NnftSpec } from './spec.js';

export const ESTIMATE_SHARD_VERSION = 1;

/** A float64 as JSON: a number, or "-0", "NaN", "Infinity", "-Infinity" (which JSON numbers cannot hold). */
export type StoredFloat = number | '-0' | 'NaN' | 'Infinity' | '-Infinity';

export function encodeFloat(value: number): StoredFloat {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (Object.is(value, -0)) return '-0';
  return value;
}

export function decodeFloat(value: unknown, where: string): number {
  if (typeof value === 'number') return value;
  switch (value) {
    case 'NaN':
      return Number.NaN;
    case 'Infinity':
      return Number.POSITIVE_INFINITY;
    case '-Infinity':
      return Number.NEGATIVE_INFINITY;
    case '-0':
      return -0;
    default:
      throw new NnftError('E_SCHEMA', `${where} is ${JSON.stringify(value)}, not a float64`, { hint: 'the shard file is damaged: run that shard again' });
  }
}

/** One MomentSums in a shard file (MomentSums.toJSON with every float stored exactly). */
export interface StoredMomentSums {
  logShift: StoredFloat;
  weightSum: StoredFloat;
  weightSquareSum: StoredFloat;
  count: number;
  logWeightSum: StoredFloat;
  weighted: StoredFloat[];
  plain: StoredFloat[];
  linear: StoredFloat[];
}

export function storeMomentSums(sums: MomentSums): StoredMomentSums {
  const data = sums.toJSON();
  return {
    logShift: encodeFloat(data.logShift),
    weightSum: encodeFloat(data.weightSum),
    weightSquareSum: encodeFloat(data.weightSquareSum),
    count: data.count,
    logWeightSum: encodeFloat(data.logWeightSum),
    weighted: data.weighted.map(encodeFloat),
    plain: data.plain.map(encodeFloat),
    linear: data.linear.map(encodeFloat),
  };
}

/** The shard file: plain data, written as JSON by writeEstimateShard. */
export interface EstimateShardFile {
  nnftEstimateShard: typeof ESTIMATE_SHARD_VERSION;
  nnftVersion: string;
  /** contentHash (SHA-256 of canonical JSON) of `spec` without its $schema. */
  specHash: string;
  spec: NnftSpec;
  points: number[][];
  ensembleSize: number;
  seed: number;
  shard: EstimateShard;
  plan: ChunkPlan;
  /** The tensor backend that drew the networks, and its device. */
  backend: string;
  device: string;
  workers: number;
  seconds: number;
  /** Networks and chunks this shard drew. */
  networks: number;
  chunks: number;
  /** This shard's batches (b mod n = i), in increasing b, each with one MomentSums per point set (the points and their symmetry images). */
  batches: { batch: number; sums: StoredMomentSums[] }[];
}

/** The file name of shard i of n in its --out directory. */
export function estimateShardFileName(shard: EstimateShard): string {
  return `estimate-shard-${shard.index}-of-${shard.count}.json`;
}

const SHARD_FILE_PATTERN = /^estimate-shard-\d+-of-\d+\.json$/;

/** The hash the merge compares: the spec's content, whatever its key order and its $schema. */
export function specHash(spec: NnftSpec): string {
  const { $schema: _schema, ...content } = spec;
  return contentHash(content);
}

export interface EstimateSpecShardOptions extends EstimateSpecOptions {
  readonly shard: EstimateShard;
}

/**
 * Draw one shard of a spec's estimate (the chunks of batches b mod n = i) and return its shard file.
 * Refuses n > B (a shard owns whole batches; raise estimation.batches). Warns when the shard's own
 * ESS fraction is already below the spec's minimum (the merge would refuse the whole estimate).
 */
export async function estimateSpecShard(spec: NnftSpec, options: EstimateSpecShardOptions): Promise<EstimateShardFile> {
  const backend = await initBackend(options.backend ?? 'auto');
  const prepared = prepareEstimate(spec, options);
  const shard = { index: options.shard.index, count: options.shard.count };
  // Refused before any network is drawn (the workers would only rediscover it).
  checkShardPlan(planEstimate(prepared.options), shard);
  const workers = Math.max(1, Math.floor(options.workers ?? 1));
  const accumulated: AccumulatedBatches =
    workers > 1 ? await accumulateEnsembleSharded(prepared.options, { workers, backend: backend.name, spec }, shard) : await accumulateEnsemble(prepared.options, shard);
  const { plan, batches, filled } = accumulated;
  const chunks = shardChunks(plan, shard);
  if (prepared.deformation) {
    const total = batches[filled[0]!]![0]!.clone();
    for (const batch of filled.slice(1)) total.merge(batches[batch]![0]!);
    const fraction = (total.weightSum * total.weightSum) / total.weightSquareSum / total.count;
    const minimum = spec.estimation?.minEssFraction ?? 0.01;
    if (!(fraction >= minimum)) {
      (options.onEvent ?? ignoreEvents)({
        type: 'warning',
        message: `this shard's importance weights have ESS/M = ${fraction.toExponential(2)}, below ${minimum}: the merge will refuse the estimate (an unsharded run falls back to MCMC, which does not shard)`,
        path: 'deformation',
      });
    }
  }
  return {
    nnftEstimateShard: ESTIMATE_SHARD_VERSION,
    nnftVersion: NNFT_VERSION,
    specHash: specHash(spec),
    spec: JSON.parse(JSON.stringify(spec)) as NnftSpec,
    points: prepared.points.map((point) => [...point]),
    ensembleSize: prepared.ensembleSize,
    seed: prepared.seed,
    shard,
    plan: { ...plan },
    backend: backend.name,
    device: backend.device,
    workers,
    seconds: (performance.now() - accumulated.run.started) / 1000,
    networks: chunks.reduce((sum, chunk) => sum + chunkLength(plan, chunk), 0),
    chunks: chunks.length,
    batches: filled.map((batch) => ({ batch, sums: batches[batch]!.map(storeMomentSums) })),
  };
}

/**
 * Write a shard file into `directory` atomically (a temp file, flushed, renamed over the
 * destination: a killed task leaves the old file or the new, never part of one); compact JSON.
 * Returns its path.
 */
export async function writeEstimateShard(directory: string, file: EstimateShardFile): Promise<string> {
  const path = join(directory, estimateShardFileName(file.shard));
  await writeFileAtomic(path, `${JSON.stringify(file)}\n`);
  return path;
}

/** A shard file as read back, with the path it came from. */
export interface LoadedEstimateShard {
  readonly path: string;
  readonly file: EstimateShardFile;
}

function shardShapeError(path: string, what: string): NnftError {
  return new NnftError('E_SCHEMA', `${path} is not an nnft estimate shard: ${what}`, { file: path, hint: 'pass the --out directories (or files) of nnft estimate --shard i/n' });
}

/** Check that parsed JSON has the shape of a shard file (the fields the merge reads). */
export function checkShardShape(value: unknown, path: string): EstimateShardFile {
  const file = value as Partial<EstimateShardFile> | null;
  if (!file || typeof file !== 'object' || Array.isArray(file)) throw shardShapeError(path, 'not a JSON object');
  if (file.nnftEstimateShard !== ESTIMATE_SHARD_VERSION) throw shardShapeError(path, `nnftEstimateShard is ${JSON.stringify(file.nnftEstimateShard)}, expected ${ESTIMATE_SHARD_VERSION}`);
  const integer = (x: unknown) => Number.isSafeInteger(x) && (x as number) >= 0;
  if (typeof file.specHash !== 'string' || !file.spec || typeof file.spec !== 'object') throw shardShapeError(path, 'no spec or specHash');
  if (!integer(file.seed) || !integer(file.ensembleSize)) throw shardShapeError(path, 'no seed or ensembleSize');
  if (!file.shard || !integer(file.shard.index) || !integer(file.shard.count)) throw shardShapeError(path, 'no shard i/n');
  const plan = file.plan;
  if (!plan || !integer(plan.ensembleSize) || !integer(plan.chunkSize) || !integer(plan.chunkCount) || !integer(plan.batchCount)) throw shardShapeError(path, 'no chunk plan');
  if (!Array.isArray(file.points) || typeof file.backend !== 'string' || !Array.isArray(file.batches)) throw shardShapeError(path, 'no points, backend or batches');
  for (const entry of file.batches) {
    if (!entry || !integer(entry.batch) || !Array.isArray(entry.sums)) throw shardShapeError(path, 'a batch without its index or sums');
  }
  return file as EstimateShardFile;
}

/**
 * Read shard files: each path is a shard file or a directory, whose estimate-shard-*-of-*.json files
 * are all read (in name order). A directory without any is refused.
 */
export async function readEstimateShards(paths: readonly string[]): Promise<LoadedEstimateShard[]> {
  if (paths.length === 0) throw new NnftError('E_USAGE', 'nothing to merge: name the shard directories or files', { hint: 'nnft estimate merge runs/estimate' });
  const files: string[] = [];
  for (const path of paths) {
    let isDirectory: boolean;
    try {
      isDirectory = (await stat(path)).isDirectory();
    } catch {
      throw new NnftError('E_FILE_NOT_FOUND', `${path} does not exist`, { file: path, hint: 'pass the --out directories of nnft estimate --shard i/n' });
    }
    if (!isDirectory) {
      files.push(path);
      continue;
    }
    const names = (await readdir(path)).filter((name) => SHARD_FILE_PATTERN.test(name)).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    if (names.length === 0) throw new NnftError('E_USAGE', `${path} holds no estimate shards (estimate-shard-<i>-of-<n>.json)`, { file: path, hint: 'pass the --out directories of nnft estimate --shard i/n' });
    files.push(...names.map((name) => join(path, name)));
  }
  const loaded: LoadedEstimateShard[] = [];
  for (const path of files) {
    let value: unknown;
    try {
      value = JSON.parse(await readFile(path, 'utf8'));
    } catch (error) {
      throw new NnftError('E_JSON_SYNTAX', `${path} is not readable JSON: ${(error as Error).message}`, { file: path, hint: 'the shard file is damaged: run that shard again' });
    }
    loaded.push({ path, file: checkShardShape(value, path) });
  }
  return loaded;
}

export interface MergeEstimateOptions {
  /**
   * Backend for the merge's own (host, float64) arithmetic; default 'cpu', which is always there.
   * The result names the shards' backend, the one that drew the networks.
   */
  readonly backend?: BackendRequest;
}

const same = (a: unknown, b: unknown): boolean => contentHash(a) === contentHash(b);

/**
 * Refuse a set of shards that is not one whole estimate: shards of different specs, points, ensemble
 * sizes, seeds, shard counts, chunk plans or backends; a shard given twice; missing shards; a file
 * whose contents disagree with its own spec hash or shard. All are E_USAGE (exit 2) with the paths.
 */
export function checkShardSet(shards: readonly LoadedEstimateShard[]): void {
  if (shards.length === 0) throw new NnftError('E_USAGE', 'nothing to merge: no shard files', { hint: 'nnft estimate merge runs/estimate' });
  const first = shards[0]!;
  const ref = first.file;
  const differs = (path: string, what: string, mine: unknown, theirs: unknown, hint: string): NnftError =>
    new NnftError('E_USAGE', `${path} and ${first.path} are shards of different estimates: ${what} ${JSON.stringify(mine)} and ${JSON.stringify(theirs)}`, { file: path, hint });
  for (const { path, file } of shards) {
    if (file.specHash !== specHash(file.spec)) {
      throw new NnftError('E_USAGE', `${path}: its spec does not match its own spec hash ${file.specHash.slice(0, 12)}`, { file: path, hint: 'the shard file was edited or damaged: run that shard again' });
    }
    if (file.specHash !== ref.specHash) throw differs(path, 'spec hashes', file.specHash.slice(0, 12), ref.specHash.slice(0, 12), `spec ${file.spec.name} and spec ${ref.spec.name}: every shard must run the same spec file`);
    if (file.seed !== ref.seed) throw differs(path, 'seeds', file.seed, ref.seed, 'every shard must use the same --seed');
    if (file.ensembleSize !== ref.ensembleSize) throw differs(path, 'ensemble sizes', file.ensembleSize, ref.ensembleSize, 'every shard must use the same --ensemble');
    if (!same(file.points, ref.points)) throw differs(path, 'points', file.points.length, ref.points.length, 'every shard must use the same --points file');
    if (file.shard.count !== ref.shard.count) throw differs(path, 'shard counts n', file.shard.count, ref.shard.count, 'every shard must be one of the same --shard i/n with one n');
    if (!same(file.plan, ref.plan)) throw differs(path, 'chunk plans', file.plan, ref.plan, 'the shards were run by different nnft versions or chunk settings');
    if (file.backend !== ref.backend) {
      throw differs(path, 'backends', file.backend, ref.backend, 'the shards must draw on one backend to give the unsharded estimate exactly: pin it with --backend');
    }
    if (file.shard.index >= file.shard.count) throw new NnftError('E_USAGE', `${path}: shard ${file.shard.index}/${file.shard.count} is out of range`, { file: path });
    const expected = shardBatches(file.plan, file.shard);
    if (!same(file.batches.map((entry) => entry.batch), expected)) {
      throw new NnftError('E_USAGE', `${path}: shard ${file.shard.index}/${file.shard.count} does not hold the batches ${expected.join(', ')} it owns`, { file: path, hint: 'the shard file was edited or damaged: run that shard again' });
    }
  }
  const byIndex = new Map<number, string>();
  for (const { path, file } of shards) {
    const previous = byIndex.get(file.shard.index);
    if (previous !== undefined) {
      throw new NnftError('E_USAGE', `shard ${file.shard.index}/${file.shard.count} is given twice: ${previous} and ${path}`, {
        file: path,
        hint: 'each shard must come exactly once: was a directory or a shard index given twice?',
      });
    }
    byIndex.set(file.shard.index, path);
  }
  const missing = Array.from({ length: ref.shard.count }, (_, index) => index).filter((index) => !byIndex.has(index));
  if (missing.length) {
    throw new NnftError('E_USAGE', `${missing.length} of ${ref.shard.count} shards missing: ${missing.map((index) => `${index}/${ref.shard.count}`).join(', ')}`, {
      hint: `run the missing shards with the same spec, --seed and --ensemble (nnft estimate SPEC --shard ${missing[0]}/${ref.shard.count} --out DIR), then merge again`,
    });
  }
}

/**
 * Join the shards of one estimate into its `ensemble-correlators` result: the unsharded result to the
 * bit in every value, error, replicate, ESS and variance reduction (on the shards' backend), with
 * `workers` and `seconds` the shards' totals and a `shards` field (count, spec hash, files, per-shard
 * backend, device, workers and seconds). Refuses incomplete or mismatched sets (checkShardSet), and an
 * estimate whose importance weights collapse (E_ESS_COLLAPSE: the MCMC fallback does not shard).
 */
export async function mergeEstimateShards(shards: readonly LoadedEstimateShard[], options: MergeEstimateOptions = {}): Promise<CorrelatorResult> {
  const started = performance.now();
  checkShardSet(shards);
  await initBackend(options.backend ?? 'cpu');
  const ordered = [...shards].sort((a, b) => a.file.shard.index - b.file.shard.index);
  const ref = ordered[0]!.file;
  const prepared = prepareEstimate(ref.spec, { ensembleSize: ref.ensembleSize, seed: ref.seed, points: ref.points });
  const plan = planEstimate(prepared.options);
  if (!same(plan, ref.plan)) {
    throw new NnftError('E_USAGE', `the shards' chunk plan ${JSON.stringify(ref.plan)} is not the plan this nnft makes of their spec (${JSON.stringify(plan)})`, { hint: 'merge with the nnft version that ran the shards' });
  }
  const pointSets = [prepared.options.points, ...(prepared.options.images ?? [])];
  const tables = monomialTables({ pointSets, maxOrder: Math.max(...prepared.options.orders) });
  const batches: MomentSums[][] = Array.from({ length: plan.batchCount }, () => []);
  for (const { path, file } of ordered) {
    for (const entry of file.batches) {
      if (entry.sums.length !== tables.length) throw new NnftError('E_USAGE', `${path}: batch ${entry.batch} has ${entry.sums.length} point sets, the spec has ${tables.length}`, { file: path });
      batches[entry.batch] = entry.sums.map((stored, image) => {
        const table = tables[image]!;
        const at = `${path}: batch ${entry.batch}, point set ${image}`;
        const decode = (values: unknown, name: string): number[] => {
          if (!Array.isArray(values) || values.length !== table.tuples.length) throw new NnftError('E_USAGE', `${at}: ${name} has ${Array.isArray(values) ? values.length : 'no'} entries, the spec has ${table.tuples.length} monomials`, { file: path });
          return values.map((value, j) => decodeFloat(value, `${at}: ${name}[${j}]`));
        };
        return MomentSums.fromJSON(table, {
          logShift: decodeFloat(stored.logShift, `${at}: logShift`),
          weightSum: decodeFloat(stored.weightSum, `${at}: weightSum`),
          weightSquareSum: decodeFloat(stored.weightSquareSum, `${at}: weightSquareSum`),
          count: stored.count,
          logWeightSum: decodeFloat(stored.logWeightSum, `${at}: logWeightSum`),
          weighted: decode(stored.weighted, 'weighted'),
          plain: decode(stored.plain, 'plain'),
          linear: decode(stored.linear, 'linear'),
        });
      });
    }
  }
  const networks = batches.reduce((sum, batch) => sum + (batch[0]?.count ?? 0), 0);
  if (networks !== ref.ensembleSize) {
    throw new NnftError('E_USAGE', `the shards hold ${networks} networks, the estimate has ${ref.ensembleSize}`, { hint: 'a shard file was edited or damaged: run it again' });
  }
  let estimate;
  try {
    estimate = finishEstimate(prepared.options, plan, tables, batches, { started, tensorGrowth: 0 });
  } catch (error) {
    if (isNnftError(error) && error.code === 'E_ESS_COLLAPSE') {
      throw new NnftError('E_ESS_COLLAPSE', error.message, {
        hint: `${error.hint ?? ''}${error.hint ? '; ' : ''}an unsharded nnft estimate would fall back to MCMC here, which runs in one process and does not shard`,
      });
    }
    throw error;
  }
  const seconds = ordered.reduce((sum, { file }) => sum + file.seconds, 0);
  const workers = ordered.reduce((sum, { file }) => sum + file.workers, 0);
  const result = ensembleCorrelatorResult(prepared, estimate, { backend: ref.backend, device: ref.device, workers, seconds });
  return {
    ...result,
    shards: {
      count: ref.shard.count,
      specHash: ref.specHash,
      files: ordered.map(({ path }) => path),
      backend: ref.backend,
      devices: ordered.map(({ file }) => file.device),
      workers: ordered.map(({ file }) => file.workers),
      seconds: ordered.map(({ file }) => file.seconds),
      mergeSeconds: (performance.now() - started) / 1000,
    },
  };
}
