/**
 * Tree-level connected correlators in d = 1 without a cutoff, V = R, G(x) = e^{-m|x|}/(2m), per unit
 * coupling: the forward-fit predictors (linear in each coupling at first order). Conventions of
 * docs/conventions.md: S ⊃ (lambda/4!) phi^4, (kappa/4) phi^2 (d phi)^2, (g/4!) phi^2 K phi^2,
 * (g6/6!) phi^6.
 *
 *   local phi^4:   G_c4 = -lambda int dz prod_k G(x_k - z)                                (closed form)
 *   derivative:    G_c4 = -kappa sum_{k<l} int dz G'(x_k - z) G'(x_l - z) prod_{others} G    (closed form)
 *                  (phi^2 (d phi)^2 is the only two-derivative quartic up to total derivatives)
 *   Gaussian non-local: G_c4 = -(g/3) sum_{(ab|cd)} int dz dw G_a(z) G_b(z) K(z - w) G_c(w) G_d(w)
 *                  (w integral in closed form with normal CDFs, z integral by Gauss-Legendre panels)
 *   sextic:        G_c4 = -(g6/2) G(0) int prod_4 G (tadpole; same shape as lambda, so G_c4 alone
 *                  cannot separate g6 from lambda), G_c6 = -g6 int prod_6 G
 *   quartic exchange in G_c6: + lambda^2 sum_{10 splits} int dz dw G G G(z) G(z - w) G G G(w).
 *   one-loop bubble in G_c4: + (lambda^2/2) sum_{3 channels} int dz dw G_a(z) G_b(z) G(z - w)^2 G_c(w) G_d(w)
 *                  (the inner w integral is the closed-form product at (z, z, x_c, x_d)); with the
 *                  propagator of the measured mass this is the one-loop vertex correction.
 */
import { NnftError } from '../errors.js';
import { normalIntervalProbability } from './fit-statistics.js';
import { integrateExponentialProduct, integratePanels } from './piecewise-exponential.js';

function checkMass(mass: number): void {
  if (!(mass > 0)) throw new NnftError('E_SEMANTIC', `the tree-level d = 1 predictors need a positive mass, got ${mass}`);
}

export function freePropagator1d(mass: number, distance: number): number {
  return Math.exp(-mass * Math.abs(distance)) / (2 * mass);
}

/** G_c4 per unit lambda of local (lambda/4!) phi^4. */
export function localQuarticTree1d(points: readonly number[], mass: number): number {
  checkMass(mass);
  return -integrateExponentialProduct(points, mass) / (2 * mass) ** points.length;
}

/** G_c4 per unit kappa of (kappa/4) phi^2 (d phi)^2. */
export function derivativeQuarticTree1d(points: readonly [number, number, number, number] | readonly number[], mass: number): number {
  checkMass(mass);
  // G'(x - z) w.r.t. z is m sign(x - z) G; on the piece with j points below, sum_{k<l} s_k s_l = ((4-2j)^2 - 4)/2.
  const pairSignSum = (piece: number): number => ((4 - 2 * piece) ** 2 - 4) / 2;
  return (-(mass * mass) * integrateExponentialProduct(points, mass, pairSignSum)) / (2 * mass) ** 4;
}

/** (K * F)(z) for F(w) = G(x_c - w) G(x_d - w) and a unit-normalised Gaussian K of the given width. */
function smearedPair(z: number, xc: number, xd: number, mass: number, width: number): number {
  const low = Math.min(xc, xd);
  const high = Math.max(xc, xd);
  const prefactor = 1 / (4 * mass * mass);
  if (width === 0) return prefactor * Math.exp(-mass * (Math.abs(z - low) + Math.abs(z - high)));
  const variance = width * width;
  // int_lo^hi N(w; z, s^2) e^{beta w} dw = e^{beta z + beta^2 s^2/2} P((lo - z - beta s^2)/s < Z < (hi - z - beta s^2)/s)
  const piece = (lower: number, upper: number, beta: number, constant: number): number => {
    const shift = z + beta * variance;
    const probability = normalIntervalProbability((lower - shift) / width, (upper - shift) / width);
    if (probability === 0) return 0;
    return Math.exp(constant + beta * z + (beta * beta * variance) / 2) * probability;
  };
  return (
    prefactor *
    (piece(-Infinity, low, 2 * mass, -mass * (low + high)) +
      piece(low, high, 0, -mass * (high - low)) +
      piece(high, Infinity, -2 * mass, mass * (low + high)))
  );
}

const PAIRINGS: readonly (readonly [number, number, number, number])[] = [
  [0, 1, 2, 3],
  [0, 2, 1, 3],
  [0, 3, 1, 2],
];

