/**
 * The network reference (the analytic construction on quadrature momenta at large width): its only
 * finite-width effect, C_N - G_Lambda, is below 0.05% of G(0) at width 1024 over every separation of the
 * phi4-local-2d region, and on a weak, cheap d = 2 theory its estimate agrees with first-order
 * perturbation theory (the O(lambda^2) terms are ~1% there, below these errors).
 */
import { describe, expect, it } from 'vitest';
import { quadratureDeviation, networkReference } from '../../src/design/network-reference.js';
import { computeTargetCorrelators } from '../../src/correlators/index.js';
import { loadTarget } from '../../src/theory/load-target.js';
import type { Theory } from '../../src/theory/theory.js';
import { runCli } from '../../src/cli/run-cli.js';
import { captureCli } from '../helpers/cli-capture.js';

const target = (name: string) => new URL(`../../targets/${name}.json`, import.meta.url).pathname;

describe('network reference', () => {
  it('has C_N within 2e-4 of G_Lambda (0.05% of G(0)) over the whole phi4-local-2d region at width 1024, 1e-8 out to 3.5, and not at width 128', () => {
    const reach = Math.SQRT2 * 4;
    expect(quadratureDeviation(2, 1, 10, 1024, reach).absolute).toBeLessThan(2e-4);
    expect(quadratureDeviation(2, 1, 10, 1024, 3.5).absolute).toBeLessThan(1e-8);
    expect(quadratureDeviation(2, 1, 10, 128, reach).absolute).toBeGreaterThan(1e-3);
  });

  it('agrees with first-order perturbation theory on a weak, small d = 2 theory', async () => {
    const weak = (await loadTarget(target('phi4-local-2d-weak'))).theory;
    // Cutoff 4 and a box of side 3 keep this to seconds; lambda = 1 so that G_c4 stands above the noise.
    const theory: Theory = {
      ...weak,
      momentumCutoff: 4,
      interactionRegion: { kind: 'box', side: 3 },
      interactions: weak.interactions.map((term) => ({ ...term, coupling: 1 })),
    } as Theory;
    const reference = await networkReference(theory, { width: 64, ensembleSize: 16000, seed: 5, backend: 'wasm' });
    expect(reference.method).toBe('network');
    const firstOrder = await computeTargetCorrelators(theory, { method: 'perturbative' });
    const four = reference.correlators.find((block) => block.order === 4)!;
    const expected = firstOrder.correlators.find((block) => block.order === 4)!;
    // Worst pull over the tuples, with a 12% O(lambda^2) allowance (weak-coupling.ts at lambda = 1: ~4%, x3).
    four.values.forEach((value, t) => {
      expect(Math.abs(value - expected.values[t]!)).toBeLessThan(4 * four.stderr[t]! + 0.12 * Math.abs(expected.values[t]!));
    });
    // Wick-ordered phi^4: no first-order shift of G2.
    const two = reference.correlators.find((block) => block.order === 2)!;
    const free = firstOrder.correlators.find((block) => block.order === 2)!;
    two.values.forEach((value, t) => expect(Math.abs(value - free.values[t]!)).toBeLessThan(4 * two.stderr[t]! + 0.01 * free.values[t]!));
  }, 120_000);

  it('refuses a target without a momentum cutoff with a hint', async () => {
    const context = captureCli();
    const code = await runCli(['target', 'targets/phi4-local-1d.json', '--method', 'network'], context);
    expect(code).toBe(2);
    expect(context.err).toMatch(/network reference needs d = 1 or 2, a momentum cutoff/);
  });
});
