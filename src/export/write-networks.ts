/**
 * Writers for exported networks: cos-nets and the one-hidden-layer families (Gauss-, Erf-, ReLU-nets).
 *
 * JSON (one file per network, DIR/network-00000.json): float64 weights, the formula that evaluates
 * them, and the metadata {specSha256, specName, seed, index, architecture, dimension, width, ...}.
 *   cos-net:  phi(x) = sum_i coefficients[i] * cos(sum_a momenta[i][a] * x[a] + phases[i])
 *   relu-net: phi(x) = sum_i outputs[i] * max(0, sum_a weights[i][a] * x[a] + biases[i])
 *   erf-net:  phi(x) = sum_i outputs[i] * erf(sum_a weights[i][a] * x[a] + biases[i])
 *   gauss-net: phi(x) = sum_i outputs[i] * exp(sum_a weights[i][a] * x[a] + biases[i] - shift - curvature * |x|^2)
 *             with the constants shift = sigma_b^2 and curvature = sigma_w^2 / d stored next to the weights.
 *
 * TensorFlow.js (one LayersModel per network, DIR/network-00000/model.json + weights.bin):
 *   cos-net:   x -> Dense "hidden" (kernel[a][i] = momenta[i][a], bias = phases) -> NnftCos -> Dense "readout" (no bias)
 *   relu-net:  x -> Dense "hidden" (kernel[a][i] = weights[i][a], bias = biases, built-in relu) -> Dense "readout"
 *   erf-net:   x -> Dense "hidden" -> NnftErf -> Dense "readout"
 *   gauss-net: functional model: Dense "hidden"(x) + Dense "envelope"(Multiply "square"(x, x)) -> NnftExp -> Dense "readout",
 *              envelope kernel = -curvature everywhere, envelope bias = -shift, so the sum is the pre-activation above.
 * model.predict(x) = phi(x) in float32. The custom layers (nnft-layers.ts) must be registered with
 * registerNnftLayers(tf) before loading. The topology is produced once by tfjs itself (a template
 * model saved through tf.io.withSaveHandler); each network's weights.bin is the float32 weights
 * concatenated in the manifest's order, written by hand (no tfjs-node file handler needed).
 */
import { join } from 'node:path';
import { tf } from '../backend/index.js';
import type { ParameterChunk } from '../architectures/architecture.js';
import { NnftError } from '../errors.js';
import { writeFileAtomic, writeJsonAtomic } from '../io/atomic-write.js';
import { NNFT_VERSION } from '../version.js';
import { NNFT_COS_CLASS_NAME, NNFT_ERF_CLASS_NAME, NNFT_EXP_CLASS_NAME, registerNnftLayers } from './nnft-layers.js';

export type ExportableKind = 'cos-net' | 'gauss-net' | 'erf-net' | 'relu-net';
export const EXPORTABLE_KINDS: readonly ExportableKind[] = ['cos-net', 'gauss-net', 'erf-net', 'relu-net'];

export const NETWORK_FORMULA = 'phi(x) = sum_i coefficients[i] * cos(sum_a momenta[i][a] * x[a] + phases[i])';

export const NETWORK_FORMULAS: Readonly<Record<ExportableKind, string>> = {
  'cos-net': NETWORK_FORMULA,
  'relu-net': 'phi(x) = sum_i outputs[i] * max(0, sum_a weights[i][a] * x[a] + biases[i])',
  'erf-net': 'phi(x) = sum_i outputs[i] * erf(sum_a weights[i][a] * x[a] + biases[i])',
  'gauss-net': 'phi(x) = sum_i outputs[i] * exp(sum_a weights[i][a] * x[a] + biases[i] - shift - curvature * sum_a x[a]^2)',
};

/** Custom tfjs layer classes each family's model uses (register with registerNnftLayers(tf)). */
export const CUSTOM_LAYERS: Readonly<Record<ExportableKind, readonly string[]>> = {
  'cos-net': [NNFT_COS_CLASS_NAME],
  'relu-net': [],
  'erf-net': [NNFT_ERF_CLASS_NAME],
  'gauss-net': [NNFT_EXP_CLASS_NAME],
};