/** G_c4 per unit g of (g/4!) int int phi^2(x) K(x - y) phi^2(y), K Gaussian of standard deviation width. */
export function nonlocalQuarticTree1d(points: readonly number[], mass: number, width: number): number {
  checkMass(mass);
  if (!(width >= 0)) throw new NnftError('E_SEMANTIC', `kernel width must be non-negative, got ${width}`);
  if (width === 0) return localQuarticTree1d(points, mass);
  // Tails decay like e^{-4 m |z|} (times e^{2 m^2 s^2} from the smearing): 7/m + 6 s leaves < 1e-12.
  const lowest = Math.min(...points);
  const highest = Math.max(...points);
  const reach = 7 / mass + 6 * width;
  // The smeared pair varies on the scale of the width only within a few widths of its own points:
  // resolve those neighbourhoods with extra cuts, and use panels of 1/(2m) elsewhere.
  const panel = 0.5 / Math.max(mass, 1e-300);
  const step = Math.min(width, panel);
  const reachSteps = Math.ceil((6 * width) / step);
  let total = 0;
  for (const [a, b, c, d] of PAIRINGS) {
    const xa = points[a];
    const xb = points[b];
    const cuts = [...points];
    for (const centre of [points[c], points[d]]) {
      for (let k = -reachSteps; k <= reachSteps; k++) cuts.push(centre + k * step);
    }
    const integrand = (z: number): number =>
      freePropagator1d(mass, xa - z) * freePropagator1d(mass, xb - z) * smearedPair(z, points[c], points[d], mass, width);
    total += integratePanels(integrand, lowest - reach, highest + reach, cuts, panel, 8);
  }
  return -total / 3;
}

/** G_c4 per unit g6 of (g6/6!) phi^6 at first order: the tadpole -(g6/2) G(0) int prod_4 G. */
export function sexticTadpoleTree1d(points: readonly number[], mass: number): number {
  return (freePropagator1d(mass, 0) / 2) * localQuarticTree1d(points, mass);
}

/** G_c6 per unit g6 of (g6/6!) phi^6: -int prod_6 G. */
export function sexticTree1d(points: readonly number[], mass: number): number {
  return localQuarticTree1d(points, mass);
}

/** G_c6 per unit lambda^2 from two local quartic vertices joined by a propagator. */
export function quarticExchangeTree1d(points: readonly number[], mass: number): number {
  checkMass(mass);
  if (points.length !== 6) throw new NnftError('E_SEMANTIC', 'the quartic exchange diagram needs 6 points');
  const lowest = Math.min(...points);
  const highest = Math.max(...points);
  const reach = 12 / mass;
  let total = 0;
  for (let a = 1; a < 6; a++) {
    for (let b = a + 1; b < 6; b++) {
      const left = [points[0], points[a], points[b]];
      const right = points.filter((_, index) => index !== 0 && index !== a && index !== b);
      // inner w integral is the local 4-point integral at (z, right...) in closed form
      const integrand = (z: number): number =>
        freePropagator1d(mass, left[0] - z) *
        freePropagator1d(mass, left[1] - z) *
        freePropagator1d(mass, left[2] - z) *
        -localQuarticTree1d([z, ...right], mass);
      total += integratePanels(integrand, lowest - reach, highest + reach, points, 0.5 / mass);
    }
  }
  return total;
}

/** G_c4 per unit lambda^2 of the one-loop s, t, u bubbles of (lambda/4!) phi^4. */
export function quarticBubbleOneLoop1d(points: readonly number[], mass: number): number {
  checkMass(mass);
  if (points.length !== 4) throw new NnftError('E_SEMANTIC', 'the one-loop bubble needs 4 points');
  const lowest = Math.min(...points);
  const highest = Math.max(...points);
  const reach = 12 / mass;
  let total = 0;
  for (const [a, b, c, d] of PAIRINGS) {
    // inner w integral: G(z - w)^2 G(x_c - w) G(x_d - w), the closed-form product at (z, z, x_c, x_d)
    const integrand = (z: number): number =>
      freePropagator1d(mass, points[a] - z) * freePropagator1d(mass, points[b] - z) * -localQuarticTree1d([z, z, points[c], points[d]], mass);
    total += integratePanels(integrand, lowest - reach, highest + reach, points, 0.25 / mass);
  }
  return total / 2;
}

/**
 * Predictor column over a list of index tuples: diagram(points at the tuple). Every diagram here is
 * symmetric in its points and translation invariant (V = R), so tuples with the same sorted shape
 * up to a shift share one evaluation (a uniform grid has far fewer shapes than tuples).
 */
export function predictorColumn(
  tuples: readonly (readonly number[])[],
  points: readonly number[],
  diagram: (tuplePoints: number[]) => number,
): number[] {
  const cache = new Map<string, number>();
  return tuples.map((tuple) => {
    const sorted = tuple.map((index) => points[index]).sort((a, b) => a - b);
    const key = sorted.map((x) => (x - sorted[0]).toPrecision(12)).join(',');
    let value = cache.get(key);
    if (value === undefined) {
      value = diagram(sorted);
      cache.set(key, value);
    }
    return value;
  });
}
