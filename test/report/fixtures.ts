/** Synthetic run and sweep directories for report tests. */
import { mkdtemp, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeJsonAtomic } from '../../src/io/atomic-write.js';
import { runSweep } from '../../src/sweep/run-sweep.js';
import { fakeDesignResult, fakeRunner } from '../sweep/fake-design.js';

export async function syntheticRunDirectory(options: { metrics?: boolean; result?: boolean; name?: string } = {}): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'nnft-report-run-'));
  await writeJsonAtomic(join(directory, 'config.json'), { nnftRun: 1, configHash: 'abc', config: { width: 64, note: '<script>alert(1)</script>' }, createdAt: '2026-01-01T00:00:00Z' });
  if (options.metrics !== false) {
    const lines: string[] = [];
    for (let step = 0; step < 30; step++) {
      const loss = 200 * Math.exp(-step / 6) + 8;
      lines.push(JSON.stringify({ step, loss, lossStderr: 0.05 * loss, chiSquaredPerDof: loss / 8, ess: 4000 + 30 * step, parameters: { g4: 0.5 - 0.004 * step, mass: 1 + 0.002 * step, 'amp<scale>': 0.9 } }));
    }
    await writeFile(join(directory, 'metrics.jsonl'), `${lines.join('\n')}\n{"step": 30, "loss`);
  }
  if (options.result !== false) {
    await writeJsonAtomic(join(directory, 'result.json'), { ...fakeDesignResult(0.5, 64), name: options.name ?? 'phi4 <test> & co' });
  }
  return directory;
}

export async function syntheticSweepDirectory(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'nnft-report-sweep-'));
  const file = join(directory, 'scan.json');
  await mkdir(join(directory, 'out'), { recursive: true });
  await writeFile(
    file,
    JSON.stringify({
      nnftSweep: 1,
      name: 'report-scan',
      description: 'coupling & width <scan>',
      target: resolve('examples/sweeps/phi4-1d-spectral.json'),
      options: { seed: 1 },
      vary: {
        parameters: [
          { name: 'width', pointer: '/options/width', values: [32, 64, 128, 256] },
          { name: 'coupling', pointer: '/target/action/interactions/0/coupling', values: [0.1, 1] },
        ],
      },
      extrapolate: { parameter: 'width' },
    }),
  );
  await runSweep(file, { out: join(directory, 'out'), runPoint: fakeRunner({ delayMs: 0 }).runPoint });
  return join(directory, 'out');
}

/** A small deterministic generator for synthetic noise (tests must not depend on Math.random). */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
}

export interface DesignRunOptions {
  /** free: m = 1 in d = 1, G(r) = exp(-r)/2 exactly; phi4: lambda = 0.5, targets from the spectral solver. */
  theory: 'free' | 'phi4';
  status?: 'met' | 'not-met' | 'unresolved';
  /** The stated numerical error of every target value (an exact method's round-off floor). */
  targetStderr?: number;
  /** Write a config.json whose theory differs from the one that made the target (mass 1.3). */
  tamperedConfig?: boolean;
  /** Leave the theory out of config.json. */
  noTheoryInConfig?: boolean;
}

export interface DesignRun {
  directory: string;
  result: Record<string, unknown> & {
    status: string;
    tolerance: number;
    relativeError: number;
    consistency: { chiSquaredPerDof: number; degreesOfFreedom: number; pValue: number };
    comparison: { orders: { order: number; scale: number; relativeError: number; rows: { indices: number[]; pull: number }[] }[] };
  };
  points: number[][];
}

/**
 * A design run directory shaped like `nnft design` writes it (config.json with the target theory
 * and settings, result.json with status, tolerance, relativeError, consistency, comparison,
 * widthCurve, nested target and achieved with jackknife replicates), from synthetic numbers.
 */
