import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/backend/index.js';
import { cosNet, type CosNetOptions } from '../../../src/architectures/cos-net.js';
import { cosNetConnectedFour } from '../../../src/architectures/cos-net-exact-moments.js';
import { freePropagator } from '../../../src/correlators/free-propagator.js';
import { estimateEnsemble } from '../../../src/ensemble/estimate-ensemble.js';

const SCALE = Number(process.env.NNFT_SLOW_SCALE ?? 1);

function distance(a: readonly number[], b: readonly number[]): number {
  return Math.hypot(...a.map((value, axis) => value - b[axis]!));
}

describe('free cos-net acceptance (fixed seeds, k <= 5)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  }, 1200000);

  it('G2 equals G_Lambda at N = 4 and N = 1024 in d = 1 and d = 2', async () => {
    const cases = [
      { dimension: 1 as const, cutoff: null, points: [[0], [0.3], [1.1], [2.5]] },
      { dimension: 2 as const, cutoff: 10, points: [[0, 0], [0.3, 0.1], [-0.7, 0.9], [1.5, -1.5]] },
    ];
    for (const { dimension, cutoff, points } of cases) {
      for (const width of [4, 1024]) {
        const net = cosNet({ dimension, width, mass: 1, cutoff });
        const result = await estimateEnsemble({ architecture: net, deformation: null, points, orders: [2], ensembleSize: Math.round(40_000 * SCALE), seed: 100 + width + dimension });
        const [two] = result.summary.orders;
        two!.indices.forEach(([i, j], index) => {
          const exact = freePropagator(dimension, 1, cutoff, distance(points[i!]!, points[j!]!));
          expect(Math.abs(two!.values[index]! - exact) / two!.stderr[index]!, `d=${dimension} N=${width} (${i},${j})`).toBeLessThan(5);
        });
      }
    }
  }, 1200000);

  it('finite-N G_c4 matches the closed forms at N = 4 and 64 with log-log slope -1 +- 0.05 (alpha = 0 both laws, alpha = -1)', async () => {
    // G_c4(x,x,x,x) averaged over translations, an exact symmetry of the undeformed ensemble.
    const translations = Array.from({ length: 8 }, (_, k) => [[5 * k]]);
    const cases: { label: string; options: Omit<CosNetOptions, 'width'> }[] = [
      { label: 'alpha 0, Gaussian a', options: { dimension: 1, mass: 1, cutoff: null, alpha: 0 } },
      { label: 'alpha 0, fixed |a|', options: { dimension: 1, mass: 1, cutoff: null, alpha: 0, amplitude: { kind: 'fixed' } } },
      { label: 'alpha -1, Gaussian a', options: { dimension: 1, mass: 1, cutoff: 10, alpha: -1 } },
    ];
    const report: string[] = [];
    for (const { label, options } of cases) {
      const estimates: { width: number; value: number; error: number }[] = [];
      for (const width of [4, 64]) {
        const net = cosNet({ ...options, width });
        const ensembleSize = Math.round((width === 4 ? 200_000 : 2_000_000) * SCALE);
        const result = await estimateEnsemble({ architecture: net, deformation: null, points: translations[0]!, images: translations.slice(1), orders: [4], ensembleSize, seed: 7 + width });
        const [four] = result.summary.orders;
        const exact = cosNetConnectedFour(net, [[0], [0], [0], [0]]);
        const value = four!.values[0]!;
        const error = four!.stderr[0]!;
        report.push(`${label} N=${width}: ${value} ± ${error} vs ${exact}`);
        console.log(report[report.length - 1]);
        expect(Math.abs(value - exact) / error, `${label} N=${width}`).toBeLessThan(5);
        estimates.push({ width, value, error });
      }
      const [small, large] = estimates as [{ width: number; value: number; error: number }, { width: number; value: number; error: number }];
      const slope = Math.log(large.value / small.value) / Math.log(large.width / small.width);
      const slopeError = Math.hypot(small.error / small.value, large.error / large.value) / Math.log(large.width / small.width);
      report.push(`${label}: slope ${slope} ± ${slopeError}`);
      console.log(report[report.length - 1]);
      expect(Math.abs(slope + 1), label).toBeLessThan(0.05);
      expect(slopeError).toBeLessThan(0.025);
    }
  }, 1200000);

  it('10^7 networks stream in bounded memory (RSS < 1.5 GB) without leaking tensors', async () => {
    const net = cosNet({ dimension: 1, width: 4, mass: 1, cutoff: null });
    const result = await estimateEnsemble({ architecture: net, deformation: null, points: [[0], [0.5], [1.0], [1.7]], orders: [2, 4], ensembleSize: Math.round(10_000_000 * Math.min(1, SCALE)), seed: 77 });
    const rss = process.memoryUsage().rss;
    console.log(`10^7 networks: ${result.diagnostics.seconds.toFixed(1)} s, RSS ${(rss / 2 ** 20).toFixed(0)} MiB`);
    expect(rss).toBeLessThan(1.5 * 2 ** 30);
    expect(result.diagnostics.tensorGrowth).toBe(0);
    expect(result.diagnostics.tensorsAfter).toBe(result.diagnostics.tensorsBefore);
  }, 1200000);
});
