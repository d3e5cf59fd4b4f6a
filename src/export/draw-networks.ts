/**
 * Concrete networks drawn from a spec's designed density itself (not weighted draws).
 *
 * Undeformed spec: K networks straight from the base sampler (seed stream "export/networks").
 * Deformed spec: a pool of M base networks (stream "export/pool") with their log-weights
 * log w = -S_def[phi], then K picks by systematic resampling (one uniform from stream
 * "export/resample"): network j of the pool is picked floor(K W_j + U) - floor(K W_{<j} + U) times,
 * W the normalised weights, so each pick is distributed as P0 w / Z, the deformed density, up to the
 * finite-pool (self-normalisation) bias of order 1/ESS. The pool's ESS = (sum w)^2 / sum w^2 bounds
 * the number of distinct networks; a warning is raised when K is large against it.
 */
import { tf } from '../backend/index.js';
import type { Architecture, ParameterChunk } from '../architectures/architecture.js';
import type { CompiledDeformation } from '../densities/deformations.js';
import { NnftError } from '../errors.js';
import { ignoreEvents, type EventSink } from '../io/events.js';
import { Rng } from '../random/rng.js';
import { deriveSeed } from '../random/seed-tree.js';
import { concatenateChunks } from '../architectures/parameter-chunks.js';

export const EXPORT_CHUNK = 2000;

export interface PoolReport {
  readonly size: number;
  readonly effectiveSampleSize: number;
  readonly essFraction: number;
  /** Distinct pool networks among the K picks. */
  readonly distinct: number;
}

export interface McmcReport {
  readonly chains: number;
  readonly sweeps: number;
  readonly acceptance: number;
  readonly proposalNeurons: number;
  /** Fraction of (chain, neuron) slots redrawn at least once since the start: 1 is necessary for mixing. */
  readonly refreshedFraction: number;
}

export interface DrawnNetworks {
  readonly networks: ParameterChunk;
  readonly method: 'direct' | 'systematic-resampling' | 'mcmc';
  readonly mcmc?: McmcReport;
  /** For resampled networks: the pool index of each pick. */
  readonly poolIndices: Int32Array | null;
  readonly pool: PoolReport | null;
  /** Normalised pool weights and pool log-weights (deformed only), for diagnostics and tests. */
  readonly poolLogWeights: Float64Array | null;
}

export interface DrawNetworksOptions {
  readonly architecture: Architecture;
  readonly deformation: CompiledDeformation | null;
  readonly count: number;
  readonly seed: number;
  /** Pool size M for deformed specs (default max(20 K, 20000)). */
  readonly pool?: number;
  /** Deformed specs: 'resample' (default) or 'mcmc' (K independent neuron-redraw chains, last state each). */
  readonly sampler?: 'resample' | 'mcmc';
  /** MCMC sweeps per chain (default 200); the proposal size adapts during the first half. */
  readonly sweeps?: number;
  readonly onEvent?: EventSink;
}

export function defaultPoolSize(count: number): number {
  return Math.max(20 * count, 20_000);
}

export { concatenateChunks };

/** Networks `indices` of a chunk, in that order (per-network stride inferred from the array lengths). */
export function selectNetworks(chunk: ParameterChunk, indices: ArrayLike<number>): ParameterChunk {
  const arrays: Record<string, Float64Array> = {};
  for (const [name, array] of Object.entries(chunk.arrays)) {
    const stride = array.length / chunk.count;
    const out = new Float64Array(indices.length * stride);
    for (let k = 0; k < indices.length; k++) out.set(array.subarray(indices[k]! * stride, (indices[k]! + 1) * stride), k * stride);
    arrays[name] = out;
  }
  return { count: indices.length, arrays };
}

/**
 * Systematic resampling: K indices from normalised-by-us log-weights, with one uniform u in [0, 1):
 * the k-th pick is the first j with K * cumW_j > k + u. Returns the picks in pool order.
 */
export function systematicResample(logWeights: Float64Array, count: number, uniform: number): Int32Array {
  let max = -Infinity;
  for (const value of logWeights) if (value > max) max = value;
  if (!Number.isFinite(max)) throw new NnftError('E_NUMERIC', 'every pool network has zero weight (log-weights not finite)');
  let total = 0;
  for (const value of logWeights) total += Math.exp(value - max);
  const picks = new Int32Array(count);
  let cumulative = 0;
  let j = -1;
  for (let k = 0; k < count; k++) {
    const target = ((k + uniform) / count) * total;
    while (cumulative <= target && j < logWeights.length - 1) {
      j++;
      cumulative += Math.exp(logWeights[j]! - max);
    }
    picks[k] = j;
  }
  return picks;
}

