import { describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/backend/index.js';
import { runCli } from '../../src/cli/run-cli.js';
import type { CliContext } from '../../src/cli/context.js';

function captureContext(): CliContext & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), isTTY: false, exitCode: 0, cwd: process.cwd() };
}

describe('backend selection', () => {
  it('auto on this machine records an attempt per backend up to the one that ran', async () => {
    const info = await initBackend('auto');
    expect(['tensorflow', 'webgpu', 'wasm', 'cpu']).toContain(info.name);
    expect(tf.getBackend()).toBe(info.name);
    const last = info.attempts[info.attempts.length - 1]!;
    expect(last.ok).toBe(true);
    expect(last.backend).toBe(info.name);
    for (const attempt of info.attempts.slice(0, -1)) {
      expect(attempt.ok).toBe(false);
      expect(attempt.reason.length).toBeGreaterThan(10);
    }
    // Never claim a GPU for a CPU backend.
    if (info.name === 'wasm' || info.name === 'cpu') expect(info.gpu).toBe(false);
  });

  it('an explicit cpu request runs cpu', async () => {
    const info = await initBackend('cpu');
    expect(info.name).toBe('cpu');
    expect(info.attempts).toEqual([{ backend: 'cpu', ok: true, reason: 'requested explicitly' }]);
    const product = tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]]));
    expect(Array.from(await product.data())).toEqual([11]);
    product.dispose();
  });
});

describe('nnft doctor', () => {
  it('prints the chosen backend, every attempt with its reason, versions, environment and throughput', async () => {
    const context = captureContext();
    const code = await runCli(['doctor', '--json', '--backend', 'auto'], context);
    expect(code).toBe(0);
    const report = JSON.parse(context.out.join(''));
    expect(report.backend.attempts.length).toBeGreaterThan(0);
    expect(report.backend.versions.tfjs).toBe('4.22.0');
    expect(Object.keys(report.backend.environment)).toEqual(
      expect.arrayContaining(['CUDA_VISIBLE_DEVICES', 'TF_FORCE_GPU_ALLOW_GROWTH']),
    );
    expect(report.matmul.gflops).toBeGreaterThan(0);
  });

  it('unknown commands exit 2 with a usage hint and no stack trace', async () => {
    const context = captureContext();
    const code = await runCli(['frobnicate'], context);
    expect(code).toBe(2);
    const text = context.err.join('');
    expect(text).toMatch(/Unknown argument|Unknown command/);
    expect(text).not.toMatch(/\n\s+at /);
  });
});
