import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { COMMANDS, runCli } from '../../src/cli/run-cli.js';
import type { CliContext } from '../../src/cli/context.js';
import { sweepCommand } from '../../src/cli/commands/sweep.js';
import { reportCommand } from '../../src/cli/commands/report.js';
import { setSweepPointRunner, getSweepPointRunner } from '../../src/sweep/point-runner-registry.js';
import { designPointArguments } from '../../src/sweep/design-point-runner.js';
import { designPointJob, designPointPlan, runDesignPoint } from '../../src/sweep/design-point.js';
import { createSubprocessPointRunner } from '../../src/sweep/subprocess-point-runner.js';
import { runSweep } from '../../src/sweep/run-sweep.js';
import { fakeRunner, fakeDesignResult } from './fake-design.js';
import { DESIGN_OPTION_ORDER, DESIGN_OPTION_RULES } from '../../src/sweep/design-options.js';

// Until the lead registers them in run-cli.ts, add the commands for these tests.
for (const factory of [sweepCommand, reportCommand]) {
  if (!COMMANDS.some((existing) => existing.name === factory.name)) COMMANDS.push(factory);
}

function context(cwd: string): CliContext & { out: string; err: string } {
  const captured = { out: '', err: '' };
  return Object.assign(captured, {
    stdout: (text: string) => {
      captured.out += text;
    },
    stderr: (text: string) => {
      captured.err += text;
    },
    isTTY: false,
    exitCode: 0,
    cwd,
  });
}

async function sweepFile(): Promise<{ directory: string; file: string }> {
  const directory = await mkdtemp(join(tmpdir(), 'nnft-sweep-cli-'));
  const file = join(directory, 'scan.json');
  await writeFile(
    file,
    JSON.stringify({
      nnftSweep: 1,
      name: 'cli-scan',
      target: resolve('examples/sweeps/phi4-1d-spectral.json'),
      vary: { parameters: [{ name: 'width', pointer: '/options/width', values: [32, 64, 128, 256] }] },
      extrapolate: { parameter: 'width' },
    }),
  );
  return { directory, file };
}

afterEach(() => setSweepPointRunner(null));

