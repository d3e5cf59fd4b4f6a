import { describe, expect, it } from 'vitest';
import { loadTarget } from '../../src/theory/load-target.js';
import { designSetup, specFromParameters } from '../../src/design/design-setup.js';
import { propagatorAtZero } from '../../src/correlators/free-propagator.js';

const TARGET = new URL('../../targets/phi4-local-1d.json', import.meta.url).pathname;

describe('design setup: the analytic construction', () => {
  it('moves the tadpole of a non-Wick phi^4 into the base mass with the full G0, and Wick-orders the weight with the mode-cutoff G0', async () => {
    const theory = (await loadTarget(TARGET)).theory; // m = 1, lambda = 0.5, not Wick-ordered, no cutoff
    const setup = designSetup(theory, { amplitudeLaw: 'tuned' });
    // First order: (lambda/4!) phi^4 = (lambda/4!) :phi^4: + (lambda/4) G0 phi^2 + const, G0 = 1/(2m).
    const massSquared = 1 + (0.5 / 2) * 0.5;
    expect(setup.initial[1]).toBeCloseTo(Math.sqrt(massSquared), 12); // momentum scale s = m'/m
    expect(setup.initial[0]).toBeCloseTo(massSquared ** -0.25, 12); // sigma = s^((d-2)/2), d = 1
    const quartic = setup.terms[0]!;
    expect(quartic.kind === 'local' && quartic.wickOrdered).toBe(true);
    // The weight's Wick constant: G0 of the modes below the 20 m mode cutoff, (1/pi) arctan(20) / m.
    expect(quartic.kind === 'local' && quartic.wickPropagatorAtZero).toBeCloseTo(Math.atan(20) / Math.PI, 10);
    expect(propagatorAtZero(1, 1, 20)).toBeCloseTo(Math.atan(20) / Math.PI, 10);
    // A mass counterterm starts at 0, and the tuned kurtosis at fixed |a| (k = 1).
    expect(setup.terms[1]).toMatchObject({ kind: 'local', power: 2 });
    expect(setup.initial.slice(2)).toEqual([0.5, 0, 1]);
  });

  it('puts d = 2 designs on quadrature momenta with Gaussian amplitude pairs (kurtosis 2) and writes it into the spec', async () => {
    const theory = (await loadTarget(new URL('../../targets/phi4-local-2d.json', import.meta.url).pathname)).theory;
    const setup = designSetup(theory, { amplitudeLaw: 'tuned' });
    expect(setup.momentumSampling).toBe('quadrature');
    expect(setup.initial.at(-1)).toBe(2);
    const spec = specFromParameters(theory, setup, 256, setup.initial, null);
    expect(spec.architecture).toMatchObject({ kind: 'cos-net', momentumSampling: 'quadrature', amplitude: { law: 'kurtosis', kurtosis: 2 } });
    // The founding paper's Gaussian construction stays on independent momenta, and so does d = 1.
    expect(designSetup(theory, { amplitudeLaw: 'gaussian' }).momentumSampling).toBe('independent');
    expect(designSetup((await loadTarget(TARGET)).theory, { amplitudeLaw: 'tuned' }).momentumSampling).toBe('independent');
    expect(designSetup(theory, { amplitudeLaw: 'tuned', momenta: 'stratified' }).momentumSampling).toBe('stratified');
  });
});
