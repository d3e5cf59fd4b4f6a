/** Axis ticks: 1-2-5 steps on linear axes, decades (with 2 and 5 when few) on log axes. */

export interface Tick {
  value: number;
  label: string;
}

/** Short numeric labels: 0.001, 0.25, 1.5e-05, 3e+06. */
export function formatNumber(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e5) return String(Number(value.toPrecision(4)));
  const [mantissa, exponent] = value.toExponential(2).split('e');
  return `${String(Number(mantissa))}e${exponent}`;
}

export function linearTicks(min: number, max: number, target = 6): Tick[] {
  if (!(max > min)) return [{ value: min, label: formatNumber(min) }];
  const rough = (max - min) / target;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= rough) ?? 10 * power;
  const ticks: Tick[] = [];
  const first = Math.ceil(min / step - 1e-9);
  for (let k = first; k * step <= max + step * 1e-9; k++) {
    // Multiply, do not accumulate, so labels stay free of drift (0.30000000000000004).
    const value = Number((k * step).toPrecision(12));
    ticks.push({ value, label: formatNumber(value) });
  }
  return ticks;
}

/**
 * Log-axis ticks at 1, 2, 3, 5 (or 1, 2, 5, or 1) times powers of ten inside [min, max]; a range too
 * narrow to hold two of them (10.8 to 15.8, say) gets linear 1-2-5 ticks instead, placed on the log
 * axis, so the axis is never left without labels.
 */
export function logTicks(min: number, max: number): Tick[] {
  const ticks = decadeTicks(min, max);
  if (ticks.length >= 2) return ticks;
  const linear = linearTicks(min, max, 4).filter((tick) => tick.value > 0);
  return linear.length >= 2 ? linear : ticks;
}

function decadeTicks(min: number, max: number): Tick[] {
  const low = Math.floor(Math.log10(min));
  const high = Math.ceil(Math.log10(max));
  const decades = high - low;
  const multipliers = decades <= 1 ? [1, 2, 3, 5] : decades <= 3 ? [1, 2, 5] : [1];
  const stride = Math.max(1, Math.ceil(decades / 8));
  const ticks: Tick[] = [];
  for (let exponent = low; exponent <= high; exponent += stride) {
    for (const multiplier of multipliers) {
      const value = Number((multiplier * 10 ** exponent).toPrecision(12));
      if (value >= min * (1 - 1e-9) && value <= max * (1 + 1e-9)) ticks.push({ value, label: formatNumber(value) });
    }
  }
  return ticks;
}
