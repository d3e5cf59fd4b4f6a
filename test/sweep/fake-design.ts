/**
 * A stand-in for the design function: writes a run directory (config.json first, result.json at
 * the end) whose correlators are simple deterministic functions of the point's coupling and width,
 * and returns the summary row the real runner would.
 */
import { join } from 'node:path';
import { writeJsonAtomic } from '../../src/io/atomic-write.js';
import { indexTuples, type CorrelatorResult } from '../../src/io/result.js';
import type { SweepPointInput, SweepPointRunner } from '../../src/sweep/run-sweep.js';
import { summarizeDesignResult } from '../../src/sweep/summarize-design.js';

export function fakeDesignResult(coupling: number, width: number): CorrelatorResult {
  const points = [[0], [0.5], [1]];
  const pairs = indexTuples(3, 2);
  const quads = indexTuples(3, 4);
  const separation = (tuple: number[]) => Math.abs(points[tuple[0]!]![0]! - points[tuple[1]!]![0]!);
  const targetG2 = pairs.map((tuple) => Math.exp(-separation(tuple)) / 2 - coupling / 20);
  const targetG4 = quads.map((tuple) => -coupling / 32 / (1 + tuple.reduce((a, b) => a + b, 0)));
  const target: CorrelatorResult = {
    nnftResult: 1,
    kind: 'target-correlators',
    points,
    correlators: [
      { order: 2, indices: pairs, values: targetG2, stderr: pairs.map(() => 0) },
      { order: 4, indices: quads, values: targetG4, stderr: quads.map(() => 0) },
    ],
  };
  const achieved: CorrelatorResult = {
    nnftResult: 1,
    kind: 'ensemble-correlators',
    points,
    correlators: [
      { order: 2, indices: pairs, values: targetG2.map((value) => value + 0.3 / width), stderr: pairs.map(() => 0.002) },
      { order: 4, indices: quads, values: targetG4.map((value) => value + 0.5 / width), stderr: quads.map(() => 0.001) },
    ],
  };
  return {
    nnftResult: 1,
    kind: 'design',
    points,
    correlators: achieved.correlators,
    target,
    achieved,
    parameters: { g4: coupling * 0.8, mass: 1 + coupling / 10 },
    width,
    chiSquaredPerDof: 1 + coupling / 10,
    comparison: {
      orders: [
        { order: 2, relativeError: 0.6 / width, chiSquared: 6, degreesOfFreedom: 6 },
        { order: 4, relativeError: 16 / width / (1 + coupling), chiSquared: 15, degreesOfFreedom: 15 },
      ],
    },
    ess: 5000,
  };
}

export interface FakeRunner {
  runPoint: SweepPointRunner;
  calls: { input: SweepPointInput; directory: string }[];
  maxConcurrent: () => number;
}

/** `failIds`: points that throw; `stopBeforeResult`: points that start (config.json) and then throw. */
export function fakeRunner(options: { failIds?: Set<string>; stopBeforeResult?: Set<number>; delayMs?: number } = {}): FakeRunner {
  const calls: FakeRunner['calls'] = [];
  let running = 0;
  let highest = 0;
  const runPoint: SweepPointRunner = async (input, directory) => {
    calls.push({ input, directory });
    running++;
    highest = Math.max(highest, running);
    try {
      await writeJsonAtomic(join(directory, 'config.json'), { nnftRun: 1, configHash: 'fake', config: input.options, createdAt: 'fixed' });
      await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 5));
      if (options.failIds?.has(input.id) || options.stopBeforeResult?.has(input.index)) throw new Error(`fake failure at point ${input.index}`);
      const coupling = Number((input.target.action as { interactions: { coupling: number }[] }).interactions[0]!.coupling);
      const width = Number(input.options.width ?? 64);
      const result = fakeDesignResult(coupling, width);
      await writeJsonAtomic(join(directory, 'result.json'), result);
      return summarizeDesignResult(result);
    } finally {
      running--;
    }
  };
  return { runPoint, calls, maxConcurrent: () => highest };
}
