/**
 * A sweep's children (one design point process per point) run in their own process groups and end
 * with the sweep (docs/sweeps-and-reports.md, "Interrupts and child processes"): a SIGTERM of the
 * sweep is forwarded and the point is left resumable; a SIGKILL of the sweep, which runs no handler,
 * leaves no orphan, because the child notices its parent is gone.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CLI, processAlive, spawnCli, waitFor } from '../helpers/spawn-cli.js';

async function longSweep(): Promise<{ file: string; out: string }> {
  const directory = await mkdtemp(join(tmpdir(), 'nnft-sweep-children-'));
  const file = join(directory, 'long.json');
  await writeFile(
    file,
    JSON.stringify({
      nnftSweep: 1,
      name: 'long',
      target: resolve('targets/phi4-local-1d.json'),
      // A design that runs for a long time (about 100 s on two cores, most of it the 2e6-network
      // validation, which checks for interrupts between chunks): only an interrupt ends it early.
      // A small validation let a fast machine finish the design before the test's kill (CI, stop 22).
      options: { ensembleSize: 1500, validationEnsembleSize: 2_000_000, seed: 3, maxSteps: 100000, backend: 'wasm', workers: 1 },
      vary: { parameters: [{ name: 'width', pointer: '/options/width', values: [8] }] },
    }),
  );
  return { file, out: join(directory, 'out') };
}

/** The point's design process, from the lock the design takes on its run directory. */
async function pointProcess(out: string): Promise<{ pid: number; directory: string }> {
  return waitFor(async () => {
    const points = join(out, 'points');
    if (!existsSync(points)) return null;
    for (const id of await readdir(points)) {
      try {
        const lock = JSON.parse(await readFile(join(points, id, 'run.lock'), 'utf8')) as { pid: number };
        return { pid: lock.pid, directory: join(points, id) };
      } catch {
        /* not locked yet */
      }
    }
    return null;
  }, 60_000, "the point's design process to start");
}

function pgid(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
  } catch {
    return null;
  }
}

describe('sweep child processes', () => {
  it('SIGKILL of the sweep leaves no orphan: the child stops by itself, in its own process group', async () => {
    expect(existsSync(CLI)).toBe(true);
    const { file, out } = await longSweep();
    let sweepPid = 0;
    const sweep = spawnCli(['sweep', file, '--out', out], { onStart: (pid) => (sweepPid = pid) });
    const child = await pointProcess(out);
    expect(child.pid).not.toBe(sweepPid);
    // The point runs in the library's point process, not in a second `nnft design` command line.
    const commandLine = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0');
    expect(commandLine[1]).toMatch(/dist\/sweep\/design-point-child\.js$/);
    expect(commandLine.some((word) => word.endsWith('cli/main.js') || word === 'design')).toBe(false);
    // Its own group: a terminal's Ctrl-C to the sweep's group does not reach it directly.
    expect(pgid(child.pid)).toBe(child.pid);
    process.kill(sweepPid, 'SIGKILL');
    expect((await sweep).signal).toBe('SIGKILL');
    await waitFor(() => !processAlive(child.pid), 20_000, `the orphaned child ${child.pid} to exit`);
    expect(existsSync(join(child.directory, 'result.json'))).toBe(false);
    expect(existsSync(join(child.directory, 'run.lock'))).toBe(false);
  });

  it('SIGTERM of the sweep is forwarded: the child checkpoints and stops, the sweep exits 130, the point is not a failure', async () => {
    const { file, out } = await longSweep();
    let sweepPid = 0;
    const sweep = spawnCli(['sweep', file, '--out', out], { onStart: (pid) => (sweepPid = pid) });
    const child = await pointProcess(out);
    process.kill(sweepPid, 'SIGTERM');
    const finished = await sweep;
    expect(finished.code).toBe(130);
    expect(processAlive(child.pid)).toBe(false);
    expect(existsSync(join(child.directory, 'config.json'))).toBe(true);
    expect(existsSync(join(child.directory, 'sweep-failure.json'))).toBe(false);
    expect(existsSync(join(child.directory, 'result.json'))).toBe(false);
  });
});
