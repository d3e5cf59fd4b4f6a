/**
 * `nnft export <spec.json> --count K --format tfjs|json|onnx|npz|safetensors --out DIR [--onnx-layout batched|per-network]
 *  [--seed S] [--pool M] [--sampler resample|mcmc] [--sweeps S] [--json]`:
 * write K concrete networks drawn from the spec's designed density (docs/export.md).
 */
import { checkOutDirectory, holdsNnftFile } from '../../io/out-path.js';
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { eventRenderer, type CliContext } from '../context.js';
import { BACKEND_REQUESTS, type BackendRequest } from '../../backend/index.js';
import { EXIT } from '../../errors.js';
import { loadSpec } from '../../spec/load-spec.js';
import { checkFlags, declareFlags } from '../check-flags.js';
import type { OptionRules } from '../../io/option-rules.js';
import { EXPORT_FORMATS, exportSpec, type ExportFormat, type ExportManifest } from '../../export/export-spec.js';
import { ONNX_LAYOUTS, type OnnxLayout } from '../../export/onnx.js';

/** nnft export's flags (src/cli/check-flags.ts); --pool must be at least --count. */
const EXPORT_FLAG_RULES: OptionRules = {
  count: { kind: 'integer', min: 1, max: 1_000_000, fix: 'give how many networks to write, e.g. --count 10' },
  format: { kind: 'choice', choices: [...EXPORT_FORMATS] },
  out: { kind: 'string', fix: 'name the output directory, e.g. --out networks' },
  seed: { kind: 'integer', min: 0, max: Number.MAX_SAFE_INTEGER, fix: 'a seed is a whole number >= 0' },
  pool: { kind: 'integer', min: 1, max: 100_000_000, fix: 'the default is max(20 K, 20000); it must be at least --count' },
  sampler: { kind: 'choice', choices: ['resample', 'mcmc'] },
  onnxLayout: { kind: 'choice', choices: [...ONNX_LAYOUTS] },
  sweeps: { kind: 'integer', min: 1, max: 1_000_000, fix: 'the default is 200' },
  backend: { kind: 'choice', choices: [...BACKEND_REQUESTS] },
};

interface ExportArgs {
  spec: string;
  count: number;
  format: ExportFormat;
  out: string;
  seed?: number;
  pool?: number;
  sampler: 'resample' | 'mcmc';
  sweeps?: number;
  onnxLayout: OnnxLayout;
  backend: BackendRequest;
  json: boolean;
}

export function renderExport(manifest: ExportManifest, out: string): string {
  const lines = [`wrote ${manifest.count} ${manifest.format} networks of ${manifest.spec} to ${out} (${manifest.method}; seed ${manifest.seed})`];
  if (manifest.pool) {
    lines.push(`pool ${manifest.pool.size} networks, ESS ${manifest.pool.effectiveSampleSize.toFixed(0)} (${(100 * manifest.pool.essFraction).toFixed(1)}%), ${manifest.pool.distinct} distinct networks exported`);
  }
  if (manifest.mcmc) {
    lines.push(`${manifest.mcmc.chains} chains x ${manifest.mcmc.sweeps} sweeps, acceptance ${manifest.mcmc.acceptance.toFixed(2)}, ${manifest.mcmc.proposalNeurons} neurons per move, ${(100 * manifest.mcmc.refreshedFraction).toFixed(1)}% of neurons redrawn`);
  }
  if (manifest.format === 'tfjs') {
    lines.push(
      manifest.customLayers.length
        ? `load with stock @tensorflow/tfjs after registerNnftLayers(tf) (custom layer ${manifest.customLayers.join(', ')}; docs/export.md)`
        : 'load with stock @tensorflow/tfjs (built-in layers only; docs/export.md)',
    );
  }
  if (manifest.onnx) lines.push(`ONNX opset ${manifest.onnx.opset}, ${manifest.onnx.layout}, ${manifest.onnx.dtype}: x [${manifest.onnx.input.shape.join(', ')}] -> phi [${manifest.onnx.output.shape.join(', ')}] (docs/export.md)`);
  return `${lines.join('\n')}\n`;
}

export function exportCommand(context: CliContext) {
  return {
    command: 'export <spec>',
    describe: 'write concrete networks drawn from a spec\'s designed density (tfjs, JSON, ONNX, .npz or safetensors)',
    builder: (argv: Argv) =>
      declareFlags(
        argv.positional('spec', { type: 'string', demandOption: true, describe: 'spec JSON file' }),
        EXPORT_FLAG_RULES,
        {
          count: 'number of networks K',
          format: 'tfjs (model.json + weights.bin per network), json (one file per network), onnx, npz or safetensors (docs/export.md)',
          out: 'output directory',
          seed: 'root seed',
          pool: 'deformed specs: base networks to resample from',
          sampler: 'deformed specs: resample an importance-weighted pool, or run one MCMC chain per network',
          sweeps: 'MCMC sweeps per chain',
          onnxLayout: 'onnx: one model x [P, d] -> phi [K, P] (batched) or one model per network, x [P, d] -> phi [P]',
          backend: 'tensor backend (nnft doctor shows which run here)',
        },
        {
          count: { demandOption: true },
          format: { demandOption: true },
          out: { demandOption: true },
          sampler: { default: 'resample' },
          onnxLayout: { default: 'batched' },
          backend: { default: 'auto' },
          seed: { defaultDescription: "the spec's, else 1" },
          pool: { defaultDescription: 'max(20 K, 20000)' },
          sweeps: { defaultDescription: '200' },
        },
      ).option('json', { type: 'boolean', default: false, describe: 'print the manifest as JSON on stdout' }),
    handler: async (args: ExportArgs) => {
      Object.assign(args, checkFlags(args as unknown as Record<string, unknown>, EXPORT_FLAG_RULES, [{ low: 'count', high: 'pool' }]));
      const spec = await loadSpec(args.spec, { cwd: context.cwd });
      const out = resolve(context.cwd, args.out);
      await checkOutDirectory(out, { what: 'an export directory', ours: (path) => holdsNnftFile(path, 'manifest.json', 'nnftExport') });
      const manifest = await exportSpec(spec, {
        count: args.count,
        format: args.format,
        out,
        ...(args.seed !== undefined ? { seed: args.seed } : {}),
        ...(args.pool !== undefined ? { pool: args.pool } : {}),
        sampler: args.sampler,
        onnxLayout: args.onnxLayout,
        ...(args.sweeps !== undefined ? { sweeps: args.sweeps } : {}),
        backend: args.backend,
        onEvent: eventRenderer(context, args.json),
      });
      context.stdout(args.json ? `${JSON.stringify(manifest, null, 2)}\n` : renderExport(manifest, args.out));
      context.exitCode = EXIT.ok;
    },
  };
}
