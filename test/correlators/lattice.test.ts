import { describe, expect, it } from 'vitest';
import { backward, computeLattice, forward, LatticeAction, latticeFreePropagator, latticeSetup, type LatticeCheckpoint } from '../../src/correlators/lattice.js';
import { integratedAutocorrelationTime } from '../../src/correlators/autocorrelation.js';
import { freePropagator } from '../../src/correlators/free-propagator.js';
import { Rng } from '../../src/random/rng.js';
import { makeTheory } from './theory-fixtures.js';

describe('lattice setup', () => {
  it('puts the points on sites when it can and approaches the continuum propagator', () => {
    const theory = makeTheory({ points: [[0], [0.5], [1.25]] });
    const setup = latticeSetup(theory);
    expect(setup.pointsOnSites).toBe(true);
    expect(setup.regulator).toBe('nearest-neighbour');
    // O(a^2) bias of the nearest-neighbour action at a = 0.0833: G(0) = 1/(2m sqrt(1 + m^2 a^2/4)).
    const a = setup.spacing;
    expect(latticeFreePropagator(setup, [0])).toBeCloseTo(1 / (2 * Math.sqrt(1 + (a * a) / 4)), 6);
  });

  it('with a sharp cutoff the free lattice propagator tends to G_Lambda in a large box', () => {
    const theory = makeTheory({ dimension: 2, momentumCutoff: 5, points: [[0, 0], [0.3, 0]] });
    const setup = latticeSetup(theory, { sites: 128 });
    expect(setup.regulator).toBe('sharp-cutoff');
    const lattice = latticeFreePropagator(setup, [0.3, 0]);
    expect(Math.abs(lattice - freePropagator(2, 1, 5, 0.3))).toBeLessThan(2e-3 * freePropagator(2, 1, 5, 0.3));
  });
});

describe('autocorrelation time', () => {
  it('is 1/2 for independent draws and (1 + rho)/(2(1 - rho)) for an AR(1) chain', () => {
    const rng = new Rng(12345);
    const independent = Float64Array.from({ length: 20000 }, () => rng.normal());
    expect(integratedAutocorrelationTime(independent)).toBeLessThan(0.6);
    const rho = 0.8;
    const chain = new Float64Array(40000);
    for (let i = 1; i < chain.length; i++) chain[i] = rho * chain[i - 1]! + Math.sqrt(1 - rho * rho) * rng.normal();
    const expected = (1 + rho) / (2 * (1 - rho));
    expect(Math.abs(integratedAutocorrelationTime(chain) - expected)).toBeLessThan(0.15 * expected);
  });
});

describe('lattice action', () => {
  it('its force is the gradient of the action (local Wick-ordered phi^4, phi^3 and non-local terms, box region, cutoff)', () => {
    const theory = makeTheory({
      momentumCutoff: 6,
      interactionRegion: { kind: 'box', side: 3 },
      interactions: [
        { kind: 'local', power: 4, coupling: 2, wickOrdered: true },
        { kind: 'local', power: 3, coupling: 0.7, wickOrdered: false },
        { kind: 'nonlocal-quartic', coupling: 1.5, kernel: { kind: 'gaussian', width: 0.4 } },
      ],
    });
    const setup = latticeSetup(theory, { sites: 64 });
    const action = new LatticeAction(setup, theory);
    const rng = new Rng(99);
    const bandLimited = (): Float64Array => {
      const white = new Float64Array(setup.totalSites);
      rng.fillNormal(white);
      const hat = forward(setup, white);
      for (let k = 0; k < setup.totalSites; k++) {
        hat.re[k] = hat.re[k]! * setup.mask[k]! * 0.3;
        hat.im[k] = hat.im[k]! * setup.mask[k]! * 0.3;
      }
      return backward(setup, hat);
    };
    const total = (field: Float64Array): number => action.fourierQuadratic(forward(setup, field), action.freeMultiplier) + action.interactionAction(field);
    const field = bandLimited();
    const direction = bandLimited();
    const force = backward(setup, action.forceHat(forward(setup, field), field));
    const epsilon = 1e-5;
    const plus = field.map((value, x) => value + epsilon * direction[x]!);
    const minus = field.map((value, x) => value - epsilon * direction[x]!);
    const numerical = (total(plus) - total(minus)) / (2 * epsilon);
    const analytic = force.reduce((sum, value, x) => sum + value * direction[x]!, 0);
    expect(Math.abs(numerical - analytic)).toBeLessThan(1e-6 * Math.abs(analytic));
  });
});

