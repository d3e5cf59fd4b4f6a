/**
 * K exported networks of one family as stacked float64 arrays: the plain data behind the .npz,
 * safetensors and ONNX exports (docs/export.md, "Stacked arrays").
 *
 * The first axis of every array is the network index k (0..K-1), the second the neuron i, the last
 * the input axis a, all C order (row-major):
 *
 *   cos-net:          momenta [K, N, d], phases [K, N], coefficients [K, N]
 *     phi_k(x) = sum_i coefficients[k, i] * cos(sum_a momenta[k, i, a] x[a] + phases[k, i])
 *   gauss/erf/relu:   weights [K, N, d], biases [K, N], outputs [K, N]
 *     phi_k(x) = sum_i outputs[k, i] * act(sum_a weights[k, i, a] x[a] + biases[k, i] (- shift[k] - curvature[k] |x|^2 for Gauss))
 *   gauss-net also:   shift [K], curvature [K]  (the same constants for every network)
 *   deformed specs:   pool_index [K] (int64), the pool network each exported one was drawn as
 *
 * These are exactly the per-network JSON weights (write-networks.ts) with a leading network axis.
 */
import type { ParameterChunk } from '../architectures/architecture.js';
import { NnftError } from '../errors.js';
import type { CosNetWeights, ExportableKind, HiddenLayerWeights, NetworkWeights } from './write-networks.js';

export interface StackedNetworks {
  readonly kind: ExportableKind;
  /** K */
  readonly count: number;
  /** d */
  readonly dimension: number;
  /** N */
  readonly width: number;
  /**
   * cos-net: momenta [K*N*d], phases [K*N], coefficients [K*N]; the other families: weights [K*N*d],
   * biases [K*N], outputs [K*N]; row-major with the network index first.
   */
  readonly arrays: Readonly<Record<string, Float64Array>>;
  /** Gauss-nets: the pre-activation's normalisation shift and curvature (sigma_b^2, sigma_w^2 / d). */
  readonly shift?: number;
  readonly curvature?: number;
  /** Deformed specs: the pool index of each exported network. */
  readonly poolIndices?: readonly number[] | null;
}

/** One named array of the stacked export: float64 or int64 data with its C-order shape. */
export interface NamedArray {
  readonly name: string;
  readonly dtype: 'float64' | 'int64';
  readonly shape: readonly number[];
  readonly data: Float64Array | BigInt64Array;
}

export function isCosKind(kind: ExportableKind): boolean {
  return kind === 'cos-net';
}

/** Names of the three weight arrays of a family: [input weights, biases/phases, readout]. */
export function weightArrayNames(kind: ExportableKind): readonly [string, string, string] {
  return isCosKind(kind) ? ['momenta', 'phases', 'coefficients'] : ['weights', 'biases', 'outputs'];
}

function checkStacked(stacked: StackedNetworks): void {
  const { count, width, dimension, kind } = stacked;
  if (!(Number.isSafeInteger(count) && count >= 1 && Number.isSafeInteger(width) && width >= 1 && Number.isSafeInteger(dimension) && dimension >= 1)) {
    throw new NnftError('E_USAGE', `stacked networks need positive integer count, width and dimension, got ${count}, ${width}, ${dimension}`);
  }
  const [input, bias, readout] = weightArrayNames(kind);
  const expected: [string, number][] = [
    [input, count * width * dimension],
    [bias, count * width],
    [readout, count * width],
  ];
  for (const [name, length] of expected) {
    const array = stacked.arrays[name];
    if (!array || array.length !== length) throw new NnftError('E_USAGE', `stacked ${kind} array ${name} must have ${length} entries, got ${array?.length ?? 'none'}`);
  }
  if (kind === 'gauss-net' && !(Number.isFinite(stacked.shift) && Number.isFinite(stacked.curvature))) {
    throw new NnftError('E_USAGE', 'stacked gauss-nets need finite shift and curvature');
  }
  if (stacked.poolIndices && stacked.poolIndices.length !== count) throw new NnftError('E_USAGE', `poolIndices must have ${count} entries, got ${stacked.poolIndices.length}`);
}

/** The stacked arrays of the first `count` networks of a drawn parameter chunk (the chunk's layout is already [K, N, d]). */
export function stackedFromChunk(
  kind: ExportableKind,
  chunk: ParameterChunk,
  dimension: number,
  width: number,
  extras: { shift?: number; curvature?: number; poolIndices?: readonly number[] | null } = {},
): StackedNetworks {
  const count = chunk.count;
  const arrays: Record<string, Float64Array> = {};
  const names = weightArrayNames(kind);
  names.forEach((name, position) => {
    const source = chunk.arrays[name];
    if (!source) throw new Error(`the drawn ${kind} chunk has no array ${name}`);
    arrays[name] = source.subarray(0, count * width * (position === 0 ? dimension : 1));
  });
  const stacked: StackedNetworks = {
    kind,
    count,
    dimension,
    width,
    arrays,
    ...(kind === 'gauss-net' ? { shift: extras.shift!, curvature: extras.curvature! } : {}),
    ...(extras.poolIndices ? { poolIndices: extras.poolIndices } : {}),
  };
  checkStacked(stacked);
  return stacked;
}

