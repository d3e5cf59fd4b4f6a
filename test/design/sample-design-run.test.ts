/**
 * The fixed-sample design path (targets without a momentum cutoff): a small phi^4 design end to end,
 * a run killed with SIGKILL and resumed (CLI, separate processes), and the closed-form free design.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/backend/index.js';
import { designFile } from '../../src/design/design.js';
import { loadSpec } from '../../src/spec/load-spec.js';
import { estimateSpec } from '../../src/spec/estimate-spec.js';

const PHI4 = 'targets/phi4-local-1d.json';
const FREE = 'targets/free-scalar-1d.json';
const CLI = 'dist/cli/main.js';
// Independent momenta: the test is about a base whose 1/N G_c4 dominates at width 8.
const SMALL = { width: 8, ensembleSize: 1500, validationEnsembleSize: 3000, maxValidationEnsembleSize: 3000, seed: 3, momenta: 'independent' as const };
const RUN = { backend: 'wasm' as const, workers: 1 };
const SMALL_FLAGS = ['--width', '8', '--ensemble', '1500', '--validation-ensemble', '3000', '--max-validation-ensemble', '3000', '--momenta', 'independent', '--seed', '3', '--backend', 'wasm', '--workers', '1', '--json'];

describe('nnft design on a fixed sample', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('fits phi^4 in d = 1 on one sample, lowers chi^2, and writes a spec that estimate reproduces', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'nnft-saa-')), 'run');
    const result = await designFile(PHI4, SMALL, { ...RUN, out });
    expect(Object.keys(result.parameters!)).toEqual(['amplitudeScale', 'coupling4', 'coupling2', 'amplitudeKurtosis']);
    // At width 8 G_c4 cannot be matched (the base's 1/N term dominates).
    expect(result.comparison!.orders.find((order) => order.order === 4)!.relativeError).toBeGreaterThan(0.5);
    const metrics = (await readFile(join(out, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
    expect(metrics.length).toBeGreaterThan(0);
    expect(metrics[0]).toMatchObject({ width: 8, round: 0, sampleSize: 1500 });
    // Deterministic objective: chi^2 never rises from one accepted step to the next within a round.
    const steps = metrics.filter((line) => line.stage === undefined);
    for (let i = 1; i < steps.length; i++) if (steps[i].round === steps[i - 1].round) expect(steps[i].loss).toBeLessThanOrEqual(steps[i - 1].loss);
    expect(metrics.at(-1).stage).toBe('minimax-polish');
    const spec = await loadSpec(join(out, 'spec.json'));
    expect(spec.architecture.kind === 'cos-net' && spec.architecture.amplitude?.law).toBe('kurtosis');
    const again = await estimateSpec(spec, { workers: 1 });
    expect(again.correlators).toEqual(result.achieved!.correlators);
  });

  // KNOWN DEFECT, kept visible: G2 is meant to be fitted first and never traded for an unmatchable
  // G_c4 (with a floor of a tenth of the tolerance it came out 11.6% off; the old construction gave
  // 0.6%). With the box-local counterterm construction the fit at width 8 lowers sigma to 0.97,
  // drives coupling4 to its bound 0 and the counterterm to 0.040: G2 ends 2.4% off with pulls of
  // -26 at coincident points and +11.5 at separation 1.5 (measured, seed 3). The G2 floor of
  // chi-squared-errors.ts does not outweigh 35 G_c4 residuals of ~260 each. When the mechanism is
  // mended this test starts failing: turn it back into an ordinary test.
  it.fails('does not trade G2 for an unmatchable G_c4 at width 8 (known defect: 2.4% off)', async () => {
    const result = await designFile(PHI4, SMALL, RUN);
    expect(result.comparison!.orders.find((order) => order.order === 2)!.relativeError).toBeLessThan(0.02);
  });

  it('a run killed with SIGKILL resumes (new process) to exactly the uninterrupted result', async () => {
    expect(existsSync(CLI)).toBe(true);
    const root = await mkdtemp(join(tmpdir(), 'nnft-kill-'));
    const full = spawnSync('node', [CLI, 'design', PHI4, ...SMALL_FLAGS, '--out', join(root, 'full')], { encoding: 'utf8' });
    // 3,000 validation networks cannot resolve a quarter of the tolerance on G_c4, but they already
    // reject this small design: exit 1, not met (decided before resolved, validate-design.ts).
    expect(full.status).toBe(1);
    expect(JSON.parse(full.stdout).reasons.join(' ')).toMatch(/is also unresolved/);
    const fullResult = JSON.parse(full.stdout);

    const killedDir = join(root, 'killed');
    const child = spawn('node', [CLI, 'design', PHI4, ...SMALL_FLAGS, '--out', killedDir], { stdio: 'ignore' });
    // Kill as soon as the optimiser has checkpointed its state (mid-run: before validation finishes).
    const killed = await new Promise<boolean>((resolve) => {
      const poll = setInterval(async () => {
        try {
          const text = await readFile(join(killedDir, 'checkpoint.json'), 'utf8');
          if (text.includes('"fit"')) {
            clearInterval(poll);
            child.kill('SIGKILL');
            resolve(true);
          }
        } catch {
          /* not written yet */
        }
      }, 20);
      child.on('exit', () => {
        clearInterval(poll);
        resolve(false);
      });
    });
    expect(killed).toBe(true);
    // Reap the killed child before resuming: an unreaped zombie still holds its pid, and the run lock
    // (io/run-directory.ts) rightly counts a live pid as the holder.
    if (child.exitCode === null && child.signalCode === null) await new Promise((resolve) => child.once('exit', resolve));
    expect(existsSync(join(killedDir, 'result.json'))).toBe(false);
    const resumed = spawnSync('node', [CLI, 'design', '--resume', killedDir, '--json'], { encoding: 'utf8' });
    expect(resumed.status, resumed.stderr.slice(-600)).toBe(full.status);
    const resumedResult = JSON.parse(resumed.stdout);
    expect(resumedResult.parameters).toEqual(fullResult.parameters);
    expect(resumedResult.achieved.correlators).toEqual(fullResult.achieved.correlators);
  }, 120_000);

  it('designs the free scalar on closed-form correlators: the tuned kurtosis beats the Gaussian construction', async () => {
    const tuned = await designFile(FREE, { width: 64, validationEnsembleSize: 20000, tolerance: 0.01, seed: 2 }, { workers: 1 });
    const gaussian = await designFile(FREE, { width: 64, validationEnsembleSize: 2000, tolerance: 0.01, seed: 2, amplitudeLaw: 'gaussian', maxSteps: 0 }, { workers: 1 });
    // Minimax of the coincident (3k/2 - 3) and far-pair (k - 1) excess kurtosis: k = 1.6, error 0.6 / N.
    const k = tuned.parameters!.amplitudeKurtosis!;
    expect(k).toBeGreaterThan(1.4);
    expect(k).toBeLessThan(1.8);
    expect(tuned.comparison!.worstRelativeError).toBeLessThan(0.8 / 64);
    expect(gaussian.comparison!.worstRelativeError).toBeGreaterThan(1.8 / 64);
    // The closed form is judged; the fresh-seed estimate must agree with it value by value (the 85
    // values are strongly correlated, so their chi^2/dof is not a chi^2 variable: bound each pull).
    const estimate = (tuned.achieved as unknown as { validationEstimate: { correlators: { order: number; values: number[]; stderr: number[] }[] } }).validationEstimate;
    for (const block of estimate.correlators) {
      const exact = tuned.achieved!.correlators.find((candidate) => candidate.order === block.order)!;
      block.values.forEach((value, t) => expect(Math.abs(value - exact.values[t]!)).toBeLessThan(5 * block.stderr[t]!));
    }
  });
});
