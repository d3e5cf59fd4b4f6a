/**
 * The tfjs custom layers are reachable through the package's "exports" (docs/export.md): "nnft/layers"
 * and "nnft/cos-layer" name built files that exist, with their type declarations, and exported
 * cos- and Gauss-net models load in a fresh process with stock @tensorflow/tfjs and `nnft/layers`
 * alone, equal to the JSON formula of the same networks to float32 precision. Needs the build
 * (`npm test` runs tsc first).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { captureCli } from '../helpers/cli-capture.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, string | { types: string; default: string }>; files: string[] };

describe('package exports of the tfjs layer module', () => {
  it('"./layers" and "./cos-layer" point at built modules and declarations inside the published files', () => {
    for (const [entry, file] of [['./layers', 'dist/export/nnft-layers'], ['./cos-layer', 'dist/export/nnft-cos-layer']] as const) {
      const target = pkg.exports[entry];
      expect(target, entry).toEqual({ types: `./${file}.d.ts`, default: `./${file}.js` });
      expect(existsSync(join(root, `${file}.js`)), `${file}.js (run the build)`).toBe(true);
      expect(existsSync(join(root, `${file}.d.ts`))).toBe(true);
    }
    expect(pkg.files).toContain('dist');
  });

  it('cos- and Gauss-net tfjs models load with stock tfjs + `nnft/layers` in a fresh process and match the JSON formula', async () => {
    const work = mkdtempSync(join(tmpdir(), 'nnft-export-layers-'));
    const cases = [
      { spec: 'examples/specs/cos-net-free-1d.json', points: [[0], [0.5], [2]] },
      { spec: 'examples/specs/gauss-net-2d.json', points: [[0, 0], [0.5, -1]] },
    ];
    for (const [n, { spec, points }] of cases.entries()) {
      for (const format of ['tfjs', 'json']) {
        const context = captureCli(root);
        const code = await runCli(['export', join(root, spec), '--count', '4', '--format', format, '--out', join(work, `${n}-${format}`), '--seed', '5'], context);
        expect(code, context.err).toBe(0);
      }
      const child = spawnSync(process.execPath, [join(root, 'test/export/fixtures/load-tfjs-with-package-layers.mjs'), join(work, `${n}-tfjs`), JSON.stringify(points)], { cwd: root, encoding: 'utf8' });
      expect(child.status, child.stderr).toBe(0);
      const { values } = JSON.parse(child.stdout) as { values: number[][] };
      const manifest = JSON.parse(readFileSync(join(work, `${n}-json`, 'manifest.json'), 'utf8')) as { files: string[] };
      manifest.files.forEach((file, k) => {
        const network = JSON.parse(readFileSync(join(work, `${n}-json`, file), 'utf8'));
        points.forEach((x, p) => {
          let exact = 0;
          if (network.kind === 'cos-net') {
            const { momenta, phases, coefficients } = network.weights;
            coefficients.forEach((b: number, i: number) => (exact += b * Math.cos(momenta[i][0] * x[0]! + phases[i])));
          } else {
            const { weights, biases, outputs, shift, curvature } = network.weights;
            const envelope = -shift - curvature * (x[0]! ** 2 + x[1]! ** 2);
            outputs.forEach((v: number, i: number) => (exact += v * Math.exp(weights[i][0] * x[0]! + weights[i][1] * x[1]! + biases[i] + envelope)));
          }
          expect(Math.abs(values[k]![p]! - exact), `${spec} network ${k} at [${x}]`).toBeLessThan(1e-4 * (1 + Math.abs(exact)));
        });
      });
    }
  });
});
