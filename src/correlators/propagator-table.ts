/**
 * A fast, accurate stand-in for freePropagator(d, m, Lambda, r) on 0 <= r <= maxDistance, for the
 * integrals of perturbation theory that need millions of propagator values. [0, maxDistance] is cut
 * into panels and G is interpolated on each by a 16-term Chebyshev series. With a cutoff G_Lambda(r)
 * is an entire function of r, so panels of width ~ 1/Lambda resolve the ringing to ~1e-12; without
 * one (d >= 2) G is singular at r = 0, so panels grow geometrically from a small radius below which
 * the closed form is evaluated directly.
 */
import type { Dimension } from '../theory/theory.js';
import { freePropagator } from './free-propagator.js';

const NODES = 16;
const SMALLEST_TABULATED = 1e-4;

export interface PropagatorTable {
  (distance: number): number;
  readonly maxDistance: number;
  readonly panels: number;
}

interface ChebyshevPanel {
  lower: number;
  upper: number;
  coefficients: Float64Array;
}

function chebyshevPanel(f: (x: number) => number, lower: number, upper: number): ChebyshevPanel {
  const values = new Float64Array(NODES);
  for (let k = 0; k < NODES; k++) {
    const node = Math.cos((Math.PI * (k + 0.5)) / NODES);
    values[k] = f(0.5 * (lower + upper) + 0.5 * (upper - lower) * node);
  }
  const coefficients = new Float64Array(NODES);
  for (let j = 0; j < NODES; j++) {
    let sum = 0;
    for (let k = 0; k < NODES; k++) sum += values[k]! * Math.cos((Math.PI * j * (k + 0.5)) / NODES);
    coefficients[j] = ((j === 0 ? 1 : 2) / NODES) * sum;
  }
  return { lower, upper, coefficients };
}

function evaluatePanel(panel: ChebyshevPanel, x: number): number {
  const t = (2 * x - panel.lower - panel.upper) / (panel.upper - panel.lower);
  // Clenshaw recurrence.
  let b1 = 0;
  let b2 = 0;
  const c = panel.coefficients;
  for (let j = NODES - 1; j >= 1; j--) {
    const b0 = 2 * t * b1 - b2 + c[j]!;
    b2 = b1;
    b1 = b0;
  }
  return t * b1 - b2 + c[0]!;
}

export function propagatorTable(dimension: Dimension, mass: number, cutoff: number | null, maxDistance: number): PropagatorTable {
  const exact = (r: number): number => freePropagator(dimension, mass, cutoff, r);
  const singular = cutoff === null && dimension >= 2;
  const uniformWidth = Math.min(0.5 / mass, cutoff === null ? Infinity : 1.5 / cutoff, Math.max(maxDistance, 1e-3));
  const panels: ChebyshevPanel[] = [];
  let start = 0;
  if (singular) {
    start = SMALLEST_TABULATED;
    while (start < maxDistance && start < uniformWidth) {
      const end = Math.min(2 * start, maxDistance);
      panels.push(chebyshevPanel(exact, start, end));
      start = end;
    }
  }
  const count = Math.max(1, Math.ceil((maxDistance - start) / uniformWidth));
  const width = (maxDistance - start) / count;
  const uniformStart = start;
  const firstUniform = panels.length;
  for (let i = 0; i < count && maxDistance > start; i++) panels.push(chebyshevPanel(exact, uniformStart + i * width, uniformStart + (i + 1) * width));
  const table = ((distance: number): number => {
    if (distance > maxDistance || (singular && distance < SMALLEST_TABULATED) || panels.length === 0) return exact(distance);
    let index: number;
    if (distance >= uniformStart) index = firstUniform + Math.min(count - 1, Math.floor((distance - uniformStart) / width));
    else index = Math.max(0, Math.min(firstUniform - 1, Math.floor(Math.log2(distance / SMALLEST_TABULATED))));
    return evaluatePanel(panels[index]!, distance);
  }) as PropagatorTable;
  Object.defineProperty(table, 'maxDistance', { value: maxDistance });
  Object.defineProperty(table, 'panels', { value: panels.length });
  return table;
}
