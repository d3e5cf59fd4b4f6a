import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { validateAgainstSchema } from '../../src/schema/index.js';
import { loadTarget } from '../../src/theory/load-target.js';
import { computeTargetCorrelators } from '../../src/correlators/index.js';
import { loadSpec } from '../../src/spec/load-spec.js';
import { estimateSpec } from '../../src/spec/estimate-spec.js';
import { designFile } from '../../src/design/design.js';

// The --json results are a public interface (docs/correlators.md, "Result"): every kind must conform.
describe('result schema', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('target, estimate and design results conform; a broken result does not', async () => {
    const { theory } = await loadTarget('targets/phi4-local-1d.json');
    const target = await computeTargetCorrelators(theory);
    expect(validateAgainstSchema('result', JSON.parse(JSON.stringify(target)))).toEqual([]);

    const estimate = await estimateSpec(await loadSpec('examples/specs/cos-net-free-1d.json'), { ensembleSize: 2000 });
    expect(validateAgainstSchema('result', JSON.parse(JSON.stringify(estimate)))).toEqual([]);

    const designed = await designFile('test/design/fixtures/phi4-cutoff-1d.json', { width: 8, ensembleSize: 600, validationEnsembleSize: 2000, maxSteps: 1 }, { backend: 'wasm' });
    expect(validateAgainstSchema('result', JSON.parse(JSON.stringify(designed)))).toEqual([]);

    const broken = { ...target, correlators: [{ order: 2, indices: [[0, 0]], values: [1], stderr: [-1] }] };
    expect(validateAgainstSchema('result', broken).length).toBeGreaterThan(0);
  });
});