describe('lattice action normalisation', () => {
  it('a constant field has S_int = (g/4!) c^4 times the volume, for the local and the non-local quartic term', () => {
    for (const term of [
      { kind: 'local' as const, power: 4, coupling: 1.7, wickOrdered: false },
      { kind: 'nonlocal-quartic' as const, coupling: 1.7, kernel: { kind: 'gaussian' as const, width: 0.3 } },
    ]) {
      const theory = makeTheory({ momentumCutoff: 8, interactions: [term], points: [[0]] });
      const setup = latticeSetup(theory, { sites: 128 });
      const action = new LatticeAction(setup, theory);
      const c = 0.8;
      const volume = setup.sites * setup.spacing;
      const expected = (1.7 / 24) * c ** 4 * volume;
      expect(Math.abs(action.interactionAction(new Float64Array(setup.totalSites).fill(c)) - expected)).toBeLessThan(1e-9 * expected);
    }
  });
});

describe('lattice HMC', () => {
  it('free theory in d = 1: G2 agrees with the exact lattice propagator within 3 sigma, G_c4 with 0', async () => {
    const theory = makeTheory({ points: [[0], [0.5], [1]] });
    const result = await computeLattice(theory, { trajectories: 600, thermalization: 50, seed: 11 });
    const setup = latticeSetup(theory);
    const g2 = result.correlators[0]!;
    g2.indices.forEach((tuple, i) => {
      const exact = latticeFreePropagator(setup, [theory.points[tuple[0]!]![0]! - theory.points[tuple[1]!]![0]!]);
      expect(Math.abs(g2.values[i]! - exact)).toBeLessThan(3 * g2.stderr[i]!);
      expect(g2.stderr[i]!).toBeLessThan(0.03 * exact);
    });
    const g4 = result.correlators[1]!;
    g4.values.forEach((value, i) => expect(Math.abs(value)).toBeLessThan(5 * g4.stderr[i]!));
    expect(result.acceptance).toBeGreaterThan(0.6);
    expect(result.stoppedEarly).toBe(false);
  });

  it('free theory in d = 2 with a cutoff and off-site points (Fourier interpolation)', async () => {
    const theory = makeTheory({ dimension: 2, momentumCutoff: 4, points: [[0, 0], [0.37, 0.1]], interactionRegion: { kind: 'box', side: 2 } });
    const result = await computeLattice(theory, { trajectories: 300, thermalization: 30, seed: 5, sites: 32 });
    const setup = latticeSetup(theory, { sites: 32 });
    expect(setup.pointsOnSites).toBe(false);
    const g2 = result.correlators[0]!;
    const exact = latticeFreePropagator(setup, [0.37, 0.1]);
    const index = g2.indices.findIndex((tuple) => tuple.join(',') === '0,1');
    expect(Math.abs(g2.values[index]! - exact)).toBeLessThan(3 * g2.stderr[index]!);
  });

  it('is reproducible from its seed and stops early on abort', async () => {
    const theory = makeTheory({ points: [[0]], interactions: [{ kind: 'local', power: 4, coupling: 1, wickOrdered: false }] });
    const first = await computeLattice(theory, { trajectories: 40, thermalization: 10, seed: 3 });
    const second = await computeLattice(theory, { trajectories: 40, thermalization: 10, seed: 3 });
    expect(second.correlators).toEqual(first.correlators);
    const controller = new AbortController();
    const partial = await computeLattice(theory, {
      trajectories: 2000,
      thermalization: 10,
      seed: 3,
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'progress' && event.done >= 100) controller.abort();
      },
    });
    expect(partial.stoppedEarly).toBe(true);
    expect(partial.trajectories).toBeLessThan(2000);
    expect(partial.caveats.join(' ')).toMatch(/stopped early/);
  });

  it('a run stopped and resumed from its checkpoint gives exactly the uninterrupted result', async () => {
    const theory = makeTheory({ points: [[0], [0.5]], interactions: [{ kind: 'local', power: 4, coupling: 2, wickOrdered: false }] });
    const settings = { trajectories: 60, thermalization: 20, seed: 17 };
    const whole = await computeLattice(theory, settings);
    const controller = new AbortController();
    let saved: LatticeCheckpoint | undefined;
    await computeLattice(theory, {
      ...settings,
      signal: controller.signal,
      onCheckpoint: (state) => {
        saved = JSON.parse(JSON.stringify(state));
      },
      onEvent: (event) => {
        if (event.type === 'progress' && event.done >= 36) controller.abort();
      },
    }).catch(() => undefined);
    expect(saved).toBeDefined();
    expect(saved!.nextTrajectory).toBeGreaterThan(20);
    expect(saved!.nextTrajectory).toBeLessThan(80);
    const resumed = await computeLattice(theory, { ...settings, resume: saved });
    expect(resumed.correlators).toEqual(whole.correlators);
    await expect(computeLattice(theory, { ...settings, seed: 18, resume: saved })).rejects.toThrowError(/different/);
  });
});
