import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/backend/index.js';
import { cosNet } from '../../../src/architectures/cos-net.js';
import { cosNetConnectedFour } from '../../../src/architectures/cos-net-exact-moments.js';
import { freePropagator } from '../../../src/correlators/free-propagator.js';
import { compileDeformation } from '../../../src/densities/deformations.js';
import { estimateEnsemble } from '../../../src/ensemble/estimate-ensemble.js';
import { gaussLegendreRule } from '../../../src/numeric/gauss-legendre.js';
import { symmetricEigen } from '../../../src/numeric/symmetric-eigen.js';

/**
 * <x^2> and <x^4> - 3<x^2>^2 in the ground state of H = p^2/2 + x^2/2 + (lambda/24) x^4 (d = 1 phi^4 on
 * V = R without cutoff, m = 1), by diagonalising H in 60 oscillator levels: the exact answers whose
 * difference from first order sizes the O(lambda^2) terms that first-order theory leaves out.
 */
function anharmonicOscillator(coupling: number): { propagatorAtZero: number; connectedFour: number } {
  const levels = 60;
  const x = Array.from({ length: levels }, () => new Float64Array(levels));
  for (let n = 0; n + 1 < levels; n++) x[n]![n + 1] = x[n + 1]![n] = Math.sqrt((n + 1) / 2);
  const multiply = (a: Float64Array[], b: Float64Array[]) =>
    a.map((row) => Float64Array.from({ length: levels }, (_, j) => row.reduce((sum, value, k) => sum + value * b[k]![j]!, 0)));
  const x2 = multiply(x, x);
  const x4 = multiply(x2, x2);
  // In the oscillator basis p^2/2 + x^2/2 is diag(n + 1/2); add the quartic term.
  const hamiltonian = x4.map((row, i) => Float64Array.from(row, (value, j) => (coupling / 24) * value + (i === j ? i + 0.5 : 0)));
  const { vectors } = symmetricEigen(hamiltonian.map((row) => Array.from(row)));
  const ground = Float64Array.from({ length: levels }, (_, i) => vectors[i * levels]!);
  const expectation = (operator: Float64Array[]) => operator.reduce((sum, row, i) => sum + ground[i]! * row.reduce((inner, value, j) => inner + value * ground[j]!, 0), 0);
  const second = expectation(x2);
  return { propagatorAtZero: second, connectedFour: expectation(x4) - 3 * second * second };
}

const ENSEMBLE = Number(process.env.NNFT_PT_ENSEMBLE ?? 60_000);

/** int_{-L/2}^{L/2} f(z) dz by composite Gauss-Legendre (f smooth apart from kinks at the points). */
function integrateRegion(f: (z: number) => number, side: number, breaks: number[]): number {
  const edges = [-side / 2, ...breaks.filter((b) => Math.abs(b) < side / 2), side / 2].sort((a, b) => a - b);
  const rule = gaussLegendreRule(40);
  let total = 0;
  for (let e = 0; e + 1 < edges.length; e++) {
    const [a, b] = [edges[e]!, edges[e + 1]!];
    for (let panel = 0; panel < 8; panel++) {
      const lo = a + ((b - a) * panel) / 8;
      const hi = a + ((b - a) * (panel + 1)) / 8;
      for (let k = 0; k < rule.nodes.length; k++) total += 0.5 * (hi - lo) * rule.weights[k]! * f(0.5 * (hi + lo) + 0.5 * (hi - lo) * rule.nodes[k]!);
    }
  }
  return total;
}

describe('phi^4-deformed cos-net vs first-order perturbation theory (d = 1, N = 1024, lambda = 0.25)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  }, 900000);

  it('G2 and G_c4 agree within 5 standard errors', async () => {
    const [mass, cutoff, side, coupling, width] = [1, 10, 6, 0.25, 1024];
    const points = [[0], [0.5]];
    const net = cosNet({ dimension: 1, width, mass, cutoff });
    const deformation = compileDeformation(net, { regionSide: side, terms: [{ kind: 'local', power: 4, coupling }] });
    const result = await estimateEnsemble({ architecture: net, deformation, points, orders: [2, 4], ensembleSize: ENSEMBLE, seed: 2024, images: [[[0], [-0.5]]] });
    const propagator = (r: number) => freePropagator(1, mass, cutoff, Math.abs(r));
    const g0 = propagator(0);
    const [two, four] = result.summary.orders;
    const lines: string[] = [];
    const failures: string[] = [];
    // First-order theory neglects O(lambda^2): size it by the anharmonic oscillator (V = R, no cutoff),
    // exact minus first order (0.0013 for G2(0,0) and 0.0015 for G_c4(0,0,0,0) at lambda = 0.25), and
    // allow that on top of 5 standard errors.
    const oscillator = anharmonicOscillator(coupling);
    const secondOrderG2 = Math.abs(oscillator.propagatorAtZero - (0.5 - coupling / 16));
    const secondOrderG4 = Math.abs(oscillator.connectedFour + coupling / 32);
    expect(secondOrderG2).toBeGreaterThan(0.001);
    expect(secondOrderG2).toBeLessThan(0.002);
    two!.indices.forEach((tuple, index) => {
      const [x, y] = tuple.map((k) => points[k]![0]!);
      const shift = -(coupling / 2) * g0 * integrateRegion((z) => propagator(x! - z) * propagator(z - y!), side, [x!, y!]);
      const expected = propagator(x! - y!) + shift;
      lines.push(`G2 ${tuple}: ${two!.values[index]} ± ${two!.stderr[index]} vs ${expected} (free ${propagator(x! - y!)}) VR ${two!.varianceReduction[index]}`);
      if (Math.abs(two!.values[index]! - expected) > 5 * two!.stderr[index]! + secondOrderG2) failures.push(`G2 ${tuple}`);
      // The interaction's first-order shift is resolved: many standard errors.
      if (Math.abs(shift) < 10 * two!.stderr[index]!) failures.push(`G2 ${tuple} shift not resolved`);
    });
    four!.indices.forEach((tuple, index) => {
      const xs = tuple.map((k) => points[k]![0]!);
      const firstOrder = -coupling * integrateRegion((z) => xs.reduce((product, x) => product * propagator(x - z), 1), side, xs);
      const expected = firstOrder + cosNetConnectedFour(net, xs.map((x) => [x]));
      lines.push(`G4 ${tuple}: ${four!.values[index]} ± ${four!.stderr[index]} vs ${expected} VR ${four!.varianceReduction[index]}`);
      if (Math.abs(four!.values[index]! - expected) > 5 * four!.stderr[index]! + secondOrderG4) failures.push(`G4 ${tuple}`);
      // Resolving power: the interaction's effect is at least 4 standard errors.
      if (index === 0 && Math.abs(firstOrder) < 4 * four!.stderr[index]!) failures.push('G4 effect not resolved');
    });
    console.log(lines.join('\n'), '\nESS/M', result.diagnostics.essFraction, 'seconds', result.diagnostics.seconds);
    expect(failures).toEqual([]);
  }, 900000);
});
