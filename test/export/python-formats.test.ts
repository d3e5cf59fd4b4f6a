/**
 * nnft export --format onnx | npz | safetensors: the files are read back in fresh processes by
 * readers that share no code with src/export, and their networks evaluated against the float64
 * formula of the same networks (the JSON export with the same seed, docs/export.md):
 *
 *   - ONNX (batched and per-network), every family: an independent protobuf decoder + float64
 *     interpreter (fixtures/evaluate-onnx.mjs), always; ONNX Runtime in a child node process
 *     (fixtures/evaluate-onnxruntime.mjs): onnxruntime-web, a devDependency whose WebAssembly
 *     kernels ship inside the package (wasm execution provider, one thread), or onnxruntime-node
 *     when NNFT_ONNXRUNTIME_NODE names it; the test skips, and says so, only when neither can be
 *     resolved (node_modules without the devDependencies); the onnx package's checker with strict
 *     shape inference when a python3 with onnx is found.
 *   - .npz and safetensors, every family: an independent JS reader (fixtures/read-stacked.mjs,
 *     ZIP central directory + CRC-32, .npy headers, safetensors header) whose arrays must equal the
 *     JSON weights bit for bit, always; NumPy (numpy.load, and the safetensors layout read with
 *     numpy.frombuffer) when python3 has numpy.
 *
 * float32 ONNX outputs are compared with a per-value bound of 1e-6 times the sum over neurons of
 * |v_i| max(1, |act(pre_i)|) (|w_i| . |x| + |b_i| + |envelope| + 1): about eight float32 roundings of
 * every term.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { freePropagator } from '../../src/correlators/free-propagator.js';
import { erf } from '../../src/numeric/special-functions.js';
import { captureCli } from '../helpers/cli-capture.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = join(root, 'test/export/fixtures');
const capture = () => captureCli(root);

type Points = number[][];

interface JsonNetwork {
  kind: string;
  metadata: { index: number; poolIndex?: number; specSha256: string };
  weights: Record<string, number[] | number[][] | number>;
}

function node(script: string, args: string[]): unknown {
  const child = spawnSync(process.execPath, [join(fixtures, script), ...args], { cwd: root, encoding: 'utf8', maxBuffer: 256 << 20 });
  if (child.status !== 0) throw new Error(`${script} failed (${child.status}): ${child.stderr}`);
  return JSON.parse(child.stdout);
}

function findPython(module: string): string | null {
  for (const python of ['python3', '/usr/bin/python3']) {
    const probe = spawnSync(python, ['-c', `import ${module}`], { encoding: 'utf8' });
    if (probe.status === 0) return python;
  }
  return null;
}

function python(interpreter: string, script: string, args: string[]): unknown {
  const child = spawnSync(interpreter, [join(fixtures, script), ...args], { cwd: root, encoding: 'utf8', maxBuffer: 256 << 20 });
  if (child.status !== 0) throw new Error(`${script} failed (${child.status}): ${child.stderr}`);
  return JSON.parse(child.stdout);
}

function findOnnxruntime(): string | null {
  const candidates = [process.env.NNFT_ONNXRUNTIME_NODE, 'onnxruntime-web', 'onnxruntime-node'].filter((c): c is string => Boolean(c));
  const require = createRequire(join(root, 'package.json'));
  for (const candidate of candidates) {
    try {
      require.resolve(candidate);
      return candidate;
    } catch {
      // not installed here
    }
  }
  return null;
}

const numpyPython = findPython('numpy');
const onnxPython = findPython('onnx');
const onnxruntime = findOnnxruntime();
if (!onnxruntime) {
  // eslint-disable-next-line no-console
  console.warn('ONNX Runtime is absent (neither onnxruntime-web, a devDependency, nor onnxruntime-node resolves): the ONNX Runtime checks skip');
}

/** The activation of a family and the pre-activation envelope (Gauss-nets). */
function activation(kind: string): (z: number) => number {
  return kind === 'cos-net' ? Math.cos : kind === 'relu-net' ? (z) => Math.max(0, z) : kind === 'erf-net' ? erf : Math.exp;
}

