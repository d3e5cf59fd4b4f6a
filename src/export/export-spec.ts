/**
 * exportSpec: write K concrete networks of a spec's designed density to a directory, as plain JSON
 * weights, TensorFlow.js LayersModels, ONNX models (batched or one per network), or stacked arrays in
 * one NumPy .npz or safetensors file, plus DIR/manifest.json (what was drawn, how, the pool's ESS for
 * deformed specs, the file list). Cos-nets and the one-hidden-layer families (Gauss-, Erf-,
 * ReLU-nets); write-networks.ts, onnx.ts, npz.ts and safetensors.ts have the formats (docs/export.md).
 */
import { join, resolve } from 'node:path';
import { initBackend, type BackendRequest } from '../backend/index.js';
import { NnftError } from '../errors.js';
import { contentHash } from '../io/canonical-json.js';
import { writeFileAtomic, writeJsonAtomic } from '../io/atomic-write.js';
import { ignoreEvents, type EventSink } from '../io/events.js';
import { architectureFromSpec, deformationFromSpec } from '../spec/build-ensemble.js';
import type { NnftSpec } from '../spec/spec.js';
import { NNFT_VERSION } from '../version.js';
import { drawNetworks, type McmcReport, type PoolReport } from './draw-networks.js';
import { npzArchive } from './npz.js';
import { ONNX_IR_VERSION, ONNX_LAYOUTS, ONNX_OPSET, onnxModels, type OnnxLayout } from './onnx.js';
import { safetensorsFile } from './safetensors.js';
import { stackedFromChunk } from './stacked-networks.js';
import {
  CUSTOM_LAYERS,
  NETWORK_FORMULAS,
  cosNetWeights,
  exportableKind,
  hiddenLayerWeights,
  networkName,
  writeJsonNetwork,
  writeTfjsNetwork,
  type ExportableKind,
  type NetworkMetadata,
  type NetworkWeights,
} from './write-networks.js';

export type ExportFormat = 'json' | 'tfjs' | 'onnx' | 'npz' | 'safetensors';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['json', 'tfjs', 'onnx', 'npz', 'safetensors'];

/** The ONNX part of the manifest (format onnx). */
export interface OnnxManifest {
  readonly layout: OnnxLayout;
  /** Always float32 (onnxruntime's CPU provider has no float64 Cos or Erf). */
  readonly dtype: 'float32';
  readonly opset: number;
  readonly irVersion: number;
  readonly input: { readonly name: 'x'; readonly shape: readonly (number | string)[] };
  readonly output: { readonly name: 'phi'; readonly shape: readonly (number | string)[] };
}

export interface ExportOptions {
  readonly count: number;
  readonly format: ExportFormat;
  /** Output directory (created). */
  readonly out: string;
  /** Root seed (default: the spec's estimation.seed, else 1). */
  readonly seed?: number;
  /** Pool size for deformed specs (default max(20 K, 20000)). */
  readonly pool?: number;
  /** Deformed specs: 'resample' (default) or 'mcmc'. */
  readonly sampler?: 'resample' | 'mcmc';
  /** MCMC sweeps (default 200). */
  readonly sweeps?: number;
  /** ONNX: one model for all K networks ('batched', default) or one model per network. */
  readonly onnxLayout?: OnnxLayout;
  readonly backend?: BackendRequest;
  readonly onEvent?: EventSink;
}

export interface ExportManifest {
  readonly nnftExport: 1;
  readonly nnftVersion: string;
  readonly spec: string;
  /** SHA-256 of the spec's canonical JSON (sorted keys, no whitespace). */
  readonly specSha256: string;
  readonly format: ExportFormat;
  readonly count: number;
  readonly seed: number;
  readonly method: string;
  /** Architecture family of the exported networks. */
  readonly kind: ExportableKind;
  /** Custom tfjs layer classes the models use (tfjs format; register with registerNnftLayers). */
  readonly customLayers: readonly string[];
  /** Format onnx: layout, element type, opset and the input/output names and shapes; else null. */
  readonly onnx: OnnxManifest | null;
  readonly pool: PoolReport | null;
  readonly mcmc: McmcReport | null;
  readonly formula: string;
  readonly architecture: Readonly<Record<string, unknown>>;
  readonly deformation: Readonly<Record<string, unknown>> | null;
  readonly dimension: number;
  readonly width: number;
  readonly files: string[];
  readonly seconds: number;
}

export function specSha256(spec: NnftSpec): string {
  return contentHash(spec);
}

/** The Gauss-net's pre-activation normalisation: shift sigma_b^2, curvature sigma_w^2 / d (hidden-layer-net.ts). */
function gaussConstants(description: Readonly<Record<string, unknown>>, dimension: number): { shift: number; curvature: number } {
  const biasStd = typeof description.biasStd === 'number' ? description.biasStd : 1;
  const weightStd = typeof description.weightStd === 'number' ? description.weightStd : 1;
  return { shift: biasStd ** 2, curvature: weightStd ** 2 / dimension };
}