/** Stack per-network weights (the JSON export's `weights` objects) of one family. */
export function stackNetworks(kind: ExportableKind, dimension: number, width: number, networks: readonly NetworkWeights[], poolIndices?: readonly number[] | null): StackedNetworks {
  const count = networks.length;
  const [inputName, biasName, readoutName] = weightArrayNames(kind);
  const input = new Float64Array(count * width * dimension);
  const bias = new Float64Array(count * width);
  const readout = new Float64Array(count * width);
  let shift: number | undefined;
  let curvature: number | undefined;
  networks.forEach((network, k) => {
    const rows = isCosKind(kind) ? (network as CosNetWeights).momenta : (network as HiddenLayerWeights).weights;
    const biases = isCosKind(kind) ? (network as CosNetWeights).phases : (network as HiddenLayerWeights).biases;
    const outputs = isCosKind(kind) ? (network as CosNetWeights).coefficients : (network as HiddenLayerWeights).outputs;
    if (!rows || rows.length !== width || biases?.length !== width || outputs?.length !== width) throw new NnftError('E_USAGE', `network ${k} does not have ${width} ${kind} neurons`);
    for (let i = 0; i < width; i++) {
      const row = rows[i]!;
      if (row.length !== dimension) throw new NnftError('E_USAGE', `network ${k} neuron ${i} has ${row.length} input weights, expected ${dimension}`);
      for (let a = 0; a < dimension; a++) input[(k * width + i) * dimension + a] = row[a]!;
      bias[k * width + i] = biases[i]!;
      readout[k * width + i] = outputs[i]!;
    }
    if (kind === 'gauss-net') {
      const hidden = network as HiddenLayerWeights;
      if (shift !== undefined && (hidden.shift !== shift || hidden.curvature !== curvature)) throw new NnftError('E_USAGE', 'stacked gauss-nets must share shift and curvature');
      shift = hidden.shift;
      curvature = hidden.curvature;
    }
  });
  const stacked: StackedNetworks = {
    kind,
    count,
    dimension,
    width,
    arrays: { [inputName]: input, [biasName]: bias, [readoutName]: readout },
    ...(kind === 'gauss-net' ? { shift: shift!, curvature: curvature! } : {}),
    ...(poolIndices ? { poolIndices } : {}),
  };
  checkStacked(stacked);
  return stacked;
}

/** The named arrays of the .npz and safetensors exports, in file order (docs/export.md). */
export function namedArrays(stacked: StackedNetworks): NamedArray[] {
  checkStacked(stacked);
  const { count: K, width: N, dimension: d, kind } = stacked;
  const [inputName, biasName, readoutName] = weightArrayNames(kind);
  const arrays: NamedArray[] = [
    { name: inputName, dtype: 'float64', shape: [K, N, d], data: stacked.arrays[inputName]! },
    { name: biasName, dtype: 'float64', shape: [K, N], data: stacked.arrays[biasName]! },
    { name: readoutName, dtype: 'float64', shape: [K, N], data: stacked.arrays[readoutName]! },
  ];
  if (kind === 'gauss-net') {
    arrays.push({ name: 'shift', dtype: 'float64', shape: [K], data: new Float64Array(K).fill(stacked.shift!) });
    arrays.push({ name: 'curvature', dtype: 'float64', shape: [K], data: new Float64Array(K).fill(stacked.curvature!) });
  }
  if (stacked.poolIndices) arrays.push({ name: 'pool_index', dtype: 'int64', shape: [K], data: BigInt64Array.from(stacked.poolIndices, (j) => BigInt(j)) });
  return arrays;
}

/** Little-endian bytes of an array's data (a copy; the platform's own byte order is not assumed). */
export function littleEndianBytes(data: Float64Array | BigInt64Array | Float32Array): Uint8Array {
  const size = data instanceof Float32Array ? 4 : 8;
  const out = new Uint8Array(data.length * size);
  const view = new DataView(out.buffer);
  for (let j = 0; j < data.length; j++) {
    if (data instanceof Float64Array) view.setFloat64(j * 8, data[j]!, true);
    else if (data instanceof Float32Array) view.setFloat32(j * 4, data[j]!, true);
    else view.setBigInt64(j * 8, data[j]!, true);
  }
  return out;
}