export interface NetworkMetadata {
  readonly specSha256: string;
  readonly specName: string;
  readonly seed: number;
  readonly index: number;
  readonly architecture: Readonly<Record<string, unknown>>;
  readonly dimension: number;
  readonly width: number;
  readonly method: string;
  readonly poolIndex?: number;
}

export interface CosNetWeights {
  readonly momenta: number[][];
  readonly phases: number[];
  readonly coefficients: number[];
}

export interface HiddenLayerWeights {
  readonly weights: number[][];
  readonly biases: number[];
  readonly outputs: number[];
  /** Gauss-nets only: the pre-activation's normalisation shift + curvature |x|^2 (sigma_b^2 and sigma_w^2 / d). */
  readonly shift?: number;
  readonly curvature?: number;
}

export type NetworkWeights = CosNetWeights | HiddenLayerWeights;

export function networkName(index: number): string {
  return `network-${String(index).padStart(5, '0')}`;
}

/** Weights of network k of a cos-net chunk as nested plain arrays. */
export function cosNetWeights(chunk: ParameterChunk, k: number, width: number, dimension: number): CosNetWeights {
  const { momenta, phases, coefficients } = chunk.arrays as Record<string, Float64Array>;
  const neurons = Array.from({ length: width }, (_, i) => k * width + i);
  return {
    momenta: neurons.map((slot) => Array.from(momenta!.subarray(slot * dimension, (slot + 1) * dimension))),
    phases: neurons.map((slot) => phases![slot]!),
    coefficients: neurons.map((slot) => coefficients![slot]!),
  };
}

/**
 * Weights of network k of a one-hidden-layer chunk (arrays weights [count*width*d], biases and
 * outputs [count*width]); `gauss` carries the Gauss-net's normalisation constants.
 */
export function hiddenLayerWeights(chunk: ParameterChunk, k: number, width: number, dimension: number, gauss?: { shift: number; curvature: number }): HiddenLayerWeights {
  const { weights, biases, outputs } = chunk.arrays as Record<string, Float64Array>;
  const neurons = Array.from({ length: width }, (_, i) => k * width + i);
  return {
    weights: neurons.map((slot) => Array.from(weights!.subarray(slot * dimension, (slot + 1) * dimension))),
    biases: neurons.map((slot) => biases![slot]!),
    outputs: neurons.map((slot) => outputs![slot]!),
    ...(gauss ? { shift: gauss.shift, curvature: gauss.curvature } : {}),
  };
}

/** The exportable family of an architecture kind; E_UNSUPPORTED for anything else. */
export function exportableKind(kind: string): ExportableKind {
  if ((EXPORTABLE_KINDS as readonly string[]).includes(kind)) return kind as ExportableKind;
  throw new NnftError('E_UNSUPPORTED', `export does not know the architecture ${kind}`, { hint: `exportable: ${EXPORTABLE_KINDS.join(', ')}` });
}

export async function writeJsonNetwork(dir: string, metadata: NetworkMetadata, weights: NetworkWeights, kind: ExportableKind = 'cos-net'): Promise<string> {
  const file = join(dir, `${networkName(metadata.index)}.json`);
  await writeJsonAtomic(file, { nnftNetwork: 1, kind, formula: NETWORK_FORMULAS[kind], metadata, weights });
  return file;
}

interface TfjsTemplate {
  readonly modelTopology: unknown;
  readonly weightSpecs: readonly { name: string; shape: number[]; dtype: string }[];
}

const templates = new Map<string, TfjsTemplate>();