export async function exportSpec(spec: NnftSpec, options: ExportOptions): Promise<ExportManifest> {
  const started = performance.now();
  const onEvent = options.onEvent ?? ignoreEvents;
  if (!(Number.isSafeInteger(options.count) && options.count >= 1)) throw new NnftError('E_USAGE', `the network count must be a positive integer, got ${options.count}`);
  if (!EXPORT_FORMATS.includes(options.format)) throw new NnftError('E_USAGE', `unknown export format ${options.format}`, { hint: `use ${EXPORT_FORMATS.join(' or ')}` });
  const onnxLayout = options.onnxLayout ?? 'batched';
  if (!ONNX_LAYOUTS.includes(onnxLayout)) throw new NnftError('E_USAGE', `unknown ONNX layout ${onnxLayout}`, { hint: `use ${ONNX_LAYOUTS.join(' or ')}` });
  const seed = options.seed ?? spec.estimation?.seed ?? 1;
  if (!(Number.isSafeInteger(seed) && seed >= 0)) throw new NnftError('E_USAGE', `the seed must be a non-negative integer, got ${seed}`);
  const kind = exportableKind(spec.architecture.kind);
  await initBackend(options.backend ?? 'auto');
  const architecture = architectureFromSpec(spec);
  const deformation = deformationFromSpec(spec, architecture);
  const drawn = await drawNetworks({
    architecture,
    deformation,
    count: options.count,
    seed,
    ...(options.pool !== undefined ? { pool: options.pool } : {}),
    ...(options.sampler !== undefined ? { sampler: options.sampler } : {}),
    ...(options.sweeps !== undefined ? { sweeps: options.sweeps } : {}),
    onEvent,
  });
  const hash = specSha256(spec);
  const { dimension, width } = architecture;
  const out = resolve(options.out);
  const gauss = kind === 'gauss-net' ? gaussConstants(architecture.description, dimension) : undefined;
  const files: string[] = [];
  const stackedFormat = options.format === 'onnx' || options.format === 'npz' || options.format === 'safetensors';
  if (stackedFormat) {
    const stacked = stackedFromChunk(kind, drawn.networks, dimension, width, { ...(gauss ?? {}), poolIndices: drawn.poolIndices ? Array.from(drawn.poolIndices) : null });
    const metadata = {
      nnftExport: 1,
      nnftVersion: NNFT_VERSION,
      specSha256: hash,
      specName: spec.name,
      seed,
      kind,
      formula: NETWORK_FORMULAS[kind],
      architecture: architecture.description,
      dimension,
      width,
      count: options.count,
      method: drawn.method,
    };
    const written: [string, Uint8Array][] =
      options.format === 'npz'
        ? [['networks.npz', npzArchive(stacked, metadata)]]
        : options.format === 'safetensors'
          ? [['networks.safetensors', safetensorsFile(stacked, metadata, NETWORK_FORMULAS[kind])]]
          : onnxModels(stacked, { layout: onnxLayout, formula: NETWORK_FORMULAS[kind], producerVersion: NNFT_VERSION, metadata }).map((bytes, k) => [
              onnxLayout === 'batched' ? 'networks.onnx' : `${networkName(k)}.onnx`,
              bytes,
            ]);
    for (const [name, bytes] of written) {
      await writeFileAtomic(join(out, name), bytes);
      files.push(name);
    }
    onEvent({ type: 'progress', task: `writing ${options.format} networks`, done: options.count, total: options.count });
  }
  for (let k = 0; !stackedFormat && k < options.count; k++) {
    const metadata: NetworkMetadata = {
      specSha256: hash,
      specName: spec.name,
      seed,
      index: k,
      architecture: architecture.description,
      dimension,
      width,
      method: drawn.method,
      ...(drawn.poolIndices ? { poolIndex: drawn.poolIndices[k]! } : {}),
    };
    const weights: NetworkWeights = kind === 'cos-net' ? cosNetWeights(drawn.networks, k, width, dimension) : hiddenLayerWeights(drawn.networks, k, width, dimension, gauss);
    const file = options.format === 'json' ? await writeJsonNetwork(out, metadata, weights, kind) : await writeTfjsNetwork(out, metadata, weights, kind);
    files.push(file.slice(out.length + 1));
    if ((k + 1) % 500 === 0 || k + 1 === options.count) onEvent({ type: 'progress', task: `writing ${options.format} networks`, done: k + 1, total: options.count });
  }
  const manifest: ExportManifest = {
    nnftExport: 1,
    nnftVersion: NNFT_VERSION,
    spec: spec.name,
    specSha256: hash,
    format: options.format,
    count: options.count,
    seed,
    method:
      drawn.method === 'direct'
        ? 'direct sampling of the base density'
        : drawn.method === 'mcmc'
          ? 'last states of independent neuron-redraw Metropolis-Hastings chains in parameter space'
          : 'systematic resampling of an importance-weighted pool of base networks',
    kind,
    customLayers: options.format === 'tfjs' ? CUSTOM_LAYERS[kind] : [],
    onnx:
      options.format === 'onnx'
        ? {
            layout: onnxLayout,
            dtype: 'float32',
            opset: ONNX_OPSET,
            irVersion: ONNX_IR_VERSION,
            input: { name: 'x', shape: ['P', dimension] },
            output: { name: 'phi', shape: onnxLayout === 'batched' ? [options.count, 'P'] : ['P'] },
          }
        : null,
    pool: drawn.pool,
    mcmc: drawn.mcmc ?? null,
    formula: NETWORK_FORMULAS[kind],
    architecture: architecture.description,
    deformation: deformation?.description ?? null,
    dimension,
    width,
    files,
    seconds: (performance.now() - started) / 1000,
  };
  await writeJsonAtomic(resolve(out, 'manifest.json'), manifest);
  return manifest;
}