interface Neuron {
  w: number[];
  b: number;
  v: number;
}

function neurons(network: JsonNetwork): Neuron[] {
  const cos = network.kind === 'cos-net';
  const w = network.weights[cos ? 'momenta' : 'weights'] as number[][];
  const b = network.weights[cos ? 'phases' : 'biases'] as number[];
  const v = network.weights[cos ? 'coefficients' : 'outputs'] as number[];
  return w.map((row, i) => ({ w: row, b: b[i]!, v: v[i]! }));
}

function envelope(network: JsonNetwork, x: readonly number[]): number {
  if (network.kind !== 'gauss-net') return 0;
  return -(network.weights.shift as number) - (network.weights.curvature as number) * x.reduce((s, t) => s + t * t, 0);
}

/** phi(x) by the JSON file's formula, float64. */
function formula(network: JsonNetwork, x: readonly number[]): number {
  const act = activation(network.kind);
  const env = envelope(network, x);
  return neurons(network).reduce((sum, n) => sum + n.v * act(n.w.reduce((dot, w, a) => dot + w * x[a]!, n.b) + env), 0);
}

/** The float32 error scale of phi(x) (see the header). */
function float32Scale(network: JsonNetwork, x: readonly number[]): number {
  const act = activation(network.kind);
  const env = envelope(network, x);
  return neurons(network).reduce((sum, n) => {
    const linear = n.w.reduce((s, w, a) => s + Math.abs(w * x[a]!), 0) + Math.abs(n.b) + Math.abs(env) + 1;
    const pre = n.w.reduce((dot, w, a) => dot + w * x[a]!, n.b) + env;
    return sum + Math.abs(n.v) * Math.max(1, Math.abs(act(pre))) * linear;
  }, 0);
}

interface Family {
  readonly label: string;
  readonly spec: string | Record<string, unknown>;
  readonly points: Points;
}

const FAMILIES: readonly Family[] = [
  { label: 'cos-net d=1', spec: join(root, 'examples/specs/cos-net-free-1d.json'), points: [[0], [0.5], [1], [-2.5], [3.1]] },
  { label: 'gauss-net d=2', spec: join(root, 'examples/specs/gauss-net-2d.json'), points: [[0, 0], [0.5, -0.25], [-1.5, 0.4], [2, 2]] },
  {
    label: 'erf-net d=1',
    spec: {
      nnftSpec: 1,
      name: 'erf-net-1d',
      dimension: 1,
      architecture: { kind: 'erf-net', width: 16, weightStd: 1.5, biasStd: 0.5, outputStd: 1 },
      observables: { points: [[-1], [0], [0.7]], connected: [2] },
    },
    points: [[-1], [0], [0.7], [2.9], [-4]],
  },
  {
    label: 'relu-net d=2',
    spec: {
      nnftSpec: 1,
      name: 'relu-net-2d',
      dimension: 2,
      architecture: { kind: 'relu-net', width: 16, weightStd: 1.2, biasStd: 0.8, outputStd: 1.1 },
      observables: { points: [[0, 0], [1, -0.5], [0.3, 0.9]], connected: [2] },
    },
    points: [[0, 0], [1, -0.5], [0.3, 0.9], [-2, 1.7]],
  },
];

const K = 40;
const SEED = 29;
const deviations: Record<string, number> = {};

function record(key: string, deviation: number): void {
  deviations[key] = Math.max(deviations[key] ?? 0, deviation);
}

async function exportTo(specPath: string, out: string, format: string, count: number, extra: string[] = []): Promise<Record<string, unknown>> {
  const context = capture();
  const code = await runCli(['export', specPath, '--count', String(count), '--format', format, '--out', out, '--seed', String(SEED), ...extra], context);
  expect(code, context.err).toBe(0);
  return JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
}