/** The tfjs model of one family, built with the registered custom layers (weights left at their initial values). */
function templateModel(kind: ExportableKind, dimension: number, width: number): tf.LayersModel {
  const { NnftCos, NnftErf, NnftExp } = registerNnftLayers(tf as never);
  const readout = () => tf.layers.dense({ units: 1, useBias: false, activation: 'linear', name: 'readout' });
  if (kind === 'gauss-net') {
    const input = tf.input({ shape: [dimension], name: 'x' });
    const hidden = tf.layers.dense({ units: width, useBias: true, activation: 'linear', name: 'hidden' }).apply(input) as tf.SymbolicTensor;
    const square = tf.layers.multiply({ name: 'square' }).apply([input, input]) as tf.SymbolicTensor;
    const envelope = tf.layers.dense({ units: width, useBias: true, activation: 'linear', name: 'envelope' }).apply(square) as tf.SymbolicTensor;
    const pre = tf.layers.add({ name: 'pre' }).apply([hidden, envelope]) as tf.SymbolicTensor;
    const activated = new NnftExp({ name: 'exp' }).apply(pre) as tf.SymbolicTensor;
    const output = readout().apply(activated) as tf.SymbolicTensor;
    return tf.model({ inputs: input, outputs: output, name: 'nnft_gauss_net' });
  }
  const hidden = tf.layers.dense({ units: width, inputShape: [dimension], useBias: true, activation: kind === 'relu-net' ? 'relu' : 'linear', name: 'hidden' });
  const layers = kind === 'cos-net' ? [hidden, new NnftCos({ name: 'cos' }), readout()] : kind === 'erf-net' ? [hidden, new NnftErf({ name: 'erf' }), readout()] : [hidden, readout()];
  return tf.sequential({ name: kind === 'cos-net' ? 'nnft_cos_net' : `nnft_${kind.replace('-', '_')}`, layers });
}

/** The LayersModel topology and weight manifest for a network of this family, dimension and width, from tfjs itself. */
export async function tfjsTemplate(dimension: number, width: number, kind: ExportableKind = 'cos-net'): Promise<TfjsTemplate> {
  const key = `${kind}:${dimension}x${width}`;
  const cached = templates.get(key);
  if (cached) return cached;
  const model = templateModel(kind, dimension, width);
  let captured: TfjsTemplate | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = { modelTopology: artifacts.modelTopology, weightSpecs: (artifacts.weightSpecs ?? []) as TfjsTemplate['weightSpecs'] };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  model.dispose();
  if (!captured) throw new Error('tfjs did not hand over the model artifacts');
  templates.set(key, captured);
  return captured;
}

/** A [d, width] Dense kernel (row-major, kernel[a][i]) from per-neuron rows rows[i][a]. */
function denseKernel(rows: readonly (readonly number[])[], dimension: number, width: number): Float32Array {
  const kernel = new Float32Array(dimension * width);
  for (let a = 0; a < dimension; a++) for (let i = 0; i < width; i++) kernel[a * width + i] = rows[i]![a]!;
  return kernel;
}

/** float32 weights of one network in the template's manifest order. */
export function tfjsWeightBuffer(template: TfjsTemplate, weights: NetworkWeights, dimension: number, width: number): Uint8Array {
  const cos = 'momenta' in weights ? weights : null;
  const hidden = 'weights' in weights ? weights : null;
  const parts: Float32Array[] = template.weightSpecs.map((spec) => {
    if (spec.name.endsWith('hidden/kernel')) return denseKernel(cos ? cos.momenta : hidden!.weights, dimension, width);
    if (spec.name.endsWith('hidden/bias')) return Float32Array.from(cos ? cos.phases : hidden!.biases);
    if (spec.name.endsWith('readout/kernel')) return Float32Array.from(cos ? cos.coefficients : hidden!.outputs);
    if (spec.name.endsWith('envelope/kernel') && hidden?.curvature !== undefined) return new Float32Array(dimension * width).fill(-hidden.curvature);
    if (spec.name.endsWith('envelope/bias') && hidden?.shift !== undefined) return new Float32Array(width).fill(-hidden.shift);
    throw new Error(`unexpected weight ${spec.name} in the tfjs template`);
  });
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Float32Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return new Uint8Array(out.buffer);
}

export async function writeTfjsNetwork(dir: string, metadata: NetworkMetadata, weights: NetworkWeights, kind: ExportableKind = 'cos-net'): Promise<string> {
  const template = await tfjsTemplate(metadata.dimension, metadata.width, kind);
  const modelDir = join(dir, networkName(metadata.index));
  await writeFileAtomic(join(modelDir, 'weights.bin'), tfjsWeightBuffer(template, weights, metadata.dimension, metadata.width));
  await writeJsonAtomic(join(modelDir, 'model.json'), {
    format: 'layers-model',
    generatedBy: `nnft ${NNFT_VERSION}`,
    convertedBy: null,
    modelTopology: template.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: template.weightSpecs }],
    userDefinedMetadata: { nnft: { ...metadata, kind, formula: NETWORK_FORMULAS[kind], customLayers: CUSTOM_LAYERS[kind] } },
  });
  return join(modelDir, 'model.json');
}
