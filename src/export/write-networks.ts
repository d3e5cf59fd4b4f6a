/**
 * Writers for exported cos-nets.
 *
 * JSON (one file per network, DIR/network-00000.json):
 *   phi(x) = sum_i coefficients[i] * cos(sum_a momenta[i][a] * x[a] + phases[i]),
 * weights in float64 with the metadata {specSha256, specName, seed, index, architecture, dimension,
 * width, ...}.
 *
 * TensorFlow.js (one LayersModel per network, DIR/network-00000/model.json + weights.bin):
 *   input [d] -> Dense(width, bias)  kernel[a][i] = momenta[i][a], bias[i] = phases[i]
 *             -> NnftCos (elementwise cosine; register with registerNnftCos(tf) before loading)
 *             -> Dense(1, no bias)   kernel[i][0] = coefficients[i]
 * so model.predict(x) = phi(x) in float32. The topology is produced once by tfjs itself (a template
 * model saved through tf.io.withSaveHandler); each network's weights.bin is the float32 weights
 * concatenated in the manifest's order, written by hand (no tfjs-node file handler needed).
 */
import { join } from 'node:path';
import { tf } from '../backend/index.js';
import type { ParameterChunk } from '../architectures/architecture.js';
import { writeFileAtomic, writeJsonAtomic } from '../io/atomic-write.js';
import { NNFT_VERSION } from '../version.js';
import { registerNnftCos } from './nnft-cos-layer.js';

export const NETWORK_FORMULA = 'phi(x) = sum_i coefficients[i] * cos(sum_a momenta[i][a] * x[a] + phases[i])';

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

export async function writeJsonNetwork(dir: string, metadata: NetworkMetadata, weights: CosNetWeights): Promise<string> {
  const file = join(dir, `${networkName(metadata.index)}.json`);
  await writeJsonAtomic(file, { nnftNetwork: 1, formula: NETWORK_FORMULA, metadata, weights });
  return file;
}

interface TfjsTemplate {
  readonly modelTopology: unknown;
  readonly weightSpecs: readonly { name: string; shape: number[]; dtype: string }[];
}

const templates = new Map<string, TfjsTemplate>();

/** The LayersModel topology and weight manifest for a cos-net of this dimension and width, from tfjs itself. */
export async function tfjsTemplate(dimension: number, width: number): Promise<TfjsTemplate> {
  const key = `${dimension}x${width}`;
  const cached = templates.get(key);
  if (cached) return cached;
  const NnftCos = registerNnftCos(tf as never);
  const model = tf.sequential({
    name: 'nnft_cos_net',
    layers: [
      tf.layers.dense({ units: width, inputShape: [dimension], useBias: true, activation: 'linear', name: 'hidden' }),
      new NnftCos({ name: 'cos' }),
      tf.layers.dense({ units: 1, useBias: false, activation: 'linear', name: 'readout' }),
    ],
  });
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

/** float32 weights of one network in the template's manifest order. */
export function tfjsWeightBuffer(template: TfjsTemplate, weights: CosNetWeights, dimension: number, width: number): Uint8Array {
  const parts: Float32Array[] = template.weightSpecs.map((spec) => {
    if (spec.name.endsWith('hidden/kernel')) {
      const kernel = new Float32Array(dimension * width);
      for (let a = 0; a < dimension; a++) for (let i = 0; i < width; i++) kernel[a * width + i] = weights.momenta[i]![a]!;
      return kernel;
    }
    if (spec.name.endsWith('hidden/bias')) return Float32Array.from(weights.phases);
    if (spec.name.endsWith('readout/kernel')) return Float32Array.from(weights.coefficients);
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

export async function writeTfjsNetwork(dir: string, metadata: NetworkMetadata, weights: CosNetWeights): Promise<string> {
  const template = await tfjsTemplate(metadata.dimension, metadata.width);
  const modelDir = join(dir, networkName(metadata.index));
  await writeFileAtomic(join(modelDir, 'weights.bin'), tfjsWeightBuffer(template, weights, metadata.dimension, metadata.width));
  await writeJsonAtomic(join(modelDir, 'model.json'), {
    format: 'layers-model',
    generatedBy: `nnft ${NNFT_VERSION}`,
    convertedBy: null,
    modelTopology: template.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: template.weightSpecs }],
    userDefinedMetadata: { nnft: { ...metadata, formula: NETWORK_FORMULA, customLayers: ['NnftCos'] } },
  });
  return join(modelDir, 'model.json');
}