function readJsonNetworks(dir: string, manifest: { files: string[] }): JsonNetwork[] {
  return manifest.files.map((file) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as JsonNetwork);
}

function expectFloat32Match(key: string, values: number[][], networks: JsonNetwork[], points: Points): void {
  expect(values).toHaveLength(networks.length);
  networks.forEach((network, k) => {
    points.forEach((x, p) => {
      const exact = formula(network, x);
      const deviation = Math.abs(values[k]![p]! - exact);
      record(key, deviation);
      expect(deviation, `${key}: network ${k} at x = [${x}]: ${values[k]![p]} vs ${exact}`).toBeLessThanOrEqual(1e-6 * float32Scale(network, x));
    });
  });
}

function expectFloat64Match(key: string, values: number[][], networks: JsonNetwork[], points: Points): void {
  expect(values).toHaveLength(networks.length);
  networks.forEach((network, k) => {
    points.forEach((x, p) => {
      const exact = formula(network, x);
      const deviation = Math.abs(values[k]![p]! - exact);
      record(key, deviation);
      expect(deviation, `${key}: network ${k} at x = [${x}]`).toBeLessThanOrEqual(1e-12 * (1 + float32Scale(network, x)));
    });
  });
}

interface StackedRead {
  arrays: Record<string, { dtype: string; shape: number[]; data: number[] }>;
  metadata: Record<string, unknown>;
}

/** The stacked arrays (JS reader) must be the JSON weights with a leading network axis, bit for bit. */
function expectStackedEqualsJson(read: StackedRead, networks: JsonNetwork[], kind: string, dimension: number, width: number): void {
  const cos = kind === 'cos-net';
  const [wName, bName, vName] = cos ? ['momenta', 'phases', 'coefficients'] : ['weights', 'biases', 'outputs'];
  const expectedNames = [wName, bName, vName, ...(kind === 'gauss-net' ? ['shift', 'curvature'] : [])];
  expect(Object.keys(read.arrays).filter((name) => name !== 'pool_index')).toEqual(expectedNames);
  expect(read.arrays[wName]!.shape).toEqual([networks.length, width, dimension]);
  expect(read.arrays[bName]!.shape).toEqual([networks.length, width]);
  expect(read.arrays[vName]!.shape).toEqual([networks.length, width]);
  networks.forEach((network, k) => {
    const ns = neurons(network);
    ns.forEach((n, i) => {
      n.w.forEach((w, a) => expect(read.arrays[wName]!.data[(k * width + i) * dimension + a]).toBe(w));
      expect(read.arrays[bName]!.data[k * width + i]).toBe(n.b);
      expect(read.arrays[vName]!.data[k * width + i]).toBe(n.v);
    });
    if (kind === 'gauss-net') {
      expect(read.arrays.shift!.data[k]).toBe(network.weights.shift);
      expect(read.arrays.curvature!.data[k]).toBe(network.weights.curvature);
    }
  });
}

/** phi from the stacked arrays by the documented formula (the test's own evaluation of the JS reader's arrays). */
function evaluateStacked(read: StackedRead, kind: string, dimension: number, width: number, points: Points): number[][] {
  const cos = kind === 'cos-net';
  const w = read.arrays[cos ? 'momenta' : 'weights']!.data;
  const b = read.arrays[cos ? 'phases' : 'biases']!.data;
  const v = read.arrays[cos ? 'coefficients' : 'outputs']!.data;
  const count = read.arrays[cos ? 'phases' : 'biases']!.shape[0]!;
  const act = activation(kind);
  return Array.from({ length: count }, (_, k) =>
    points.map((x) => {
      const env = kind === 'gauss-net' ? -read.arrays.shift!.data[k]! - read.arrays.curvature!.data[k]! * x.reduce((s, t) => s + t * t, 0) : 0;
      let sum = 0;
      for (let i = 0; i < width; i++) {
        let pre = b[k * width + i]!;
        for (let a = 0; a < dimension; a++) pre += w[(k * width + i) * dimension + a]! * x[a]!;
        sum += v[k * width + i]! * act(pre + env);
      }
      return sum;
    }),
  );
}