export function effectiveSampleSize(logWeights: Float64Array): number {
  let max = -Infinity;
  for (const value of logWeights) if (value > max) max = value;
  let sum = 0;
  let sumSquares = 0;
  for (const value of logWeights) {
    const w = Math.exp(value - max);
    sum += w;
    sumSquares += w * w;
  }
  return (sum * sum) / sumSquares;
}

export async function drawNetworks(options: DrawNetworksOptions): Promise<DrawnNetworks> {
  const { architecture, deformation, count, seed } = options;
  const onEvent = options.onEvent ?? ignoreEvents;
  const chunkCount = Math.ceil(count / EXPORT_CHUNK);
  if (!deformation) {
    const chunks: ParameterChunk[] = [];
    for (let c = 0; c < chunkCount; c++) {
      chunks.push(architecture.sample(deriveSeed(seed, 'export/networks', c), Math.min(EXPORT_CHUNK, count - c * EXPORT_CHUNK)));
    }
    return { networks: concatenateChunks(chunks), method: 'direct', poolIndices: null, pool: null, poolLogWeights: null };
  }
  if (options.sampler === 'mcmc') return drawByMcmc(options);
  const poolSize = options.pool ?? defaultPoolSize(count);
  if (!(Number.isSafeInteger(poolSize) && poolSize >= count)) {
    throw new NnftError('E_USAGE', `the pool (${poolSize}) must be an integer at least the number of networks (${count})`);
  }
  const poolChunks: ParameterChunk[] = [];
  const logWeights = new Float64Array(poolSize);
  const poolChunkCount = Math.ceil(poolSize / EXPORT_CHUNK);
  for (let c = 0; c < poolChunkCount; c++) {
    const chunk = architecture.sample(deriveSeed(seed, 'export/pool', c), Math.min(EXPORT_CHUNK, poolSize - c * EXPORT_CHUNK));
    const tensor = tf.tidy(() => deformation.logWeights(architecture, chunk));
    const data = await tensor.data();
    tensor.dispose();
    logWeights.set(data, c * EXPORT_CHUNK);
    poolChunks.push(chunk);
    onEvent({ type: 'progress', task: 'pool log-weights', done: c + 1, total: poolChunkCount });
  }
  const ess = effectiveSampleSize(logWeights);
  const uniform = new Rng(deriveSeed(seed, 'export/resample', 0)).uniform();
  const picks = systematicResample(logWeights, count, uniform);
  const pool = concatenateChunks(poolChunks);
  const networks = selectNetworks(pool, picks);
  let distinct = 0;
  for (let k = 0; k < picks.length; k++) if (k === 0 || picks[k] !== picks[k - 1]) distinct++;
  if (count > ess / 10) {
    onEvent({
      type: 'warning',
      path: 'deformation',
      message: `${count} networks resampled from a pool of ${poolSize} with ESS ${ess.toFixed(0)} (${distinct} distinct): statistics of the exported networks carry an error of about Var (1/K + 1/ESS), limited by the pool's ESS, not by K`,
      hint: `enlarge --pool (about ${Math.ceil((10 * count * poolSize) / ess)} would give ESS >= 10 K) or export fewer networks`,
    });
  }
  return {
    networks,
    method: 'systematic-resampling',
    poolIndices: picks,
    pool: { size: poolSize, effectiveSampleSize: ess, essFraction: ess / poolSize, distinct },
    poolLogWeights: logWeights,
  };
}

async function chunkedLogWeights(architecture: Architecture, deformation: CompiledDeformation, chunk: ParameterChunk): Promise<Float64Array> {
  const out = new Float64Array(chunk.count);
  for (let first = 0; first < chunk.count; first += EXPORT_CHUNK) {
    const last = Math.min(chunk.count, first + EXPORT_CHUNK);
    const part = chunk.count <= EXPORT_CHUNK ? chunk : selectNetworks(chunk, Array.from({ length: last - first }, (_, i) => first + i));
    const tensor = tf.tidy(() => deformation.logWeights(architecture, part));
    out.set(await tensor.data(), first);
    tensor.dispose();
  }
  return out;
}

/**
 * K independent Metropolis-Hastings chains in parameter space, one per exported network. A move
 * redraws k random neurons of a chain from the base density (neurons are independent under P0, so
 * the Hastings ratio is the weight ratio w'/w); k adapts toward acceptance 0.2-0.5 during the first
 * half of the sweeps (k does not depend on the chain's state, so every kernel leaves P0 w invariant).
 * Each chain's last state is one network.
 */
