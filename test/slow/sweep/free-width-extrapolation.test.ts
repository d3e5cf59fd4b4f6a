/**
 * End to end with real ensembles (opt-in: NNFT_SLOW=1 npx vitest run test/slow/sweep): a width
 * sweep of the free alpha = 0 cos-net with Gaussian amplitudes, each point estimated by the
 * ensemble engine, then extrapolated in 1/N. Oracles (docs/ensemble.md, "Architectures"): G_c2 is the free
 * propagator e^{-|x|}/2 at every width, and G_c4 = C/N exactly with
 * C = (3/2) G(0) sum_j G(s_j) - sum_3 G G, so O_inf of G_c4 must be 0 and the fitted c1 must be C.
 */
import { describe, expect, it } from 'vitest';
import { mkdtemp, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeJsonAtomic } from '../../../src/io/atomic-write.js';
import { indexTuples, type CorrelatorResult } from '../../../src/io/result.js';
import { loadSpec } from '../../../src/spec/load-spec.js';
import { estimateSpec } from '../../../src/spec/estimate-spec.js';
import { runSweep } from '../../../src/sweep/run-sweep.js';
import { summarizeDesignResult, parseCorrelatorKey } from '../../../src/sweep/summarize-design.js';
import { renderReport } from '../../../src/report/index.js';

const points = [[0], [0.5], [1.0], [1.7]];
const propagator = (r: number) => Math.exp(-Math.abs(r)) / 2;

function finiteWidthCoefficient(indices: number[]): number {
  const [a, b, c, d] = indices.map((index) => points[index]![0]!) as [number, number, number, number];
  const shifts = [a + b - c - d, a - b + c - d, a - b - c + d];
  const pairings = propagator(a - b) * propagator(c - d) + propagator(a - c) * propagator(b - d) + propagator(a - d) * propagator(b - c);
  return 1.5 * propagator(0) * shifts.reduce((sum, shift) => sum + propagator(shift), 0) - pairings;
}

function exactTarget(): CorrelatorResult {
  const pairs = indexTuples(points.length, 2);
  const quads = indexTuples(points.length, 4);
  return {
    nnftResult: 1,
    kind: 'target-correlators',
    points,
    correlators: [
      { order: 2, indices: pairs, values: pairs.map(([i, j]) => propagator(points[i!]![0]! - points[j!]![0]!)), stderr: pairs.map(() => 0) },
      { order: 4, indices: quads, values: quads.map(() => 0), stderr: quads.map(() => 0) },
    ],
  };
}

describe('width sweep of the free cos-net, extrapolated to infinite width', () => {
  it('G_c4 extrapolates to 0 and its 1/N coefficient matches the closed form', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'nnft-slow-sweep-'));
    const target = { nnftTarget: 1, name: 'free-1d', dimension: 1, action: { free: { kind: 'klein-gordon', mass: 1 } }, regulator: { momentumCutoff: null }, observables: { points, connected: [2, 4] } };
    await writeFile(join(directory, 'free.json'), JSON.stringify(target));
    const file = join(directory, 'widths.json');
    await writeFile(
      file,
      JSON.stringify({
        nnftSweep: 1,
        name: 'free-width-scan',
        target: 'free.json',
        options: { ensembleSize: 100000 },
        vary: {
          mode: 'list',
          parameters: [
            { name: 'width', pointer: '/options/width', values: [4, 8, 16, 32] },
            { name: 'seed', pointer: '/options/seed', values: [101, 102, 103, 104] },
          ],
        },
        extrapolate: { parameter: 'width' },
      }),
    );
    const baseSpec = await loadSpec(resolve('examples/specs/cos-net-free-1d.json'));
    const summary = await runSweep(file, {
      out: join(directory, 'out'),
      parallel: 1,
      runPoint: async (input, runDirectory) => {
        const spec = { ...baseSpec, architecture: { ...baseSpec.architecture, width: input.options.width as number }, observables: { points, connected: [2, 4] } };
        const achieved = await estimateSpec(spec as typeof baseSpec, { ensembleSize: input.options.ensembleSize as number, seed: input.options.seed as number, backend: 'wasm' });
        const result: CorrelatorResult = { nnftResult: 1, kind: 'design', points, correlators: achieved.correlators, achieved, target: exactTarget(), width: input.options.width, parameters: {} };
        await writeJsonAtomic(join(runDirectory, 'result.json'), result);
        return summarizeDesignResult(result);
      },
    });
    expect(summary.failed).toBe(0);
    const fits = summary.extrapolation!.groups[0]!.observables;
    const quartic = fits.filter((fit) => parseCorrelatorKey(fit.name)!.order === 4);
    expect(quartic).toHaveLength(35);
    for (const fit of quartic) {
      // O_inf of G_c4 is 0 within errors (35 fits: a 4.5-sigma bound).
      expect(Math.abs(fit.fit.value) / fit.fit.stderr, `${fit.name} O_inf = ${fit.fit.value} ± ${fit.fit.stderr}`).toBeLessThan(4.5);
      const exact = finiteWidthCoefficient(parseCorrelatorKey(fit.name)!.indices);
      expect(Math.abs(fit.fit.coefficients[1]! - exact) / fit.fit.coefficientErrors[1]!, `${fit.name} c1 = ${fit.fit.coefficients[1]} vs ${exact}`).toBeLessThan(4.5);
    }
    for (const fit of fits.filter((entry) => parseCorrelatorKey(entry.name)!.order === 2)) {
      expect(Math.abs(fit.pull!), `${fit.name}`).toBeLessThan(4.5);
    }
    if (process.env.NNFT_VERBOSE) for (const fit of quartic.slice(0, 35)) console.log(fit.name, fit.fit.value.toFixed(5), fit.fit.stderr.toFixed(5), fit.fit.coefficients[1]!.toFixed(4), fit.fit.coefficientErrors[1]!.toFixed(4), finiteWidthCoefficient(parseCorrelatorKey(fit.name)!.indices).toFixed(4), fit.fit.chiSquaredPerDof!.toFixed(2));
    const html = await renderReport(join(directory, 'out'));
    expect(html).toContain('id="plot-sweep-gc4"');
    expect(html).toContain('id="plot-extrapolation-Gc2-0-0');
    await writeFile(join(directory, 'report.html'), html);
    expect((await readFile(join(directory, 'out', 'summary.csv'), 'utf8')).split('\n').length).toBe(6);
  });
});
