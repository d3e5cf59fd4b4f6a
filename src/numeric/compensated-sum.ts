/**
 * Compensated summation (Neumaier's variant of Kahan): the rounding error of every addition is
 * carried in a separate term, so long sums of terms of mixed sign and magnitude (quadrature
 * panels, moment accumulators, cumulants) lose at most a few ulps instead of O(n) of them.
 */

/** A running compensated sum; add terms one at a time, read `value` at any point. */
export class CompensatedSum {
  private sum = 0;
  private compensation = 0;

  constructor(initial = 0) {
    this.sum = initial;
  }

  add(term: number): this {
    const total = this.sum + term;
    // Neumaier: whichever operand is larger in magnitude keeps its bits; recover the lost low part.
    if (Math.abs(this.sum) >= Math.abs(term)) this.compensation += this.sum - total + term;
    else this.compensation += term - total + this.sum;
    this.sum = total;
    return this;
  }

  get value(): number {
    return this.sum + this.compensation;
  }
}

/** Compensated sum of an array-like of numbers. */
export function compensatedSum(terms: ArrayLike<number>): number {
  const accumulator = new CompensatedSum();
  for (let i = 0; i < terms.length; i++) accumulator.add(terms[i]!);
  return accumulator.value;
}

/** Compensated dot product sum_i a_i b_i (products are exact enough; the sum is what loses bits). */
export function compensatedDot(left: ArrayLike<number>, right: ArrayLike<number>): number {
  if (left.length !== right.length) throw new RangeError(`dot product of lengths ${left.length} and ${right.length}`);
  const accumulator = new CompensatedSum();
  for (let i = 0; i < left.length; i++) accumulator.add(left[i]! * right[i]!);
  return accumulator.value;
}