export async function syntheticDesignRun(options: DesignRunOptions): Promise<DesignRun> {
  const { indexTuples } = await import('../../src/io/result.js');
  const { compareCorrelators } = await import('../../src/design/compare-correlators.js');
  const { computeSpectral } = await import('../../src/correlators/index.js');
  const directory = await mkdtemp(join(tmpdir(), `nnft-report-design-${options.theory}-`));
  const points = [[-0.5], [0], [0.5], [1]];
  const interactions = options.theory === 'free' ? [] : [{ kind: 'local', power: 4, coupling: 0.5, wickOrdered: false }];
  const theoryDigest = { name: `synthetic-${options.theory}`, dimension: 1, mass: 1, interactions, momentumCutoff: null, interactionRegion: null, points, connectedOrders: [2, 4] };
  const pairs = indexTuples(points.length, 2);
  const quads = indexTuples(points.length, 4);
  const separation = (tuple: number[]) => Math.abs(points[tuple[0]!]![0]! - points[tuple[1]!]![0]!);
  let targetG2: number[];
  let targetG4: number[];
  if (options.theory === 'free') {
    targetG2 = pairs.map((tuple) => Math.exp(-separation(tuple)) / 2);
    targetG4 = quads.map(() => 0);
  } else {
    const spectral = computeSpectral({ ...theoryDigest, description: '', connectedOrders: [2, 4], targetCorrelators: { method: 'spectral', options: {} }, source: { file: null, sha256: null } } as never);
    targetG2 = spectral.correlators.find((block) => block.order === 2)!.values;
    targetG4 = spectral.correlators.find((block) => block.order === 4)!.values;
  }
  const targetStderr = options.targetStderr ?? 3.33e-16;
  const target = {
    nnftResult: 1 as const,
    kind: 'target-correlators' as const,
    points,
    correlators: [
      { order: 2, indices: pairs, values: targetG2, stderr: pairs.map(() => targetStderr) },
      { order: 4, indices: quads, values: targetG4, stderr: quads.map(() => targetStderr) },
    ],
    method: options.theory === 'free' ? 'free' : 'spectral',
    errorMeaning: 'estimated numerical error of a deterministic computation (quadrature/truncation)',
    ...(options.theory === 'phi4' ? { massGap: 1.0562022802170856 } : {}),
  };
  const noise = lcg(7);
  const batches = 20;
  const z = Array.from({ length: batches }, () => noise() * 3.4);
  const achievedBlock = (order: number, indices: number[][], values: number[], stderr: number, bias: number) => {
    const shifted = values.map((value) => value + bias + stderr * noise() * 2);
    return {
      order,
      indices,
      values: shifted,
      stderr: indices.map(() => stderr),
      replicates: shifted.map((value) => z.map((entry) => value + (stderr * entry) / Math.sqrt(batches - 1))),
    };
  };
  const met = (options.status ?? 'not-met') === 'met';
  const achieved = {
    nnftResult: 1 as const,
    kind: 'ensemble-correlators' as const,
    points,
    correlators: [achievedBlock(2, pairs, targetG2, 0.0011, 0), achievedBlock(4, quads, targetG4, 0.0006, met ? 0 : 0.004)],
    ensembleSize: 10000,
  };
  const comparison = compareCorrelators(achieved as never, target as never, [2, 4]);
  const status = options.status ?? (comparison.worstRelativeError <= 0.05 ? 'met' : 'not-met');
  const result = {
    nnftResult: 1,
    kind: 'design',
    status,
    reasons: status === 'met' ? [] : ['G_c4: relative error exceeds the tolerance 0.05 by more than 3 standard errors'],
    consistency: { chiSquared: 51.3, degreesOfFreedom: 45, chiSquaredPerDof: 51.3 / 45, pValue: 0.2417, worstPull: { order: 4, indices: [0, 0, 3, 3], pull: 2.93 }, worstPullPValue: 0.14, law: 'hotelling-F', batches, powerful: true },
    relativeError: comparison.worstRelativeError,
    points,
    correlators: achieved.correlators,
    target,
    achieved,
    width: 64,
    parameters: { amplitudeScale: 1.01, coupling4: 0.5 },
    tolerance: 0.05,
    comparison,
    widthCurve: [
      { width: 16, relativeError: 0.31, relativeErrorStderr: 0.02, met: false, status: 'not-met' },
      { width: 64, relativeError: comparison.worstRelativeError, relativeErrorStderr: 0.01, met: status === 'met', status },
      { width: 32, relativeError: 0.12, relativeErrorStderr: 0.015, met: false, status: 'unresolved' },
    ],
    validationEnsembleSize: 10000,
  };
  const digest = options.noTheoryInConfig ? undefined : options.tamperedConfig ? { ...theoryDigest, mass: 1.3 } : theoryDigest;
  await writeJsonAtomic(join(directory, 'config.json'), { nnftRun: 1, configHash: 'synthetic', config: { nnftDesign: 1, ...(digest ? { target: digest } : {}), settings: { tolerance: 0.05, width: 64 } }, createdAt: '2026-01-01T00:00:00Z' });
  await writeJsonAtomic(join(directory, 'result.json'), result);
  await writeFile(join(directory, 'metrics.jsonl'), [0, 1, 2].map((step) => JSON.stringify({ width: 64, step, loss: 60 - step, chiSquaredPerDof: 1.3 - step / 10, ess: 9000, parameters: { coupling4: 0.5 } })).join('\n') + '\n');
  return { directory, result: result as DesignRun['result'], points };
}

/**
 * A sweep over the coupling whose points carry the design's verdicts: relative error 16/width/(1+g)
 * per fakeDesignResult, tolerance 0.05 (a sweep option), met when every order is within it.
 */
export async function syntheticVerdictSweep(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'nnft-report-verdicts-'));
  const file = join(directory, 'scan.json');
  await writeFile(
    file,
    JSON.stringify({
      nnftSweep: 1,
      name: 'verdict-scan',
      description: 'coupling scan with verdicts',
      target: resolve('examples/sweeps/phi4-1d-spectral.json'),
      options: { seed: 1, tolerance: 0.05, width: 128 },
      vary: { parameters: [{ name: 'coupling', pointer: '/target/action/interactions/0/coupling', values: [0.5, 1, 2, 4] }] },
    }),
  );
  const { runPoint } = fakeRunner({ delayMs: 0 });
  await runSweep(file, {
    out: join(directory, 'out'),
    runPoint: async (input, pointDirectory) => {
      const summary = (await runPoint(input, pointDirectory)) as Record<string, unknown>;
      const worst = Math.max(...Object.values(summary.relativeErrors as Record<string, number>));
      return { ...summary, relativeError: worst, status: worst <= 0.05 ? 'met' : 'not-met' };
    },
  });
  return join(directory, 'out');
}
