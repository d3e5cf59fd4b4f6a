import { describe, expect, it } from 'vitest';
import { loadTarget } from '../../src/theory/load-target.js';
import { designSetup, specFromParameters } from '../../src/design/design-setup.js';
import { initialValues, parameterNames } from '../../src/design/design-model.js';
import { propagatorAtZero } from '../../src/correlators/free-propagator.js';

const TARGET = new URL('../../targets/phi4-local-1d.json', import.meta.url).pathname;

describe('design setup: the analytic construction', () => {
  it('keeps the free field the target\'s and puts the tadpole of a non-Wick phi^4 into a box-local phi^2 weight with the full G0', async () => {
    const theory = (await loadTarget(TARGET)).theory; // m = 1, lambda = 0.5, not Wick-ordered, no cutoff
    const setup = designSetup(theory, { amplitudeLaw: 'tuned' });
    const spec = specFromParameters(theory, setup, 64, initialValues(setup.model), null);
    // The base network is the target's free field: same mass, no cutoff, unit amplitude scale.
    expect(spec.architecture).toMatchObject({ mass: 1, momentumCutoff: null, amplitude: { scale: 1 } });
    expect(parameterNames(setup.model)).toEqual(['amplitudeScale', 'coupling4', 'coupling2', 'amplitudeKurtosis']);
    const quartic = setup.terms[0]!;
    expect(quartic.kind === 'local' && quartic.wickOrdered).toBe(true);
    // The weight's Wick constant: G0 of the modes below the 20 m mode cutoff, (1/pi) arctan(20) / m.
    expect(quartic.kind === 'local' && quartic.wickPropagatorAtZero).toBeCloseTo(Math.atan(20) / Math.PI, 10);
    expect(propagatorAtZero(1, 1, 20)).toBeCloseTo(Math.atan(20) / Math.PI, 10);
    // (lambda/4!) phi^4 = (lambda/4!) :phi^4: + (1/2!) (lambda/2) G0 :phi^2: + const with the full
    // G0 = 1/(2m): the power-2 term starts at (lambda/2) G0 = 0.125, on the region only.
    expect(setup.terms[1]).toMatchObject({ kind: 'local', power: 2, wickOrdered: true });
    // Interacting d = 1 designs without a cutoff use split momenta (fixed nodes below the mode cutoff)
    // with Gaussian amplitude pairs, kurtosis 2 held; the split is the mode cutoff.
    expect(setup.momentumSampling).toBe('split');
    expect(setup.model.parameters.at(-1)).toMatchObject({ name: 'amplitudeKurtosis', initial: 2, held: true });
    expect(spec.architecture).toMatchObject({ momentumSampling: 'split', splitMomentum: 20 });
    expect(spec.deformation).toMatchObject({ modeCutoff: 20 });
    expect(initialValues(setup.model)).toEqual([1, 0.5, 0.125, 2]);
    // The box-local phi^2 part is drawn exactly into the fixed nodes' law over the region; the weight's
    // power-2 term carries only the trained change (0 at the start).
    expect(setup.boxMass).toEqual({ side: setup.regionSide, coupling: 0.125 });
    expect(spec.architecture).toMatchObject({ boxMass: { side: setup.regionSide, coupling: 0.125 } });
    expect(spec.deformation!.terms.map((term) => term.coupling)).toEqual([0.5, 0]);
    const moved = [...initialValues(setup.model)];
    moved[2] = 0.2;
    expect(specFromParameters(theory, setup, 64, moved, null).deformation!.terms.map((term) => term.coupling)).toEqual([0.5, 0.2 - 0.125]);
    // Without Gaussian amplitude pairs the term stays a weight.
    const fixed = designSetup(theory, { amplitudeLaw: 'fixed' });
    expect(fixed.boxMass).toBeNull();
    expect(specFromParameters(theory, fixed, 64, initialValues(fixed.model), null).deformation!.terms.map((term) => term.coupling)).toEqual([0.5, 0.125]);
  });

  it('puts d = 2 designs on quadrature momenta with Gaussian amplitude pairs (kurtosis 2, held) and writes it into the spec', async () => {
    const theory = (await loadTarget(new URL('../../targets/phi4-local-2d.json', import.meta.url).pathname)).theory;
    const setup = designSetup(theory, { amplitudeLaw: 'tuned' });
    expect(setup.momentumSampling).toBe('quadrature');
    expect(setup.model.parameters.at(-1)).toMatchObject({ name: 'amplitudeKurtosis', initial: 2, held: true });
    // A Wick-ordered target induces no lower powers: the counterterm starts at 0.
    expect(initialValues(setup.model)).toEqual([1, 1, 0, 2]);
    const spec = specFromParameters(theory, setup, 256, initialValues(setup.model), null);
    expect(spec.architecture).toMatchObject({ kind: 'cos-net', momentumSampling: 'quadrature', amplitude: { law: 'kurtosis', kurtosis: 2 } });
    // The founding paper's Gaussian construction stays on independent momenta, and so do free d = 1 designs.
    expect(designSetup(theory, { amplitudeLaw: 'gaussian' }).momentumSampling).toBe('independent');
    const free = (await loadTarget(new URL('../../targets/free-scalar-1d.json', import.meta.url).pathname)).theory;
    expect(designSetup(free, { amplitudeLaw: 'tuned' }).momentumSampling).toBe('independent');
    expect(designSetup(theory, { amplitudeLaw: 'tuned', momenta: 'stratified' }).momentumSampling).toBe('stratified');
    // split exists only for interacting d = 1 targets without a cutoff: a clear error, not a wrong design.
    expect(() => designSetup(theory, { amplitudeLaw: 'tuned', momenta: 'split' })).toThrow(/split exists for interacting d = 1 targets without a momentum cutoff/);
    expect(() => designSetup(free, { amplitudeLaw: 'tuned', momenta: 'split' })).toThrow(/split/);
  });

  it('refuses a lattice target naming regulator.lattice (the construction is a continuum network), for design and the network reference alike', async () => {
    const { loadTargetObject } = await import('../../src/theory/load-target.js');
    const { theory } = await loadTargetObject({
      nnftTarget: 1,
      name: 'phi4-lattice-1d',
      dimension: 1,
      action: { free: { kind: 'klein-gordon', mass: 1 }, interactions: [{ kind: 'local', power: 4, coupling: 1 }] },
      regulator: { momentumCutoff: null, lattice: { spacing: 0.5, sites: 16, boundary: 'periodic' } },
      observables: { points: [[0], [1]], connected: [2, 4] },
    });
    expect(() => designSetup(theory, { amplitudeLaw: 'tuned' })).toThrow(expect.objectContaining({ code: 'E_UNSUPPORTED', issues: [expect.objectContaining({ path: 'regulator.lattice' })] }));
    const { design } = await import('../../src/design/design.js');
    await expect(design(theory, { width: 8, ensembleSize: 1000, validationEnsembleSize: 1000 })).rejects.toMatchObject({ code: 'E_UNSUPPORTED' });
  });
});
