/**
 * `nnft target --method perturbative --width N` (src/cli/commands/target.ts): the first order of the
 * width-N construction, stated as such in the text and in the result, and the usage errors (exit 2)
 * of --width and --momenta outside it. The numbers are those of finiteWidthFirstOrderResult, checked in
 * finite-width-first-order.test.ts; here the CLI must pass them through unchanged.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import type { CliContext } from '../../src/cli/context.js';
import { loadTarget } from '../../src/theory/load-target.js';
import { finiteWidthFirstOrderResult } from '../../src/design/finite-width-first-order.js';

function captureContext(): CliContext & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), isTTY: false, exitCode: 0, cwd: process.cwd() };
}

describe('nnft target --method perturbative --width N', () => {
  it('prints the first order at width N and records the construction in --json', async () => {
    const text = captureContext();
    expect(await runCli(['target', 'targets/phi4-local-2d-weak.json', '--method', 'perturbative', '--width', '16'], text)).toBe(0);
    const printed = text.out.join('');
    expect(printed).toMatch(/method: perturbative/);
    expect(printed).toMatch(/first order at width 16/);
    expect(printed).toMatch(/quadrature momenta/);
    const json = captureContext();
    expect(await runCli(['target', 'targets/phi4-local-2d-weak.json', '--method', 'perturbative', '--width', '16', '--json'], json)).toBe(0);
    const result = JSON.parse(json.out.join(''));
    expect(result.methodReason).toMatch(/^first order at width 16/);
    expect(result.firstOrderAtWidth.width).toBe(16);
    expect(result.firstOrderAtWidth.architecture).toMatchObject({ kind: 'cos-net', width: 16, alpha: 0, momentumSampling: 'quadrature' });
    const { theory } = await loadTarget('targets/phi4-local-2d-weak.json', { cwd: process.cwd() });
    const library = finiteWidthFirstOrderResult(theory, { width: 16 });
    expect(result.correlators.map((block: { values: number[] }) => block.values)).toEqual(library.correlators.map((block) => block.values));
    // value = zeroth + first order, block by block
    result.correlators.forEach((block: { values: number[] }, k: number) =>
      block.values.forEach((value, i) => expect(value).toBeCloseTo(result.firstOrderAtWidth.zerothOrder[k].values[i] + result.firstOrderAtWidth.firstOrder[k].values[i], 14)),
    );
  });

  it('--width without perturbative or network, and --momenta without --width, exit 2', async () => {
    const lattice = captureContext();
    expect(await runCli(['target', 'targets/phi4-local-1d.json', '--width', '16'], lattice)).toBe(2);
    expect(lattice.err.join('')).toMatch(/--width applies to --method perturbative/);
    const momenta = captureContext();
    expect(await runCli(['target', 'targets/phi4-local-1d.json', '--method', 'perturbative', '--momenta', 'split'], momenta)).toBe(2);
    expect(momenta.err.join('')).toMatch(/--momenta applies to --method perturbative --width N only/);
    const quadrature = captureContext();
    expect(await runCli(['target', 'targets/phi4-local-1d.json', '--method', 'perturbative', '--width', '16', '--momenta', 'quadrature'], quadrature)).toBe(2);
    expect(quadrature.err.join('')).toMatch(/quadrature momenta need a momentum cutoff/);
  });
});
