/**
 * The fixed sample of a sample-average design (common random numbers): M networks drawn once from the
 * spec at amplitude scale 1, reduced to what the design objective needs per network, so that every
 * later evaluation of the correlators and their Jacobian at new parameters is host arithmetic over
 * cached numbers instead of a new pass over the networks.
 *
 * Why this works: the base density is fixed (the target's free field), so the field at amplitude
 * scale sigma is sigma * phi_1, and
 * - every monomial of the field at the points is sigma^k times its value at sigma = 1, and
 * - every deformation functional is a polynomial in sigma whose coefficients are raw integrals of
 *   phi_1 over the interaction region: F_local(n) = (1/n!) int :(sigma phi_1)^n:_{G0} needs
 *   int phi_1^j for j = n, n-2, ...; the non-local quartic functional scales as sigma^4.
 * The weights exp(-sum_k g_k F_k) then follow for any couplings g and sigma.
 *
 * Per network we keep the monomials averaged over the symmetry images of the point set (the images
 * the validation estimate averages over; the weight is per network, so averaging commutes with it)
 * and the raw integrals. Memory: M x (monomials + integrals) numbers.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { tf, initBackend, type BackendRequest } from '../backend/index.js';
import { architectureFromSpec, deformationFromSpec, symmetryImages } from '../spec/build-ensemble.js';
import type { NnftSpec } from '../spec/spec.js';
import { belowModeCutoff, gaussianKernelMatrix } from '../densities/deformations.js';
import { monomialTable, type MonomialTable } from '../estimators/monomials.js';
import { deriveSeed } from '../random/index.js';
import { factorial } from '../numeric/special-functions.js';
import { NnftError, type ErrorCode } from '../errors.js';
import type { DesignTerm } from './cos-net-design-model.js';
import type { ProductGrid } from '../architectures/product-grid.js';

/** Most bytes the fixed sample's cached monomials may take (docs/design.md, "The fixed sample"). */
export const MAX_DESIGN_SAMPLE_BYTES = 4 * 2 ** 30;

/** Monomials per network: every non-decreasing tuple of 1 to maxOrder points, sum_k C(P + k - 1, k). */
export function sampleMonomialCount(pointCount: number, maxOrder: number): number {
  let total = 0;
  let count = 1;
  for (let k = 1; k <= maxOrder; k++) {
    count = (count * (pointCount + k - 1)) / k;
    total += Math.round(count);
  }
  return total;
}

/**
 * Refuse, before any work, a design sample whose cached monomials (networks x monomials float32)
 * would pass MAX_DESIGN_SAMPLE_BYTES (E_RESOURCE, exit 2, with the largest ensemble that fits); it
 * used to fail minutes in with "internal error: Invalid typed array length".
 */
export function checkDesignSampleSize(pointCount: number, maxOrder: number, networks: number, flag = '--ensemble'): void {
  const monomials = sampleMonomialCount(pointCount, maxOrder);
  const bytes = networks * monomials * 4;
  if (bytes <= MAX_DESIGN_SAMPLE_BYTES) return;
  const fits = Math.floor(MAX_DESIGN_SAMPLE_BYTES / (monomials * 4));
  throw new NnftError('E_RESOURCE', `the design sample of ${networks} networks would cache ${networks} x ${monomials} monomials (${(bytes / 2 ** 30).toFixed(1)} GiB), more than the ${MAX_DESIGN_SAMPLE_BYTES / 2 ** 30} GiB limit`, {
    issues: [{ path: flag, message: `is ${networks}; with ${pointCount} points up to order ${maxOrder} at most ${fits} networks fit`, hint: `lower ${flag} to ${fits} or fewer, or use fewer observables.points`, severity: 'error' }],
    hint: `lower ${flag} (at most ${fits} here) or use fewer points`,
  });
}

/** One term's functional as sum_j coefficient_j sigma^power_j R_j, R_j a cached raw integral. */
export interface FunctionalExpansion {
  readonly parts: readonly { readonly power: number; readonly coefficient: number; readonly integral: number }[];
}

