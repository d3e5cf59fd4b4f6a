/**
 * Special functions for propagators and kernels, accurate to ~1e-13 relative or better:
 * modified Bessel K_nu (trapezoid rule on int_0^inf exp(-x cosh t) cosh(nu t) dt, which converges
 * doubly exponentially because the integrand is analytic in the strip |Im t| < pi/2),
 * Bessel J_0 and J_1 (power series below x = 15, Hankel asymptotic expansion above),
 * log-gamma (Lanczos), erf/erfc (series and continued fraction).
 */

/** K_nu(x) for real nu and x > 0. */
export function besselK(order: number, x: number): number {
  if (!(x > 0)) {
    if (x === 0) return Infinity;
    return NaN;
  }
  if (x > 700) return 0;
  // The integrand exp(-x cosh t + |nu| t) is below e^-745 * peak once x cosh t - |nu| t exceeds 745 + offset.
  const nu = Math.abs(order);
  // Narrower steps for large x keep the discretisation error below 1e-15 relative (strip argument).
  const step = Math.min(0.05, 0.5 / Math.sqrt(x));
  let total = 0.5 * Math.exp(-x); // t = 0 term, half weight
  const peakLog = -x; // log of the t = 0 term; later terms may be larger when nu > 0, handled by the stop rule
  let maxTerm = total;
  for (let k = 1; k < 100000; k++) {
    const t = k * step;
    const logTerm = -x * Math.cosh(t) + Math.log(Math.cosh(nu * t));
    const term = Math.exp(logTerm);
    total += term;
    maxTerm = Math.max(maxTerm, term);
    if (term < 1e-18 * maxTerm && logTerm < peakLog) break;
  }
  return total * step;
}

export function besselK0(x: number): number {
  return besselK(0, x);
}

export function besselK1(x: number): number {
  return besselK(1, x);
}

/** Hankel's asymptotic P and Q for J_n, n = 0 or 1, summed to the smallest term. */
function hankelAsymptotic(order: 0 | 1, x: number): number {
  const mu = 4 * order * order;
  let p = 1;
  let q = 0;
  let term = 1;
  let previousMagnitude = Infinity;
  // Terms: a_k = prod_{j=1..k} (mu - (2j-1)^2) / (k! (8x)^k); P takes even k with alternating sign, Q odd k.
  for (let k = 1; k < 60; k++) {
    term *= (mu - (2 * k - 1) ** 2) / (k * 8 * x);
    const magnitude = Math.abs(term);
    if (magnitude > previousMagnitude || magnitude < 1e-17) break;
    previousMagnitude = magnitude;
    const sign = Math.floor(k / 2) % 2 === 0 ? 1 : -1;
    if (k % 2 === 0) p += sign * term;
    else q += sign * term;
  }
  const chi = x - (order / 2 + 0.25) * Math.PI;
  return Math.sqrt(2 / (Math.PI * x)) * (p * Math.cos(chi) - q * Math.sin(chi));
}

function besselJSeries(order: 0 | 1, x: number): number {
  const quarterSquare = -(x * x) / 4;
  let term = order === 0 ? 1 : x / 2;
  let total = term;
  for (let k = 1; k < 200; k++) {
    term *= quarterSquare / (k * (k + order));
    total += term;
    if (Math.abs(term) < 1e-17 * Math.abs(total)) break;
  }
  return total;
}

/** Switch point between the series (cancellation grows like e^x) and the asymptotic expansion. */
const BESSEL_J_SWITCH = 15;

export function besselJ0(x: number): number {
  const ax = Math.abs(x);
  return ax < BESSEL_J_SWITCH ? besselJSeries(0, ax) : hankelAsymptotic(0, ax);
}

export function besselJ1(x: number): number {
  const ax = Math.abs(x);
  const value = ax < BESSEL_J_SWITCH ? besselJSeries(1, ax) : hankelAsymptotic(1, ax);
  return x < 0 ? -value : value;
}

const LANCZOS_G = 7;
const LANCZOS_COEFFICIENTS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Gamma(x) for x > 0 (Lanczos, ~1e-15 relative). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const shifted = x - 1;
  let series = LANCZOS_COEFFICIENTS[0]!;
  for (let i = 1; i < LANCZOS_G + 2; i++) series += LANCZOS_COEFFICIENTS[i]! / (shifted + i);
  const t = shifted + LANCZOS_G + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (shifted + 0.5) * Math.log(t) - t + Math.log(series);
}

/** erfc(x) for x >= 0 by Lentz's continued fraction (used above x = 2.5). */
function erfcContinuedFraction(x: number): number {
  // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))))
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = x + a / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (Math.sqrt(Math.PI) * f);
}

function erfSeries(x: number): number {
  // erf(x) = 2/sqrt(pi) exp(-x^2) sum_n 2^n x^(2n+1) / (1 3 5 ... (2n+1)): all terms positive.
  let term = x;
  let total = x;
  for (let n = 1; n < 500; n++) {
    term *= (2 * x * x) / (2 * n + 1);
    total += term;
    if (term < 1e-17 * total) break;
  }
  return ((2 / Math.sqrt(Math.PI)) * Math.exp(-x * x)) * total;
}

export function erf(x: number): number {
  const ax = Math.abs(x);
  const value = ax < 2.5 ? erfSeries(ax) : 1 - erfcContinuedFraction(ax);
  return x < 0 ? -value : value;
}

export function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  return x < 2.5 ? 1 - erfSeries(x) : erfcContinuedFraction(x);
}

/** n! for small non-negative integers (exact in float64 up to 18!). */
export function factorial(n: number): number {
  let value = 1;
  for (let k = 2; k <= n; k++) value *= k;
  return value;
}

/** n!! = n (n - 2) (n - 4) ... (1 for n <= 1); (m - 1)!! counts the pairings of m Gaussian factors. */
export function doubleFactorial(n: number): number {
  let value = 1;
  for (let k = n; k > 1; k -= 2) value *= k;
  return value;
}