for (const family of FAMILIES) {
  describe(`nnft export onnx / npz / safetensors, ${family.label}`, () => {
    let work = '';
    let specPath = '';
    let networks: JsonNetwork[] = [];
    let kind = '';
    let dimension = 0;
    let width = 0;
    let specSha256 = '';

    beforeAll(async () => {
      work = mkdtempSync(join(tmpdir(), 'nnft-export-py-'));
      specPath = typeof family.spec === 'string' ? family.spec : join(work, 'spec.json');
      if (typeof family.spec !== 'string') writeFileSync(specPath, JSON.stringify(family.spec));
      const manifest = (await exportTo(specPath, join(work, 'json'), 'json', K)) as { files: string[]; kind: string; dimension: number; width: number; specSha256: string };
      networks = readJsonNetworks(join(work, 'json'), manifest);
      ({ kind, dimension, width, specSha256 } = manifest);
    });

    it('ONNX, batched: one model x [P, d] -> phi [K, P] of standard ops at opset 13, equal to the float64 formula to float32 precision', async () => {
      const out = join(work, 'onnx');
      const manifest = await exportTo(specPath, out, 'onnx', K);
      expect(manifest).toMatchObject({
        format: 'onnx',
        files: ['networks.onnx'],
        onnx: { layout: 'batched', dtype: 'float32', opset: 13, irVersion: 7, input: { name: 'x', shape: ['P', dimension] }, output: { name: 'phi', shape: [K, 'P'] } },
      });
      const result = node('evaluate-onnx.mjs', [out, JSON.stringify(family.points)]) as {
        values: number[][];
        models: { irVersion: number; opsets: unknown; ops: string[]; input: unknown; output: unknown; outputShape: number[]; initializerTypes: number[]; metadata: Record<string, unknown> }[];
      };
      const [model] = result.models;
      expect(model).toMatchObject({
        irVersion: 7,
        opsets: [{ domain: '', version: 13 }],
        input: { name: 'x', elemType: 1, shape: ['P', dimension] },
        output: { name: 'phi', elemType: 1, shape: [K, 'P'] },
        outputShape: [K, family.points.length],
        metadata: { kind, specSha256, seed: SEED, count: K, layout: 'batched' },
      });
      const act = { 'cos-net': 'Cos', 'erf-net': 'Erf', 'relu-net': 'Relu', 'gauss-net': 'Exp' }[kind]!;
      expect(model!.ops).toContain(act);
      expect(model!.initializerTypes.every((t) => t === 1 || t === 7)).toBe(true);
      expectFloat32Match(`onnx batched (independent evaluator), ${kind}`, result.values, networks, family.points);
    });

    it('ONNX, per-network: one model per network x [P, d] -> phi [P]', async () => {
      const out = join(work, 'onnx-per-network');
      const count = 6;
      const manifest = await exportTo(specPath, out, 'onnx', count, ['--onnx-layout', 'per-network']);
      expect(manifest).toMatchObject({ files: Array.from({ length: count }, (_, k) => `network-${String(k).padStart(5, '0')}.onnx`), onnx: { layout: 'per-network', output: { name: 'phi', shape: ['P'] } } });
      const result = node('evaluate-onnx.mjs', [out, JSON.stringify(family.points)]) as { values: number[][]; models: { outputShape: number[]; output: unknown; metadata: { index: number } }[] };
      result.models.forEach((model, k) => {
        expect(model.outputShape).toEqual([family.points.length]);
        expect(model.output).toMatchObject({ name: 'phi', shape: ['P'] });
        expect(model.metadata.index).toBe(k);
      });
      expectFloat32Match(`onnx per-network (independent evaluator), ${kind}`, result.values, networks.slice(0, count), family.points);
    });

    it.skipIf(!onnxruntime)(`ONNX with ONNX Runtime (${onnxruntime ?? 'absent: skipped'}) in a fresh process, batched and per-network, equal to the float64 formula`, async () => {
      for (const [dir, count] of [['onnx', K], ['onnx-per-network', 6]] as const) {
        const out = join(work, dir);
        const result = node('evaluate-onnxruntime.mjs', [onnxruntime!, out, JSON.stringify(family.points)]) as {
          runtime: string;
          version: string;
          values: number[][];
          outputs: { dims: number[]; inputNames: string[]; outputNames: string[] }[];
        };
        expect(result.runtime).toMatch(/^onnxruntime-(web|node)/);
        expect(result.outputs).toHaveLength(dir === 'onnx' ? 1 : count);
        for (const output of result.outputs) {
          expect(output.dims).toEqual(dir === 'onnx' ? [K, family.points.length] : [family.points.length]);
          expect(output).toMatchObject({ inputNames: ['x'], outputNames: ['phi'] });
        }
        expectFloat32Match(`${result.runtime} ${result.version} ${dir}, ${kind}`, result.values, networks.slice(0, count), family.points);
      }
    });

    it.skipIf(!onnxPython)('ONNX passes onnx.checker (full check, strict shape inference)', () => {
      const report = python(onnxPython!, 'check_onnx.py', [join(work, 'onnx/networks.onnx'), join(work, 'onnx-per-network/network-00000.onnx')]) as { ir_version: number; opset: unknown; output_shape: unknown[] }[];
      expect(report[0]).toMatchObject({ ir_version: 7, opset: [['', 13]], output_shape: [K, 'P'] });
      expect(report[1]).toMatchObject({ output_shape: ['P'] });
    });

    for (const format of ['npz', 'safetensors'] as const) {
      it(`${format}: stacked float64 arrays read back by an independent reader equal the JSON weights bit for bit`, async () => {
        const out = join(work, format);
        const manifest = await exportTo(specPath, out, format, K);
        expect(manifest).toMatchObject({ format, files: [`networks.${format}`], onnx: null });
        const read = node('read-stacked.mjs', [join(out, `networks.${format}`)]) as StackedRead;
        expectStackedEqualsJson(read, networks, kind, dimension, width);
        const metadata = format === 'npz' ? read.metadata : (JSON.parse(read.metadata.nnft as string) as Record<string, unknown>);
        expect(metadata).toMatchObject({ kind, specSha256, seed: SEED, count: K, dimension, width });
        if (format === 'safetensors') expect(read.metadata).toMatchObject({ kind });
        expectFloat64Match(`${format} (independent JS reader), ${kind}`, evaluateStacked(read, kind, dimension, width, family.points), networks, family.points);
      });

      it.skipIf(!numpyPython)(`${format}: loaded with NumPy in python3, the float64 formula equals the JSON networks'`, () => {
        const result = python(numpyPython!, 'evaluate_stacked.py', [join(work, format, `networks.${format}`), JSON.stringify(family.points)]) as {
          values: number[][];
          arrays: Record<string, [number[], string]>;
          kind: string;
        };
        expect(result.kind).toBe(kind);
        expect(result.arrays[kind === 'cos-net' ? 'momenta' : 'weights']).toEqual([[K, width, dimension], 'float64']);
        expectFloat64Match(`${format} (numpy), ${kind}`, result.values, networks, family.points);
      });
    }
  });
}

