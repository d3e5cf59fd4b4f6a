/** Synthetic run and sweep directories for report tests. */
import { mkdtemp, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeJsonAtomic } from '../../src/io/atomic-write.js';
import { runSweep } from '../../src/sweep/run-sweep.js';
import { fakeDesignResult, fakeRunner } from '../sweep/fake-design.js';

export async function syntheticRunDirectory(options: { metrics?: boolean; result?: boolean; name?: string } = {}): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'nnft-report-run-'));
  await writeJsonAtomic(join(directory, 'config.json'), { nnftRun: 1, configHash: 'abc', config: { width: 64, note: '<script>alert(1)</script>' }, createdAt: '2026-01-01T00:00:00Z' });
  if (options.metrics !== false) {
    const lines: string[] = [];
    for (let step = 0; step < 30; step++) {
      const loss = 200 * Math.exp(-step / 6) + 8;
      lines.push(JSON.stringify({ step, loss, lossStderr: 0.05 * loss, chiSquaredPerDof: loss / 8, ess: 4000 + 30 * step, parameters: { g4: 0.5 - 0.004 * step, mass: 1 + 0.002 * step, 'amp<scale>': 0.9 } }));
    }
    await writeFile(join(directory, 'metrics.jsonl'), `${lines.join('\n')}\n{"step": 30, "loss`);
  }
  if (options.result !== false) {
    await writeJsonAtomic(join(directory, 'result.json'), { ...fakeDesignResult(0.5, 64), name: options.name ?? 'phi4 <test> & co' });
  }
  return directory;
}

export async function syntheticSweepDirectory(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'nnft-report-sweep-'));
  const file = join(directory, 'scan.json');
  await mkdir(join(directory, 'out'), { recursive: true });
  await writeFile(
    file,
    JSON.stringify({
      nnftSweep: 1,
      name: 'report-scan',
      description: 'coupling & width <scan>',
      target: resolve('examples/sweeps/phi4-1d-spectral.json'),
      options: { seed: 1 },
      vary: {
        parameters: [
          { name: 'width', pointer: '/options/width', values: [32, 64, 128, 256] },
          { name: 'coupling', pointer: '/target/action/interactions/0/coupling', values: [0.1, 1] },
        ],
      },
      extrapolate: { parameter: 'width' },
    }),
  );
  await runSweep(file, { out: join(directory, 'out'), runPoint: fakeRunner({ delayMs: 0 }).runPoint });
  return join(directory, 'out');
}
