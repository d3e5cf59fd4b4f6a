/**
 * Globally adaptive Gauss-Kronrod quadrature (7-point Gauss embedded in the 15-point Kronrod
 * rule, as in QUADPACK's QAG): the panel with the largest error estimate is bisected until the
 * summed estimate meets max(absoluteTolerance, relativeTolerance |I|). Semi-infinite and infinite
 * ranges are mapped to finite ones by x = a + t/(1-t). The result always carries its error
 * estimate, and `converged` says whether the tolerance was met within the panel budget.
 */
import { CompensatedSum } from './compensated-sum.js';

export interface QuadratureResult {
  value: number;
  /** Estimated absolute error (|K15 - G7| per panel, summed; conservative for smooth integrands). */
  error: number;
  evaluations: number;
  converged: boolean;
}

export interface AdaptiveOptions {
  absoluteTolerance?: number;
  relativeTolerance?: number;
  /** Largest number of panels before giving up (the result then has converged = false). */
  maxPanels?: number;
  /** Extra interior break points (known kinks, oscillation nodes); they become initial panel edges. */
  breakPoints?: readonly number[];
}

// Kronrod 15-point abscissae (non-negative half, descending) and weights; odd indices are the
// 7-point Gauss nodes, whose weights are GAUSS7_WEIGHTS.
const KRONROD15_NODES = [
  0.991455371120812639206854697526329, 0.949107912342758524526189684047851, 0.864864423359769072789712788640926,
  0.741531185599394439863864773280788, 0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
  0.207784955007898467600689403773245, 0,
];
const KRONROD15_WEIGHTS = [
  0.02293532201052922496373200805897, 0.063092092629978553290700663189204, 0.104790010322250183839876322541518,
  0.140653259715525918745189590510238, 0.16900472663926790282658342659855, 0.190350578064785409913256402421014,
  0.204432940075298892414161999234649, 0.209482141084727828012999174891714,
];
const GAUSS7_WEIGHTS = [
  0.129484966168869693270611432679082, 0.27970539148927666790146777142378, 0.381830050505118944950369775488975,
  0.417959183673469387755102040816327,
];

interface Panel {
  lower: number;
  upper: number;
  value: number;
  error: number;
}

function kronrodPanel(f: (x: number) => number, lower: number, upper: number): Panel {
  const centre = 0.5 * (lower + upper);
  const halfWidth = 0.5 * (upper - lower);
  const centreValue = f(centre);
  let kronrod = KRONROD15_WEIGHTS[7]! * centreValue;
  let gauss = GAUSS7_WEIGHTS[3]! * centreValue;
  for (let i = 0; i < 7; i++) {
    const offset = halfWidth * KRONROD15_NODES[i]!;
    const pairSum = f(centre - offset) + f(centre + offset);
    kronrod += KRONROD15_WEIGHTS[i]! * pairSum;
    if (i % 2 === 1) gauss += GAUSS7_WEIGHTS[(i - 1) / 2]! * pairSum;
  }
  const value = kronrod * halfWidth;
  const error = Math.abs((kronrod - gauss) * halfWidth);
  return { lower, upper, value, error };
}

/** Map an integral over an infinite range to one over a finite range (identity when finite). */
function finiteForm(f: (x: number) => number, lower: number, upper: number): { g: (t: number) => number; lower: number; upper: number } {
  if (Number.isFinite(lower) && Number.isFinite(upper)) return { g: f, lower, upper };
  if (Number.isFinite(lower) && upper === Infinity) {
    return {
      g: (t) => (t >= 1 ? 0 : f(lower + t / (1 - t)) / ((1 - t) * (1 - t))),
      lower: 0,
      upper: 1,
    };
  }
  if (lower === -Infinity && Number.isFinite(upper)) {
    return {
      g: (t) => (t >= 1 ? 0 : f(upper - t / (1 - t)) / ((1 - t) * (1 - t))),
      lower: 0,
      upper: 1,
    };
  }
  if (lower === -Infinity && upper === Infinity) {
    return {
      g: (t) => {
        if (Math.abs(t) >= 1) return 0;
        const jacobian = (1 + t * t) / ((1 - t * t) * (1 - t * t));
        return f(t / (1 - t * t)) * jacobian;
      },
      lower: -1,
      upper: 1,
    };
  }
  throw new RangeError(`cannot integrate from ${lower} to ${upper}`);
}

/** int_lower^upper f(x) dx, adaptively, with an error estimate. */
export function integrateAdaptive(f: (x: number) => number, lower: number, upper: number, options: AdaptiveOptions = {}): QuadratureResult {
  if (lower === upper) return { value: 0, error: 0, evaluations: 0, converged: true };
  if (lower > upper) {
    const flipped = integrateAdaptive(f, upper, lower, options);
    return { ...flipped, value: -flipped.value };
  }
  const absoluteTolerance = options.absoluteTolerance ?? 1e-12;
  const relativeTolerance = options.relativeTolerance ?? 1e-10;
  const maxPanels = options.maxPanels ?? 4000;
  const { g, lower: a, upper: b } = finiteForm(f, lower, upper);
  const finite = Number.isFinite(lower) && Number.isFinite(upper);
  const edges = [a, ...(finite ? (options.breakPoints ?? []).filter((x) => x > a && x < b) : []), b].sort((x, y) => x - y);
  let panels: Panel[] = [];
  for (let i = 0; i + 1 < edges.length; i++) if (edges[i + 1]! > edges[i]!) panels.push(kronrodPanel(g, edges[i]!, edges[i + 1]!));
  let evaluations = 15 * panels.length;
  const totals = (): { value: number; error: number } => {
    const value = new CompensatedSum();
    const error = new CompensatedSum();
    for (const panel of panels) {
      value.add(panel.value);
      error.add(panel.error);
    }
    return { value: value.value, error: error.value };
  };
  let { value, error } = totals();
  while (error > Math.max(absoluteTolerance, relativeTolerance * Math.abs(value)) && panels.length < maxPanels) {
    // Bisect the worst panel. A linear scan is fine for the few thousand panels we allow.
    let worst = 0;
    for (let i = 1; i < panels.length; i++) if (panels[i]!.error > panels[worst]!.error) worst = i;
    const panel = panels[worst]!;
    const middle = 0.5 * (panel.lower + panel.upper);
    if (middle <= panel.lower || middle >= panel.upper) break; // cannot split further in float64
    const left = kronrodPanel(g, panel.lower, middle);
    const right = kronrodPanel(g, middle, panel.upper);
    evaluations += 30;
    panels[worst] = left;
    panels.push(right);
    // Update the running totals incrementally, recomputing exactly now and then to stop drift.
    if (panels.length % 64 === 0) ({ value, error } = totals());
    else {
      value += left.value + right.value - panel.value;
      error += left.error + right.error - panel.error;
    }
  }
  ({ value, error } = totals());
  panels = [];
  return { value, error, evaluations, converged: error <= Math.max(absoluteTolerance, relativeTolerance * Math.abs(value)) };
}
