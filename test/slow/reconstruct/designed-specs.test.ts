/**
 * Locality and clustering verdicts on designed specs (NNFT_SLOW=1; minutes): `nnft action` on specs that `nnft design`
 * wrote for the bundled targets (the analytic construction, --max-steps 0, so each spec's couplings are
 * the target's by construction):
 *
 * (2) phi4-local-1d at width 256: the forward fit recovers lambda = 0.5 within 10% and 3 standard errors
 *     (jackknife errors over the replicas), and the verdict on the deformation is local and clustering.
 *     The tree-level fit is biased low by the one-loop vertex correction (the exact target itself gives
 *     0.44 at tree level), so the comparison uses the local-one-loop candidate.
 * (5) phi4-nonlocal-1d at width 128 (Gaussian kernel of width 0.5): the fitted kernel width is within
 *     20% of 0.5 and 3 standard errors. Its jackknife error (about 0.17 at 100,000 networks) is wider
 *     than the 20% window, so this seed's pass is not a resolution of the width to 20%; it takes
 *     about 30 times more networks for that.
 *
 * Both fixtures were written by `nnft design <target> --width N --max-steps 0`; the runs use 100,000
 * networks in 10 replicas with the spec's estimation seed (deterministic for any worker count).
 */
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { runAction } from '../../../src/reconstruct/run-action.js';

const fixtures = 'test/fixtures/reconstruct';
const workers = Math.min(4, availableParallelism());
const minutes = 60_000;

describe('nnft action on designed specs: local targets local and clustering, the non-local one non-local', () => {
  it('phi4-local-1d, N = 256: lambda = 0.5 within 10% and 3 standard errors; local and clustering', async () => {
    const report = await runAction(`${fixtures}/phi4-local-1d-n256-analytic.json`, { cwd: process.cwd(), ensemble: 100_000, workers, candidates: ['local', 'local-one-loop', 'local+derivative', 'nonlocal-gaussian'] });
    const fits = report.forwardFit!.fits;
    const loop = fits.find((fit) => fit.name === 'local-one-loop')!;
    const lambda = loop.couplings[0]!;
    console.log(`phi4-local-1d n256: lambda(one loop) = ${lambda.value} ± ${lambda.stderr} (higher loops ± ${loop.truncationError}), chi2/dof = ${loop.reducedChiSquared}, p = ${loop.pValue}; tree ${fits.find((fit) => fit.name === 'local')!.couplings[0]!.value}; B = ${report.cluster!.plateau.value} ± ${report.cluster!.plateau.stderr}; mass ${report.mass}; verdict ${report.verdict.summary}`);
    expect(report.backgroundScope).toBe('all');
    expect(report.base).not.toBeNull();
    expect(loop.errors.method).toBe('jackknife');
    expect(Math.abs(lambda.value - 0.5)).toBeLessThan(0.05);
    expect(Math.abs(lambda.value - 0.5) / lambda.stderr).toBeLessThan(3);
    expect(report.forwardFit!.preferred).toBe('local-one-loop');
    expect(Math.abs(report.cluster!.plateau.value) / report.cluster!.plateau.stderr).toBeLessThan(3);
    expect(report.verdict.clusters).toBe(true);
    expect(report.verdict.local).toBe(true);
    expect(report.verdict.summary).toBe('local; clusters');
  }, 30 * minutes);

  it('phi4-nonlocal-1d, N = 128: kernel width 0.5 within 20% and 3 standard errors; never called local', async () => {
    const report = await runAction(`${fixtures}/phi4-nonlocal-1d-n128-analytic.json`, { cwd: process.cwd(), ensemble: 100_000, workers });
    const kernel = report.forwardFit!.fits.find((fit) => fit.name === 'nonlocal-gaussian')!;
    const width = kernel.width!;
    console.log(`phi4-nonlocal-1d n128: width = ${width.value} ± ${width.stderr} (weighted-fit error ${width.fitStderr}), g = ${kernel.couplings[0]!.value} ± ${kernel.couplings[0]!.stderr}, chi2/dof = ${kernel.reducedChiSquared}, p = ${kernel.pValue}; preferred ${report.forwardFit!.preferred}; B = ${report.cluster!.plateau.value} ± ${report.cluster!.plateau.stderr}; verdict ${report.verdict.summary}`);
    expect(kernel.errors.method).toBe('jackknife');
    expect(Math.abs(width.value - 0.5)).toBeLessThan(0.1);
    expect(Math.abs(width.value - 0.5) / width.stderr).toBeLessThan(3);
    expect(report.verdict.clusters).toBe(true);
    expect(report.verdict.local).not.toBe(true);
  }, 30 * minutes);
});