export interface DesignSample {
  readonly count: number;
  readonly table: MonomialTable;
  /** Image-averaged monomials at sigma = 1, network-major: [count][table.tuples.length]. */
  readonly monomials: Float32Array;
  /** Raw integrals per network: integrals[r][m]. */
  readonly integrals: readonly Float64Array[];
  /** Which raw integral each slot holds (a power of phi, or the non-local quartic double integral). */
  readonly integralKinds: readonly ({ kind: 'power'; power: number } | { kind: 'nonlocal'; kernelWidth: number })[];
  /** Per design term, its functional in terms of the raw integrals. */
  readonly functionals: readonly FunctionalExpansion[];
  readonly imageCount: number;
  readonly seed: number;
  readonly seconds: number;
}

export const SAMPLE_STREAM = 'design/sample';
/** Networks per chunk (fixed: chunk c's seed and place in the sample do not depend on workers). */
export const SAMPLE_CHUNK = 500;

/** The raw integrals the terms need, and each term's expansion in them. */
export function functionalExpansions(terms: readonly DesignTerm[]): { kinds: DesignSample['integralKinds']; functionals: FunctionalExpansion[] } {
  const kinds: ({ kind: 'power'; power: number } | { kind: 'nonlocal'; kernelWidth: number })[] = [];
  const slot = (kind: { kind: 'power'; power: number } | { kind: 'nonlocal'; kernelWidth: number }): number => {
    const found = kinds.findIndex((other) => JSON.stringify(other) === JSON.stringify(kind));
    if (found >= 0) return found;
    kinds.push(kind);
    return kinds.length - 1;
  };
  const functionals = terms.map((term): FunctionalExpansion => {
    if (term.kind === 'nonlocal-quartic') return { parts: [{ power: 4, coefficient: 1 / 24, integral: slot({ kind: 'nonlocal', kernelWidth: term.kernelWidth }) }] };
    const n = term.power;
    if (!term.wickOrdered) return { parts: [{ power: n, coefficient: 1 / factorial(n), integral: slot({ kind: 'power', power: n }) }] };
    // :x^n:_v = sum_m n! / (m! (n-2m)! 2^m) (-v)^m x^(n-2m)  (Hermite polynomial of variance v).
    const v = term.wickPropagatorAtZero;
    const parts: { power: number; coefficient: number; integral: number }[] = [];
    for (let m = 0; 2 * m <= n; m++) {
      const power = n - 2 * m;
      const coefficient = (factorial(n) / (factorial(m) * factorial(power) * 2 ** m)) * (-v) ** m / factorial(n);
      parts.push({ power, coefficient, integral: slot({ kind: 'power', power }) });
    }
    return { parts };
  });
  return { kinds, functionals };
}

interface PreparedSample {
  readonly architecture: ReturnType<typeof architectureFromSpec>;
  readonly grid: ProductGrid | null;
  readonly allPoints: number[][];
  readonly pointCount: number;
  readonly imageCount: number;
  readonly table: MonomialTable;
  readonly kinds: DesignSample['integralKinds'];
  readonly functionals: FunctionalExpansion[];
  readonly kernels: Map<number, Float32Array>;
  readonly modeCutoff: number | undefined;
  readonly dimension: number;
  readonly seed: number;
}

function prepareSample(spec: NnftSpec, terms: readonly DesignTerm[], maxOrder: number, seed: number): PreparedSample {
  const architecture = architectureFromSpec(spec);
  const deformation = terms.length > 0 ? deformationFromSpec(spec, architecture) : null;
  const points = spec.observables.points;
  const images = [points, ...symmetryImages(spec, points)];
  const { kinds, functionals } = functionalExpansions(terms);
  const grid = deformation?.grid ?? null;
  const kernels = new Map<number, Float32Array>();
  for (const kind of kinds) if (kind.kind === 'nonlocal' && grid) kernels.set(kind.kernelWidth, gaussianKernelMatrix(grid, spec.dimension, kind.kernelWidth));
  return {
    architecture,
    grid,
    allPoints: images.flat().map((point) => [...point]),
    pointCount: points.length,
    imageCount: images.length,
    table: monomialTable(points.length, maxOrder),
    kinds,
    functionals,
    kernels,
    modeCutoff: spec.deformation?.modeCutoff,
    dimension: spec.dimension,
    seed,
  };
}

