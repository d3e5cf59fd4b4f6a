/**
 * The in-process and the worker-sharded runs finish through one function (finishEstimate): same
 * correlators to the bit, and the same diagnostics apart from timing and where the tensors live.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { estimateEnsemble, type EnsembleEstimateOptions } from '../../src/ensemble/estimate-ensemble.js';
import { estimateEnsembleSharded } from '../../src/ensemble/sharded-estimate.js';
import { architectureFromSpec, deformationFromSpec, symmetryImages } from '../../src/spec/build-ensemble.js';
import { loadSpec } from '../../src/spec/load-spec.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('finishing an ensemble estimate', () => {
  it.skipIf(!existsSync(join(root, 'dist/ensemble/ensemble-worker.js')))(
    'reports the same diagnostics in process and over 2 workers (deformed, with images and the control variate)',
    async () => {
      const backend = await initBackend('wasm');
      const spec = await loadSpec(join(root, 'examples/specs/cos-net-phi4-1d.json'));
      const architecture = architectureFromSpec(spec);
      const points = spec.observables.points;
      const options: EnsembleEstimateOptions = {
        architecture,
        deformation: deformationFromSpec(spec, architecture),
        points,
        orders: [2, 4],
        ensembleSize: 600,
        seed: 5,
        chunkSize: 100,
        batchCount: 3,
        images: symmetryImages(spec, points),
      };
      const single = await estimateEnsemble(options);
      const sharded = await estimateEnsembleSharded(options, { workers: 2, backend: backend.name, spec });
      expect(sharded.summary).toEqual(single.summary);

      const { seconds: _a, tensorsBefore: _b, tensorsAfter: _c, tensorGrowth: growth, ...common } = single.diagnostics;
      const { seconds: _d, tensorsBefore: before, tensorsAfter: after, tensorGrowth: shardedGrowth, ...shardedCommon } = sharded.diagnostics;
      expect(shardedCommon).toEqual(common);
      expect(common).toMatchObject({ controlVariate: true, imageCount: 1 + options.images!.length, plan: { chunkSize: 100, chunkCount: 6, batchCount: 3 } });
      expect(common.essFraction).toBe(single.summary.effectiveSampleSize / single.summary.ensembleSize);
      expect(common.effectiveSampleSize).toBe(single.summary.effectiveSampleSize);
      expect(growth).toBe(0);
      // The sharded run's tensors live in the workers: the main thread reports its count unchanged.
      expect([before, shardedGrowth]).toEqual([after, 0]);
      expect(single.diagnostics.tensorsAfter - single.diagnostics.tensorsBefore).toBe(0);
      expect(single.diagnostics.seconds).toBeGreaterThan(0);
      expect(sharded.diagnostics.seconds).toBeGreaterThan(0);
    },
  );
});