describe('nnft sweep / nnft report', () => {
  it("the CLI's point runner hands each point to the design library as data, not as a command line", async () => {
    const { directory } = await sweepFile();
    await runCli(['sweep', 'scan.json', '--dry-run'], context(directory));
    expect(typeof getSweepPointRunner()).toBe('function');
    const options = { width: 64, ensembleSize: 8000, validationEnsembleSize: 100000, amplitudeLaw: 'fixed', maxSteps: 4 };
    const [entry, job, ...rest] = designPointArguments({ id: 'p', targetFile: 't.json', options, resume: false, workers: 2 } as never, 'runs/p', '/dist/sweep/design-point-child.js');
    expect(entry).toBe('/dist/sweep/design-point-child.js');
    expect(rest).toEqual([]);
    // The options keep their names and types: no flag table, no argv parser between sweep and design.
    expect(JSON.parse(job!)).toEqual({ id: 'p', targetFile: 't.json', runDirectory: 'runs/p', options, resume: false, workers: 2 });
  });

  it('--dry-run checks the example sweeps and lists their points without a point runner', async () => {
    const cli = context(process.cwd());
    expect(await runCli(['sweep', 'examples/sweeps/phi4-1d-coupling-scan.json', '--dry-run'], cli)).toBe(0);
    expect(cli.out).toMatch(/sweep phi4-1d-coupling-scan is valid: 8 points \(grid over coupling \[8\]\)/);
    expect(cli.out).toMatch(/ 7 {2}coupling-6-[0-9a-f]{10}/);
    const json = context(process.cwd());
    expect(await runCli(['sweep', 'examples/sweeps/phi4-1d-width-scan.json', '--dry-run', '--shard', '1/2', '--json'], json)).toBe(0);
    expect(JSON.parse(json.out).points.map((point: { values: { width: number } }) => point.values.width)).toEqual([64, 256]);
    const missing = context(process.cwd());
    expect(await runCli(['sweep', 'examples/sweeps/phi4-1d-width-scan.json'], missing)).toBe(2);
    expect(missing.err).toMatch(/out/);
  });

  it('runs shards, merges them, and writes a report', async () => {
    const { directory } = await sweepFile();
    setSweepPointRunner(fakeRunner({ delayMs: 0 }).runPoint);
    const first = context(directory);
    expect(await runCli(['sweep', 'scan.json', '--out', 's0', '--shard', '0/2'], first)).toBe(0);
    expect(first.out).toMatch(/2 of 4 points \(shard 0\/2\): 2 ran, 0 already finished, 0 failed/);
    const second = context(directory);
    expect(await runCli(['sweep', 'scan.json', '--out', 's1', '--shard', '1/2', '--parallel', '2', '--json'], second)).toBe(0);
    expect(JSON.parse(second.out)).toMatchObject({ selected: 2, ran: 2 });
    expect(second.err).toMatch(/"type":"progress"/);
    const merge = context(directory);
    expect(await runCli(['sweep', 'merge', 's0', 's1', '--out', 'all', '--report'], merge)).toBe(0);
    expect(merge.out).toMatch(/merged 2 shards: 4 rows/);
    expect(existsSync(join(directory, 'all', 'extrapolation.json'))).toBe(true);
    expect(await readFile(join(directory, 'all', 'report.html'), 'utf8')).toContain('plot-sweep-gc2');
    const report = context(directory);
    expect(await runCli(['report', 's0', '--out', 'shard0.html'], report)).toBe(0);
    expect(existsSync(join(directory, 'shard0.html'))).toBe(true);
    const bad = context(directory);
    expect(await runCli(['sweep', 'scan.json', '--out', 'x', '--shard', '2/2'], bad)).toBe(2);
    expect(bad.err).toMatch(/0 <= i < n/);
  });

  it('a subprocess point runner runs each point in a child process that writes result.json', async () => {
    const { directory, file } = await sweepFile();
    const result = JSON.stringify(fakeDesignResult(0.5, 64));
    const notMet = JSON.stringify({ ...fakeDesignResult(0.5, 64), status: 'not-met' });
    const write = `require('node:fs').writeFileSync(require('node:path').join(process.argv[1], 'result.json'), process.argv[2])`;
    // Point 1: tolerance not met (exit 1 with a result: finished). Point 2: exit 1 without a result.
    // Point 3: another exit status.
    const scripts = [write, `${write}; process.exit(1)`, 'process.stderr.write("no result\\n"); process.exit(1)', 'process.stderr.write("boom\\n"); process.exit(3)'];
    const runPoint = createSubprocessPointRunner({
      command: process.execPath,
      args: (input, runDirectory) => ['-e', scripts[input.index]!, runDirectory, input.index === 1 ? notMet : result],
    });
    const summary = await runSweep(file, { out: join(directory, 'out'), parallel: 2, runPoint });
    expect(summary).toMatchObject({ ran: 2, failed: 2 });
    expect(summary.rows.map((row) => row.status)).toEqual(['finished', 'finished', 'failed', 'failed']);
    expect(summary.rows[1]!.results).toMatchObject({ status: 'not-met', width: 64 });
    expect(summary.rows[2]!.error!.message).toMatch(/exited with 1: no result/);
    expect(summary.rows[3]!.error!.message).toMatch(/exited with 3: boom/);
    expect(summary.rows[0]!.results).toMatchObject({ width: 64, chiSquaredPerDof: 1.05 });
  });
  it('a child that exits 3 (unresolved) with result.json finishes its point; one that exits 2 refused its input', async () => {
    const { directory, file } = await sweepFile();
    const unresolved = JSON.stringify({ ...fakeDesignResult(0.5, 64), status: 'unresolved' });
    const write = `require('node:fs').writeFileSync(require('node:path').join(process.argv[1], 'result.json'), process.argv[2])`;
    const scripts = [
      `${write}; process.exit(3)`,
      'process.stderr.write("error: Unknown argument: alpha\\n"); process.exit(2)',
      'process.exit(3)',
      'process.exit(0)',
    ];
    const runPoint = createSubprocessPointRunner({ command: process.execPath, args: (input, runDirectory) => ['-e', scripts[input.index]!, runDirectory, unresolved] });
    const summary = await runSweep(file, { out: join(directory, 'out'), runPoint });
    expect(summary.rows.map((row) => row.status)).toEqual(['finished', 'failed', 'failed', 'failed']);
    expect(summary.rows[0]!.results).toMatchObject({ status: 'unresolved', width: 64 });
    expect(summary.rows[1]!.error).toMatchObject({ code: 'E_USAGE' });
    expect(summary.rows[1]!.error!.message).toMatch(/refused its input \(exit 2\): error: Unknown argument: alpha/);
    // Without result.json an exit 3 is no verdict.
    expect(summary.rows[2]!.error).toMatchObject({ code: 'E_INTERNAL' });
    expect(summary.rows[3]!.error!.message).toMatch(/wrote no result.json/);
  });

  it('every option a sweep accepts is accepted by the design library (one table, no unknown setting)', async () => {
    // Within range and order (an upper bound of an ordered pair at its maximum).
    const highs = new Set(DESIGN_OPTION_ORDER.map((pair) => pair.high));
    const sample = (key: string, rule: (typeof DESIGN_OPTION_RULES)[string]): unknown => {
      switch (rule.kind) {
        case 'integer':
          return highs.has(key) ? rule.max : Math.max(rule.min, 1);
        case 'number':
          return rule.exclusiveMin ? (rule.min + rule.max) / 2 : rule.min;
        case 'choice':
          return rule.choices[rule.choices.length - 1];
        case 'boolean':
          return true;
        default:
          return 'x';
      }
    };
    const directory = await mkdtemp(join(tmpdir(), 'nnft-sweep-options-'));
    for (const [key, rule] of Object.entries(DESIGN_OPTION_RULES)) {
      const job = designPointJob({ id: key, targetFile: join(directory, 'missing.json'), options: { [key]: sample(key, rule) }, resume: false, workers: 1 } as never, join(directory, 'run'));
      // The option passes the design's check; the run then stops at the missing target, before writing.
      await expect(runDesignPoint(job), key).rejects.toThrow(/the target file does not exist/);
    }
    expect(existsSync(join(directory, 'run'))).toBe(false);
  });

  it("the documentation's sweep example passes --dry-run, and with option alpha exits 2 naming options.alpha and the known options", async () => {
    const doc = await readFile('docs/sweeps-and-reports.md', 'utf8');
    const example = JSON.parse(/## The sweep file[\s\S]*?```json\n([\s\S]*?)```/.exec(doc)![1]!) as { target: string; options: Record<string, unknown>; $schema?: string };
    const directory = await mkdtemp(join(tmpdir(), 'nnft-sweep-doc-'));
    await writeFile(join(directory, example.target), await readFile(join('examples/sweeps', example.target)));
    delete example.$schema;
    await writeFile(join(directory, 'doc.json'), JSON.stringify(example, null, 2));
    const valid = context(directory);
    expect(await runCli(['sweep', 'doc.json', '--dry-run'], valid)).toBe(0);
    expect(valid.out).toMatch(/is valid: 16 points/);
    example.options.alpha = 0;
    await writeFile(join(directory, 'alpha.json'), JSON.stringify(example, null, 2));
    const refused = context(directory);
    expect(await runCli(['sweep', 'alpha.json', '--dry-run'], refused)).toBe(2);
    expect(refused.err).toMatch(/options\.alpha \(line \d+:\d+\)/);
    for (const option of Object.keys(DESIGN_OPTION_RULES)) expect(refused.err).toContain(option);
    expect(existsSync(join(directory, 'out'))).toBe(false);
  });
});

describe('the design point job', () => {
  it("carries the point's target file, options, run directory and resume flag as plain data", () => {
    const input = {
      sweepName: 's',
      index: 0,
      id: 'width-64-abc',
      values: { width: 64 },
      target: {},
      targetFile: '/runs/p/sweep-target.json',
      options: { width: 64, ensembleSize: 100000, seed: 1, tolerance: 0.05, maxSteps: 200 },
      resume: false,
      workers: 4,
    };
    expect(designPointJob(input, '/runs/p')).toEqual({ id: 'width-64-abc', targetFile: '/runs/p/sweep-target.json', runDirectory: '/runs/p', options: input.options, resume: false, workers: 4 });
    expect(designPointJob({ ...input, options: {}, resume: true }, '/runs/p')).toMatchObject({ options: {}, resume: true });
  });

  it("gives the design the point's share of the cores as workers, unless the point's options set workers", () => {
    const job = { id: 'p', targetFile: '/t.json', runDirectory: '/r', options: { width: 8 }, resume: false, workers: 3 };
    expect(designPointPlan(job)).toEqual({ settings: { width: 8 }, run: { backend: 'auto', workers: 3 } });
    expect(designPointPlan({ ...job, options: { width: 8, workers: 5 } }).run.workers).toBe(5);
    expect(designPointPlan({ ...job, resume: true }).run.workers).toBe(3);
    // Run options leave the settings: backend and time limit say how the point runs, not what it is.
    expect(designPointPlan({ ...job, options: { width: 8, backend: 'wasm', timeLimitSeconds: 60, seed: 2 } })).toEqual({ settings: { width: 8, seed: 2 }, run: { backend: 'wasm', workers: 3, timeLimitSeconds: 60 } });
  });
});