/** One chunk of the sample: image-averaged monomials [size][J] and raw integrals [r][size]. */
export async function drawSampleChunk(prepared: PreparedSample, chunkIndex: number, size: number): Promise<{ monomials: Float32Array; integrals: Float64Array[] }> {
  const { architecture, grid, allPoints, pointCount: P, imageCount: I, table, kinds, kernels, modeCutoff } = prepared;
  const J = table.tuples.length;
  const gridSize = grid ? grid.offsetCount * grid.nodeCount : 0;
  const chunk = architecture.sample(deriveSeed(prepared.seed, SAMPLE_STREAM, chunkIndex), size);
  const outputs = tf.tidy(() => {
    const phi = architecture.applyAtPoints(chunk, allPoints);
    if (!grid) return [phi];
    const field = architecture.applyOnGrid(modeCutoff !== undefined ? belowModeCutoff(chunk, prepared.dimension, modeCutoff) : chunk, grid);
    const weights = tf.tensor2d(Float32Array.from(grid.weights), [gridSize, 1]);
    const raw = kinds.map((kind) => {
      if (kind.kind === 'power') return tf.reshape(tf.matMul(kind.power === 0 ? tf.onesLike(field) : tf.pow(field, kind.power), weights), [size]);
      const squared = tf.square(field);
      return tf.sum(tf.mul(tf.matMul(squared, tf.tensor2d(kernels.get(kind.kernelWidth)!, [gridSize, gridSize])), squared), 1);
    });
    return [phi, ...raw];
  });
  const data = (await Promise.all(outputs.map((tensor) => tensor.data()))) as Float32Array[];
  tf.dispose(outputs);
  const phi = data[0]!;
  const monomials = new Float32Array(size * J);
  const values = new Float64Array(J);
  const scratch = new Float64Array(J);
  for (let m = 0; m < size; m++) {
    values.fill(0);
    for (let image = 0; image < I; image++) {
      const offset = m * I * P + image * P;
      // Depth-first table: each monomial is its parent times one factor.
      for (let j = 0; j < J; j++) {
        const parent = table.parent[j]!;
        const factor = phi[offset + table.last[j]!]!;
        const value = parent < 0 ? factor : scratch[parent]! * factor;
        scratch[j] = value;
        values[j]! += value;
      }
    }
    for (let j = 0; j < J; j++) monomials[m * J + j] = values[j]! / I;
  }
  const integrals = kinds.map((_, r) => {
    const column = Float64Array.from(data[1 + r]!);
    column.forEach((value, m) => {
      if (!Number.isFinite(value)) throw new NnftError('E_NUMERIC', `a deformation integral of network ${chunkIndex}:${m} is not finite`, { hint: 'lower the couplings or the amplitude scale' });
    });
    return column;
  });
  return { monomials, integrals };
}

/**
 * Draw the sample from `spec` (the design's spec at amplitude scale 1: same base density, grid, mode
 * cutoff, region and images as the spec the design will emit). Chunk c always has the seed
 * (seed, SAMPLE_STREAM, c), so the sample is the same for any number of workers.
 */
export async function drawDesignSample(
  spec: NnftSpec,
  terms: readonly DesignTerm[],
  maxOrder: number,
  seed: number,
  count: number,
  options: { chunkSize?: number; workers?: number; backend?: BackendRequest; onChunk?: (done: number, total: number) => void } = {},
): Promise<DesignSample> {
  const started = Date.now();
  const prepared = prepareSample(spec, terms, maxOrder, seed);
  const J = prepared.table.tuples.length;
  const monomials = new Float32Array(count * J);
  const integrals = prepared.kinds.map(() => new Float64Array(count));
  const chunkSize = options.chunkSize ?? SAMPLE_CHUNK;
  const chunkCount = Math.ceil(count / chunkSize);
  let done = 0;
  const place = (chunkIndex: number, part: { monomials: Float32Array; integrals: Float64Array[] }) => {
    const start = chunkIndex * chunkSize;
    monomials.set(part.monomials, start * J);
    part.integrals.forEach((column, r) => integrals[r]!.set(column, start));
    done += part.integrals[0]?.length ?? part.monomials.length / J;
    options.onChunk?.(done, count);
  };
  const workers = Math.max(1, Math.min(options.workers ?? 1, chunkCount));
  if (workers === 1) {
    for (let chunkIndex = 0; chunkIndex < chunkCount; chunkIndex++) {
      place(chunkIndex, await drawSampleChunk(prepared, chunkIndex, Math.min(chunkSize, count - chunkIndex * chunkSize)));
    }
  } else {
    await drawShardedSample({ spec, terms: [...terms], maxOrder, seed, count, chunkSize, workers, backend: options.backend ?? 'auto' }, place);
  }
  return {
    count,
    table: prepared.table,
    monomials,
    integrals,
    integralKinds: prepared.kinds,
    functionals: prepared.functionals,
    imageCount: prepared.imageCount,
    seed,
    seconds: (Date.now() - started) / 1000,
  };
}

