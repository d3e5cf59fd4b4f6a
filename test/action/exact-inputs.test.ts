/**
 * `nnft action` on exact correlators (docs/reconstruct.md, "The `nnft action` command"), end to end through the CLI: `nnft target
 * --method spectral --json` writes the exact correlators of d = 1 phi^4 at lambda = 0.5 (on R, and in
 * a box of side 12) on 8 points 0.5 apart, and `nnft action` must read them "local; clusters" with the
 * coupling recovered, stating the relative error floor and the mass it used. Inputs that are not local
 * must still read non-local: the same exact data with a long-range plateau added to G_c4, and the
 * first-order correlators of the non-local quartic target (Gaussian kernel of width 0.5).
 *
 * Every input is deterministic (the spectral and perturbative methods take no seed). Before the floor
 * (errors 1e-13, nominal error 1e-6) the local inputs read "non-local; violates cluster decomposition"
 * (B = -1.2e-6 at "6 sigma", chi^2/dof ~ 3e5), and without the file's mass the forward fits did not run.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import type { ActionReport } from '../../src/reconstruct/run-action.js';
import type { CorrelatorResult } from '../../src/io/result.js';
import { EXACT_INPUT_RELATIVE_ERROR_FLOOR } from '../../src/reconstruct/index.js';
import { captureCli, repositoryRoot } from '../helpers/cli-capture.js';

const LAMBDA = 0.5;
/** Stated tolerance on the recovered coupling, besides its error: 5%. */
const COUPLING_TOLERANCE = 0.05;
const row = Array.from({ length: 8 }, (_, i) => [(i - 3.5) * 0.5]);

async function cli(args: string[], cwd: string) {
  const context = captureCli(cwd);
  const code = await runCli(args, context);
  return { code, out: context.out, err: context.err };
}

/** A target file in `directory` from a repository target with the 8-point row and the given changes. */
function writeTarget(directory: string, name: string, from: string, change: (target: Record<string, unknown>) => void): string {
  const target = JSON.parse(readFileSync(join(repositoryRoot, from), 'utf8')) as Record<string, unknown>;
  delete target.$schema;
  target.name = name;
  (target.observables as Record<string, unknown>).points = row;
  change(target);
  writeFileSync(join(directory, `${name}.json`), JSON.stringify(target, null, 2));
  return `${name}.json`;
}

/** `nnft target <file> --json` into <name>.result.json; returns the result file's name and contents. */
async function targetResult(directory: string, file: string, method?: string): Promise<{ file: string; result: CorrelatorResult }> {
  const { code, out, err } = await cli(['target', file, '--json', ...(method ? ['--method', method] : [])], directory);
  expect(code, err).toBe(0);
  const resultFile = file.replace(/\.json$/, '.result.json');
  writeFileSync(join(directory, resultFile), out);
  return { file: resultFile, result: JSON.parse(out) as CorrelatorResult };
}

/** The --json report, and (withText) the printed report of a second run. */
async function actionReport(directory: string, file: string, candidates: string, withText = true): Promise<{ report: ActionReport; text: string }> {
  const json = await cli(['action', file, '--json', '--candidates', candidates], directory);
  expect(json.code, json.err).toBe(0);
  const text = withText ? await cli(['action', file, '--candidates', candidates], directory) : { code: 0, out: '', err: '' };
  expect(text.code, text.err).toBe(0);
  return { report: JSON.parse(json.out) as ActionReport, text: text.out };
}

const localCandidates = 'local,local-one-loop,local+derivative';

