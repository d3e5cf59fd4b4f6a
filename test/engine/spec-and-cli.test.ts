import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { NnftError } from '../../src/errors.js';
import { loadSpec, parseSpecText } from '../../src/spec/load-spec.js';
import { estimateSpec } from '../../src/spec/estimate-spec.js';
import { captureCli } from '../helpers/cli-capture.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const examples = join(root, 'examples/specs');

const capture = (cwd = root) => captureCli(cwd);

function schemaError(text: string): NnftError {
  try {
    parseSpecText(text, 'spec.json');
  } catch (error) {
    if (error instanceof NnftError) return error;
    throw error;
  }
  throw new Error('expected the spec to be rejected');
}

describe('spec format', () => {
  it('accepts every example spec', async () => {
    for (const name of ['cos-net-free-1d.json', 'cos-net-phi4-1d.json', 'gauss-net-2d.json']) {
      const spec = await loadSpec(join(examples, name));
      expect(spec.nnftSpec).toBe(1);
    }
  });

  it('reports unknown keys with a path and a did-you-mean, and semantic problems with paths', () => {
    const unknown = schemaError(
      JSON.stringify({ nnftSpec: 1, name: 'x', dimension: 1, architecture: { kind: 'cos-net', width: 4, mass: 1, momentumCutof: 3 }, observables: { points: [[0]], connected: [2] } }),
    );
    expect(unknown.code).toBe('E_SCHEMA');
    expect(JSON.stringify(unknown.issues)).toMatch(/momentumCutof/);
    const semantic = schemaError(
      JSON.stringify({ nnftSpec: 1, name: 'x', dimension: 2, architecture: { kind: 'cos-net', width: 4, mass: 1, momentumCutoff: null }, observables: { points: [[0]], connected: [2] } }),
    );
    expect(semantic.code).toBe('E_SEMANTIC');
    const paths = semantic.issues.map((issue) => issue.path);
    expect(paths).toContain('observables.points[0]');
    expect(paths).toContain('architecture.momentumCutoff');
    expect(schemaError('{"nnftSpec": 1,}').code).toBe('E_JSON_SYNTAX');
    const quadrature = schemaError(
      JSON.stringify({ nnftSpec: 1, name: 'x', dimension: 1, architecture: { kind: 'cos-net', width: 4, mass: 1, momentumCutoff: null, momentumSampling: 'quadrature' }, observables: { points: [[0]], connected: [2] } }),
    );
    expect(quadrature.issues.map((issue) => `${issue.path}: ${issue.message}`).join()).toMatch(/architecture\.momentumSampling: "quadrature" momenta need a momentum cutoff/);
    const stratified = schemaError(
      JSON.stringify({ nnftSpec: 1, name: 'x', dimension: 3, architecture: { kind: 'cos-net', width: 4, mass: 1, momentumCutoff: 5, momentumSampling: 'stratified' }, observables: { points: [[0, 0, 0]], connected: [2] } }),
    );
    expect(stratified.issues.map((issue) => issue.path)).toContain('architecture.momentumSampling');
  });
});

describe('estimateSpec and nnft estimate', () => {
  it('returns the result contract with provenance, ESS and variance-reduction factors', async () => {
    const spec = await loadSpec(join(examples, 'cos-net-phi4-1d.json'));
    const result = await estimateSpec(spec, { ensembleSize: 2000, seed: 4, backend: 'wasm' });
    expect(result).toMatchObject({ nnftResult: 1, kind: 'ensemble-correlators', backend: 'wasm', seed: 4, ensembleSize: 2000 });
    expect(result.correlators.map((block) => block.order)).toEqual([2, 4]);
    expect(result.correlators[1]!.indices).toEqual([[0, 0, 0, 0], [0, 0, 0, 1], [0, 0, 1, 1], [0, 1, 1, 1], [1, 1, 1, 1]]);
    expect(result.effectiveSampleSize as number).toBeGreaterThan(1900);
    const reductions = result.varianceReduction as { order: number; factor: number[]; estimator: string[] }[];
    expect(reductions[1]!.estimator.every((name) => name.startsWith('control-variate'))).toBe(true);
    expect(Math.min(...reductions[1]!.factor)).toBeGreaterThan(1);
  });

  it('prints JSON with --json and a table otherwise; bad specs exit 2', async () => {
    const json = capture();
    expect(await runCli(['estimate', 'examples/specs/cos-net-free-1d.json', '--ensemble', '2000', '--workers', '1', '--backend', 'wasm', '--json'], json)).toBe(0);
    const parsed = JSON.parse(json.out);
    expect(parsed.kind).toBe('ensemble-correlators');
    expect(parsed.correlators[0].values).toHaveLength(10);

    const directory = mkdtempSync(join(tmpdir(), 'nnft-estimate-'));
    writeFileSync(join(directory, 'points.json'), JSON.stringify([[0], [2]]));
    const table = capture(directory);
    expect(await runCli(['estimate', join(examples, 'cos-net-free-1d.json'), '--ensemble', '2000', '--points', 'points.json', '--workers', '1', '--backend', 'wasm'], table)).toBe(0);
    expect(table.out).toMatch(/G_c2:\n {2}\(x0,x0\) {2}0\.\d+ ± /);

    writeFileSync(join(directory, 'bad.json'), JSON.stringify({ nnftSpec: 2 }));
    const bad = capture(directory);
    expect(await runCli(['estimate', 'bad.json', '--workers', '1'], bad)).toBe(2);
  });

  it('switches to MCMC when the importance weights collapse, or fails with E_ESS_COLLAPSE when told not to', async () => {
    const strong = {
      nnftSpec: 1,
      name: 'strong',
      dimension: 1,
      architecture: { kind: 'cos-net', width: 8, mass: 1, momentumCutoff: 10 },
      deformation: { region: { kind: 'box', side: 12 }, terms: [{ kind: 'local', power: 4, coupling: 1000 }] },
      observables: { points: [[0]], connected: [2] },
      estimation: { minEssFraction: 0.05 },
    };
    const events: string[] = [];
    const result = await estimateSpec(parseSpecText(JSON.stringify(strong)), { ensembleSize: 3000, seed: 2, backend: 'wasm', onEvent: (event) => void (event.type === 'warning' && events.push(event.message)) });
    expect(result.method).toMatch(/Markov chain/);
    expect(result.mcmc).toMatchObject({ chains: 300 });
    expect(events.join()).toMatch(/ESS/);
    const off = parseSpecText(JSON.stringify({ ...strong, estimation: { minEssFraction: 0.05, mcmc: 'off' } }));
    await expect(estimateSpec(off, { ensembleSize: 3000, seed: 2, backend: 'wasm' })).rejects.toMatchObject({ code: 'E_ESS_COLLAPSE' });
  });

  it.skipIf(!existsSync(join(root, 'dist/ensemble/ensemble-worker.js')))('gives identical results for 1, 2 and 3 workers', async () => {
    const spec = await loadSpec(join(examples, 'cos-net-phi4-1d.json'));
    const runs = [];
    for (const workers of [1, 2, 3]) runs.push(await estimateSpec(spec, { ensembleSize: 1200, seed: 9, workers, backend: 'wasm' }));
    expect(runs[1]!.correlators).toEqual(runs[0]!.correlators);
    expect(runs[2]!.correlators).toEqual(runs[0]!.correlators);
  });
});