export interface SampleWorkerInput {
  readonly spec: NnftSpec;
  readonly terms: DesignTerm[];
  readonly maxOrder: number;
  readonly seed: number;
  readonly count: number;
  readonly chunkSize: number;
  readonly workers: number;
  readonly backend: BackendRequest;
  readonly workerIndex?: number;
}

export type SampleWorkerMessage =
  | { type: 'chunk'; chunkIndex: number; monomials: Float32Array; integrals: Float64Array[] }
  | { type: 'done' }
  | { type: 'error'; message: string; code?: string };

/** Worker body: draw chunks workerIndex, workerIndex + workers, ... and post each one back. */
export async function runSampleWorker(input: SampleWorkerInput, post: (message: SampleWorkerMessage, transfer: ArrayBuffer[]) => void): Promise<void> {
  await initBackend(input.backend);
  const prepared = prepareSample(input.spec, input.terms, input.maxOrder, input.seed);
  const chunkCount = Math.ceil(input.count / input.chunkSize);
  for (let chunkIndex = input.workerIndex ?? 0; chunkIndex < chunkCount; chunkIndex += input.workers) {
    const part = await drawSampleChunk(prepared, chunkIndex, Math.min(input.chunkSize, input.count - chunkIndex * input.chunkSize));
    post({ type: 'chunk', chunkIndex, ...part }, [part.monomials.buffer as ArrayBuffer, ...part.integrals.map((column) => column.buffer as ArrayBuffer)]);
  }
  post({ type: 'done' }, []);
}

async function drawShardedSample(input: SampleWorkerInput, place: (chunkIndex: number, part: { monomials: Float32Array; integrals: Float64Array[] }) => void): Promise<void> {
  const script = sampleWorkerScript();
  const workers: Worker[] = [];
  try {
    await Promise.all(
      Array.from({ length: input.workers }, (_, workerIndex) => {
        const worker = new Worker(script, { workerData: { ...input, workerIndex } satisfies SampleWorkerInput });
        workers.push(worker);
        return new Promise<void>((resolve, reject) => {
          worker.on('message', (message: SampleWorkerMessage) => {
            if (message.type === 'chunk') place(message.chunkIndex, message);
            else if (message.type === 'done') resolve();
            else reject(new NnftError((message.code as ErrorCode | undefined) ?? 'E_INTERNAL', `design sample worker ${workerIndex}: ${message.message}`));
          });
          worker.on('error', (error) => reject(new NnftError('E_INTERNAL', `design sample worker ${workerIndex} failed: ${error.message}`, { cause: error })));
          worker.on('exit', (code) => {
            if (code !== 0) reject(new NnftError('E_INTERNAL', `design sample worker ${workerIndex} exited with code ${code}`));
          });
        });
      }),
    );
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

/** The compiled worker script; from the TypeScript sources (tests) fall back to the built copy in dist/. */
function sampleWorkerScript(): URL {
  const sibling = new URL('./design-sample-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(sibling))) return sibling;
  const built = new URL('../../dist/design/design-sample-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(built))) return built;
  throw new NnftError('E_INTERNAL', 'the design sample worker script is missing', { hint: 'build the package (npx tsc -p .) or run with --workers 1' });
}
