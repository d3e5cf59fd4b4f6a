import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run-cli.js';
import type { CliContext } from '../../src/cli/context.js';

function captureContext(): CliContext & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), isTTY: false, exitCode: 0, cwd: process.cwd() };
}

describe('nnft target', () => {
  it('prints the theory, the method and why, and one table per order', async () => {
    const context = captureContext();
    const code = await runCli(['target', 'targets/phi4-local-1d.json'], context);
    expect(code).toBe(0);
    const text = context.out.join('');
    expect(text).toMatch(/method: spectral \(chosen by auto\)/);
    expect(text).toMatch(/why: {2}d = 1 with a polynomial potential/);
    expect(text).toMatch(/G_c2 +value +± error/);
    expect(text).toMatch(/ {2}x0 x0 +0\.4733039675/);
    expect(text).toMatch(/G_c4/);
    expect(context.err.join('')).toBe('');
  });

  it('--json prints the result contract on stdout and events as NDJSON on stderr', async () => {
    const context = captureContext();
    const code = await runCli(['target', 'targets/phi4-local-2d.json', '--json'], context);
    expect(code).toBe(0);
    const result = JSON.parse(context.out.join(''));
    expect(result.nnftResult).toBe(1);
    expect(result.kind).toBe('target-correlators');
    expect(result.method).toBe('perturbative');
    expect(result.correlators[1].order).toBe(4);
    const events = context.err.join('').trim().split('\n').map((line) => JSON.parse(line));
    expect(events[0]).toMatchObject({ type: 'info' });
  });

  it('--method overrides the file and a bad file exits 2 with the problem', async () => {
    const context = captureContext();
    expect(await runCli(['target', 'targets/free-scalar-1d.json', '--method', 'spectral'], context)).toBe(0);
    expect(context.out.join('')).toMatch(/method: spectral\n/);
    const missing = captureContext();
    expect(await runCli(['target', 'no-such-file.json'], missing)).toBe(2);
    expect(missing.err.join('')).toMatch(/no-such-file\.json/);
    const missingJson = captureContext();
    expect(await runCli(['target', 'no-such-file.json', '--json'], missingJson)).toBe(2);
    expect(JSON.parse(missingJson.out.join('')).error).toBe('E_FILE_NOT_FOUND');
  });

  it('--checkpoint writes the lattice state and a second run resumes from it', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'nnft-target-'));
    const target = {
      nnftTarget: 1,
      name: 'lattice-small',
      dimension: 1,
      action: { free: { kind: 'klein-gordon', mass: 1 }, interactions: [{ kind: 'local', power: 4, coupling: 1 }] },
      regulator: { momentumCutoff: null },
      observables: { points: [[0], [0.5]], connected: [2, 4] },
      targetCorrelators: { method: 'lattice', trajectories: 40, thermalization: 10, seed: 4 },
    };
    writeFileSync(join(directory, 'target.json'), JSON.stringify(target));
    const first = captureContext();
    first.cwd = directory;
    expect(await runCli(['target', 'target.json', '--json', '--checkpoint', 'run.checkpoint.json'], first)).toBe(0);
    expect(existsSync(join(directory, 'run.checkpoint.json'))).toBe(true);
    const second = captureContext();
    second.cwd = directory;
    expect(await runCli(['target', 'target.json', '--json', '--checkpoint', 'run.checkpoint.json'], second)).toBe(0);
    expect(second.err.join('')).toMatch(/resuming the lattice run at trajectory 50/);
    expect(JSON.parse(second.out.join('')).correlators).toEqual(JSON.parse(first.out.join('')).correlators);
  });
});