async function drawByMcmc(options: DrawNetworksOptions): Promise<DrawnNetworks> {
  const { architecture, count, seed } = options;
  const deformation = options.deformation!;
  const onEvent = options.onEvent ?? ignoreEvents;
  if ((architecture.description as { sharedScale?: unknown }).sharedScale) {
    throw new NnftError('E_UNSUPPORTED', 'MCMC moves redraw single neurons and cannot be used with a shared random scale', { hint: 'use --sampler resample' });
  }
  const sweeps = options.sweeps ?? 200;
  if (!(Number.isSafeInteger(sweeps) && sweeps >= 1)) throw new NnftError('E_USAGE', `the number of sweeps must be a positive integer, got ${sweeps}`);
  const width = architecture.width;
  let proposalNeurons = Math.max(1, Math.round(width / 8));
  const state = architecture.sample(deriveSeed(seed, 'export/mcmc-initial', 0), count);
  let logWeights = await chunkedLogWeights(architecture, deformation, state);
  const refreshed = new Uint8Array(count * width);
  const neurons = new Int32Array(width);
  let accepted = 0;
  let proposed = 0;
  for (let sweep = 0; sweep < sweeps; sweep++) {
    const proposal = architecture.sample(deriveSeed(seed, 'export/mcmc-proposals', sweep), count);
    const rng = new Rng(deriveSeed(seed, 'export/mcmc-moves', sweep));
    const candidate: Record<string, Float64Array> = {};
    for (const [name, array] of Object.entries(state.arrays)) candidate[name] = Float64Array.from(array);
    const picked = new Int32Array(count * proposalNeurons);
    for (let chain = 0; chain < count; chain++) {
      for (let i = 0; i < width; i++) neurons[i] = i;
      for (let k = 0; k < proposalNeurons; k++) {
        const pick = k + Math.floor(rng.uniform() * (width - k));
        [neurons[k], neurons[pick]] = [neurons[pick]!, neurons[k]!];
        picked[chain * proposalNeurons + k] = neurons[k]!;
      }
      for (const [name, array] of Object.entries(candidate)) {
        const stride = array.length / (count * width);
        const fresh = proposal.arrays[name]!;
        for (let k = 0; k < proposalNeurons; k++) {
          const slot = chain * width + neurons[k]!;
          for (let s = 0; s < stride; s++) array[slot * stride + s] = fresh[slot * stride + s]!;
        }
      }
    }
    const candidateChunk: ParameterChunk = { count, arrays: candidate };
    const candidateWeights = await chunkedLogWeights(architecture, deformation, candidateChunk);
    let sweepAccepted = 0;
    for (let chain = 0; chain < count; chain++) {
      if (!(Math.log(rng.uniformOpen()) < candidateWeights[chain]! - logWeights[chain]!)) continue;
      sweepAccepted++;
      logWeights[chain] = candidateWeights[chain]!;
      for (const [name, array] of Object.entries(state.arrays)) {
        const stride = array.length / (count * width);
        (array as Float64Array).set(candidate[name]!.subarray(chain * width * stride, (chain + 1) * width * stride), chain * width * stride);
      }
      for (let k = 0; k < proposalNeurons; k++) refreshed[chain * width + picked[chain * proposalNeurons + k]!] = 1;
    }
    accepted += sweepAccepted;
    proposed += count;
    const rate = sweepAccepted / count;
    if (sweep < sweeps / 2) {
      if (rate < 0.2 && proposalNeurons > 1) proposalNeurons = Math.max(1, Math.floor(proposalNeurons / 2));
      else if (rate > 0.5 && proposalNeurons < width) proposalNeurons = Math.min(width, proposalNeurons * 2);
    }
    onEvent({ type: 'progress', task: 'mcmc sweeps', done: sweep + 1, total: sweeps, message: `acceptance ${(accepted / proposed).toFixed(2)}, ${proposalNeurons} neurons per move` });
  }
  let refreshedCount = 0;
  for (const flag of refreshed) refreshedCount += flag;
  const refreshedFraction = refreshedCount / refreshed.length;
  if (refreshedFraction < 0.99) {
    onEvent({
      type: 'warning',
      path: 'deformation',
      message: `after ${sweeps} sweeps only ${(100 * refreshedFraction).toFixed(1)}% of the neurons were ever redrawn: the chains have not forgotten their start`,
      hint: 'raise --sweeps',
    });
  }
  return {
    networks: state,
    method: 'mcmc',
    mcmc: { chains: count, sweeps, acceptance: accepted / proposed, proposalNeurons, refreshedFraction },
    poolIndices: null,
    pool: null,
    poolLogWeights: null,
  };
}
