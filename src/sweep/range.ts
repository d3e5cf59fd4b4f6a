/** Values of a sweep range: evenly spaced in the value (linear) or in its logarithm (log). */
import { NnftError } from '../errors.js';
import type { SweepRange } from './sweep-file.js';

/**
 * Rounded to 12 significant digits so that the same range gives the same numbers (and therefore
 * the same point ids) whatever the platform's last-bit rounding of pow/exp, and endpoints are exact.
 */
function tidy(value: number): number {
  return Number(value.toPrecision(12));
}

export function rangeValues(range: SweepRange, path = 'range'): number[] {
  const scale = range.scale ?? 'linear';
  const { from, to, count } = range;
  if (scale === 'log' && !(from > 0 && to > 0)) {
    throw new NnftError('E_SEMANTIC', 'a log range needs positive endpoints', {
      issues: [{ path, message: `log range from ${from} to ${to}: both endpoints must be > 0`, hint: 'use "scale": "linear" or positive endpoints' }],
    });
  }
  const values: number[] = [];
  for (let k = 0; k < count; k++) {
    const fraction = count === 1 ? 0 : k / (count - 1);
    let value = scale === 'log' ? Math.exp(Math.log(from) + fraction * (Math.log(to) - Math.log(from))) : from + fraction * (to - from);
    if (k === count - 1 && count > 1) value = to;
    if (k === 0) value = from;
    value = range.integer ? Math.round(value) : tidy(value);
    values.push(value);
  }
  return values;
}