describe('nnft action on exact correlators', () => {
  const directory = mkdtempSync(join(tmpdir(), 'nnft-action-exact-'));

  for (const [label, region] of [
    ['on R', null],
    ['in a box of side 12', { kind: 'box', side: 12 }],
  ] as const) {
    it(`exact spectral phi^4 (lambda = 0.5) ${label}: local; clusters, lambda recovered, floor and mass stated`, async () => {
      const name = `phi4-spectral-${region ? 'box12' : 'R'}`;
      const file = writeTarget(directory, name, 'targets/phi4-local-1d.json', (target) => {
        target.regulator = { momentumCutoff: null, ...(region ? { interactionRegion: region } : {}) };
      });
      const { file: resultFile, result } = await targetResult(directory, file, 'spectral');
      expect(result.method).toBe('spectral');
      const { report, text } = await actionReport(directory, resultFile, localCandidates);

      expect(report.verdict.summary).toBe('local; clusters');
      expect(report.errorFloor!.relative).toBe(EXACT_INPUT_RELATIVE_ERROR_FLOOR);
      expect(report.errorFloor!.allRaised).toBe(true);
      expect(text).toContain(`error floor: relative ${EXACT_INPUT_RELATIVE_ERROR_FLOOR}`);

      // the mass is the file's own (the spectral mass gap), not the bare mass 1, and the output says so
      expect(report.massSource).toBe('file-mass-gap');
      expect(report.mass).toBe(result.massGap);
      expect(report.mass!).toBeGreaterThan(1.03);
      expect(text).toMatch(/forward-fit mass m = 1\.05\d+, the file's massGap/);

      // the cluster plateau is consistent with 0 and the decay is resolved
      expect(report.cluster!.significance).toBeLessThan(3);
      expect(report.cluster!.pValue).toBeGreaterThan(0.01);

      // lambda: the one-loop fit is preferred and recovers 0.5 within its error (statistical and
      // higher-loop in quadrature, 2 sigma) and within the stated tolerance
      const fit = report.forwardFit!.fits.find((candidate) => candidate.preferred)!;
      expect(fit.name).toBe('local-one-loop');
      const lambda = fit.couplings[0]!;
      const error = Math.hypot(lambda.stderr, fit.truncationError ?? 0);
      expect(Math.abs(lambda.value - LAMBDA)).toBeLessThan(2 * error);
      expect(Math.abs(lambda.value - LAMBDA) / LAMBDA).toBeLessThan(COUPLING_TOLERANCE);
      expect(report.verdict.reasons.join(' ')).toMatch(/local: the forward fit prefers/);
    });
  }

  it('the same exact data with a long-range plateau in G_c4: non-local; violates cluster decomposition', async () => {
    const file = writeTarget(directory, 'phi4-spectral-plateau', 'targets/phi4-local-1d.json', () => {});
    const { result } = await targetResult(directory, file, 'spectral');
    const twoPoint = result.correlators.find((block) => block.order === 2)!;
    const propagatorAtZero = twoPoint.indices.reduce((sum, [a, b], k) => (a === b ? sum + twoPoint.values[k]! : sum), 0) / row.length;
    // a plateau 1e-4 G(0)^2, well below 1% of G_c4 at coincident points (~5e-2 G(0)^2): the floor must not hide it
    const plateau = 1e-4;
    const fourPoint = result.correlators.find((block) => block.order === 4)!;
    fourPoint.values = fourPoint.values.map((value) => value + plateau * propagatorAtZero ** 2);
    writeFileSync(join(directory, 'plateau.result.json'), JSON.stringify(result));
    const { report } = await actionReport(directory, 'plateau.result.json', localCandidates, false);
    expect(report.verdict.summary).toBe('non-local; violates cluster decomposition');
    const fitted = report.cluster!.plateau;
    expect(Math.abs(fitted.value - plateau)).toBeLessThan(3 * fitted.stderr);
    expect(report.cluster!.significance).toBeGreaterThan(10);
  });

  it('the non-local quartic target (first order, bare mass from its target file): non-local, kernel width recovered', async () => {
    const file = writeTarget(directory, 'phi4-nonlocal-row', 'targets/phi4-nonlocal-1d.json', () => {});
    const { file: resultFile, result } = await targetResult(directory, file);
    expect(result.method).toBe('perturbative');
    const { report } = await actionReport(directory, resultFile, `${localCandidates},nonlocal-gaussian`, false);
    expect(report.verdict.local).toBe(false);
    expect(report.massSource).toBe('target-bare-mass');
    expect(report.mass).toBe(1);
    expect(report.massStatement).toMatch(/forward-fit mass m = 1\.0000, the bare mass of the target \(phi4-nonlocal-row\.json\)/);
    // the forward fit, not only the cluster curve, says non-local: the kernel is resolved at its width
    expect(report.forwardFit!.preferred).toBe('nonlocal-gaussian');
    expect(report.verdict.reasons.join(' ')).toMatch(/non-local: the forward fit prefers a Gaussian kernel/);
    const kernel = report.forwardFit!.fits.find((fit) => fit.name === 'nonlocal-gaussian')!;
    expect(Math.abs(kernel.width!.value - 0.5) / 0.5).toBeLessThan(COUPLING_TOLERANCE);
    expect(Math.abs(kernel.couplings[0]!.value - 0.5) / 0.5).toBeLessThan(COUPLING_TOLERANCE);
  }, 60_000);
});