describe('nnft export stacked formats: statistics, deformed specs, corruption, bad flags', () => {
  it('2000 cos-nets from one .npz reproduce the free propagator within 5 standard errors', async () => {
    const work = mkdtempSync(join(tmpdir(), 'nnft-export-npz-g2-'));
    const specPath = join(root, 'examples/specs/cos-net-free-1d.json');
    await exportTo(specPath, work, 'npz', 2000);
    const read = node('read-stacked.mjs', [join(work, 'networks.npz')]) as StackedRead;
    const spec = JSON.parse(readFileSync(specPath, 'utf8')) as { architecture: { mass: number; width: number }; observables: { points: Points } };
    const points = spec.observables.points;
    const values = evaluateStacked(read, 'cos-net', 1, spec.architecture.width, points);
    for (let a = 0; a < points.length; a++) {
      for (let b = a; b < points.length; b++) {
        const products = values.map((row) => row[a]! * row[b]!);
        const mean = products.reduce((s, t) => s + t, 0) / products.length;
        const stderr = Math.sqrt(products.reduce((s, t) => s + (t - mean) ** 2, 0) / (products.length - 1) / products.length);
        const exact = freePropagator(1, spec.architecture.mass, null, Math.abs(points[a]![0]! - points[b]![0]!));
        expect(Math.abs(mean - exact), `G2(x${a}, x${b}) = ${mean} ± ${stderr}, exact ${exact}`).toBeLessThan(5 * stderr);
      }
    }
  });

  it('a deformed spec: pool_index in .npz and safetensors equals the JSON networks\' poolIndex, weights equal', async () => {
    const work = mkdtempSync(join(tmpdir(), 'nnft-export-deformed-'));
    const specPath = join(root, 'examples/specs/cos-net-phi4-1d.json');
    const extra = ['--pool', '400'];
    const manifest = (await exportTo(specPath, join(work, 'json'), 'json', 30, extra)) as { files: string[]; dimension: number; width: number };
    const networks = readJsonNetworks(join(work, 'json'), manifest);
    for (const format of ['npz', 'safetensors']) {
      await exportTo(specPath, join(work, format), format, 30, extra);
      const read = node('read-stacked.mjs', [join(work, format, `networks.${format}`)]) as StackedRead;
      expect(read.arrays.pool_index).toMatchObject({ shape: [30] });
      expect(read.arrays.pool_index!.data).toEqual(networks.map((n) => n.metadata.poolIndex));
      expectStackedEqualsJson(read, networks, 'cos-net', manifest.dimension, manifest.width);
    }
  });

  it('the readers catch damage: one flipped byte in an .npz entry fails its CRC-32, a truncated safetensors file fails', async () => {
    const work = mkdtempSync(join(tmpdir(), 'nnft-export-corrupt-'));
    const specPath = join(root, 'examples/specs/cos-net-free-1d.json');
    await exportTo(specPath, join(work, 'npz'), 'npz', 5);
    await exportTo(specPath, join(work, 'safetensors'), 'safetensors', 5);
    const npz = readFileSync(join(work, 'npz/networks.npz'));
    npz[200] ^= 0x01; // inside the first entry's data (momenta.npy: 30-byte local header + name + 64-byte npy header)
    writeFileSync(join(work, 'damaged.npz'), npz);
    expect(() => node('read-stacked.mjs', [join(work, 'damaged.npz')])).toThrow(/CRC-32 mismatch/);
    const safetensors = readFileSync(join(work, 'safetensors/networks.safetensors'));
    writeFileSync(join(work, 'damaged.safetensors'), safetensors.subarray(0, safetensors.length - 8));
    expect(() => node('read-stacked.mjs', [join(work, 'damaged.safetensors')])).toThrow();
  });

  it('an unknown --onnx-layout exits 2', async () => {
    const context = capture();
    const code = await runCli(['export', join(root, 'examples/specs/cos-net-free-1d.json'), '--count', '2', '--format', 'onnx', '--onnx-layout', 'stacked', '--out', mkdtempSync(join(tmpdir(), 'nnft-x-'))], context);
    expect(code).toBe(2);
  });

  it('reports the largest deviations from the float64 formula', () => {
    // eslint-disable-next-line no-console
    console.log(`export deviations from the float64 formula (max |phi - phi_float64|): ${JSON.stringify(deviations, null, 1)}\n` + `verifiers: numpy ${numpyPython ?? 'absent'}, onnx ${onnxPython ?? 'absent'}, onnxruntime ${onnxruntime ?? 'absent'}`);
    expect(Object.keys(deviations).length).toBeGreaterThan(0);
  });
});
