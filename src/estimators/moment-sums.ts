/**
 * Chunk-additive sums from which every weighted and unweighted moment follows:
 *   weighted[j] = sum_m w_m prod(phi_m at monomial j),   plain[j] = sum_m prod(...),
 *   weightSum = sum_m w_m,  weightSquareSum = sum_m w_m^2,  count,
 *   logWeightSum = sum_m h_m,  linear[j] = sum_m h_m prod(...)   (h = log w, unshifted: the first-order
 *   control variate of correlator-estimate.ts).
 * Weights are stored relative to exp(logShift) so large log-weights cannot overflow; merging two
 * sums rescales the one with the smaller shift. Everything is float64 on the host.
 */
import type { MonomialTable } from './monomials.js';

export class MomentSums {
  logShift = Number.NEGATIVE_INFINITY;
  weightSum = 0;
  weightSquareSum = 0;
  count = 0;
  logWeightSum = 0;
  readonly weighted: Float64Array;
  readonly plain: Float64Array;
  readonly linear: Float64Array;

  constructor(readonly table: MonomialTable) {
    this.weighted = new Float64Array(table.tuples.length);
    this.plain = new Float64Array(table.tuples.length);
    this.linear = new Float64Array(table.tuples.length);
  }

  /** Rescale the weighted sums to a new (larger) shift. */
  private rebase(newShift: number): void {
    if (newShift === this.logShift) return;
    const factor = this.logShift === Number.NEGATIVE_INFINITY ? 0 : Math.exp(this.logShift - newShift);
    this.weightSum *= factor;
    this.weightSquareSum *= factor * factor;
    for (let j = 0; j < this.weighted.length; j++) this.weighted[j]! *= factor;
    this.logShift = newShift;
  }

  /**
   * Add networks: `columns[p]` holds phi at point p for every network (column-major, length count),
   * `logWeights` their log-weights (null: all zero). `linear` also accumulates sum h O (only where
   * the first-order control variate will use it: it costs a multiply-add per monomial per network).
   */
  addNetworks(columns: readonly Float64Array[], count: number, logWeights: Float64Array | null, linear = false): void {
    if (count === 0) return;
    let chunkMax = 0;
    if (logWeights) {
      chunkMax = Number.NEGATIVE_INFINITY;
      for (let m = 0; m < count; m++) chunkMax = Math.max(chunkMax, logWeights[m]!);
    }
    if (chunkMax > this.logShift) this.rebase(chunkMax);
    const weights = new Float64Array(count);
    let weightSum = 0;
    let weightSquareSum = 0;
    for (let m = 0; m < count; m++) {
      const w = logWeights ? Math.exp(logWeights[m]! - this.logShift) : Math.exp(-this.logShift);
      weights[m] = w;
      weightSum += w;
      weightSquareSum += w * w;
    }
    this.weightSum += weightSum;
    this.weightSquareSum += weightSquareSum;
    this.count += count;
    if (logWeights) for (let m = 0; m < count; m++) this.logWeightSum += logWeights[m]!;
    const linearWeights = linear ? logWeights : null;
    const { last } = this.table;
    const depthBuffers: Float64Array[] = [];
    for (let j = 0; j < this.table.tuples.length; j++) {
      const order = this.table.tuples[j]!.length;
      const column = columns[last[j]!]!;
      let buffer = depthBuffers[order - 1];
      if (!buffer) depthBuffers[order - 1] = buffer = new Float64Array(count);
      let weighted = 0;
      let plain = 0;
      // Depth-first order guarantees the parent's products are in the buffer one level up.
      const parentBuffer = order === 1 ? null : depthBuffers[order - 2]!;
      if (order === this.table.maxOrder && parentBuffer) {
        // Deepest level (most monomials): nothing builds on these products, so skip the store.
        if (linearWeights) {
          let linearSum = 0;
          for (let m = 0; m < count; m++) {
            const value = parentBuffer[m]! * column[m]!;
            plain += value;
            weighted += weights[m]! * value;
            linearSum += linearWeights[m]! * value;
          }
          this.linear[j]! += linearSum;
        } else if (logWeights) {
          for (let m = 0; m < count; m++) {
            const value = parentBuffer[m]! * column[m]!;
            plain += value;
            weighted += weights[m]! * value;
          }
        } else {
          for (let m = 0; m < count; m++) plain += parentBuffer[m]! * column[m]!;
          weighted = weights[0]! * plain;
        }
        this.weighted[j]! += weighted;
        this.plain[j]! += plain;
        continue;
      }
      if (linearWeights) {
        let linearSum = 0;
        for (let m = 0; m < count; m++) {
          const value = parentBuffer ? parentBuffer[m]! * column[m]! : column[m]!;
          buffer[m] = value;
          plain += value;
          weighted += weights[m]! * value;
          linearSum += linearWeights[m]! * value;
        }
        this.linear[j]! += linearSum;
      } else if (logWeights) {
        for (let m = 0; m < count; m++) {
          const value = parentBuffer ? parentBuffer[m]! * column[m]! : column[m]!;
          buffer[m] = value;
          plain += value;
          weighted += weights[m]! * value;
        }
      } else {
        // Equal weights: the weighted sum is the plain sum times that weight.
        for (let m = 0; m < count; m++) {
          const value = parentBuffer ? parentBuffer[m]! * column[m]! : column[m]!;
          buffer[m] = value;
          plain += value;
        }
        weighted = weights[0]! * plain;
      }
      this.weighted[j]! += weighted;
      this.plain[j]! += plain;
    }
  }

  /**
   * Add networks whose weight depends on the monomial's degree (the amplitude-scale average of
   * ensemble/draw-images.ts: E[w O | u] = O(phi_u) E_rho[rho^k w]): `columns` hold the direction's
   * field phi_u, `degreeWeights[k][m]` = E_rho[rho^k w_m] relative to exp(logShift) (k = 0: the
   * network's weight), `plainFactors[k]` = E[rho^k] (the plain sums are then E[O | u], unbiased for
   * E_0[O]). No linear sums (the first-order control variate does not apply).
   */
  addNetworksByDegree(columns: readonly Float64Array[], count: number, degreeWeights: readonly Float64Array[], logShift: number, plainFactors: readonly number[]): void {
    if (count === 0) return;
    if (logShift > this.logShift) this.rebase(logShift);
    const factor = Math.exp(logShift - this.logShift);
    const zero = degreeWeights[0]!;
    for (let m = 0; m < count; m++) {
      const w = zero[m]! * factor;
      this.weightSum += w;
      this.weightSquareSum += w * w;
    }
    this.count += count;
    const product = new Float64Array(count);
    for (let j = 0; j < this.table.tuples.length; j++) {
      const tuple = this.table.tuples[j]!;
      const degree = tuple.length;
      product.fill(1);
      for (const point of tuple) {
        const column = columns[point]!;
        for (let m = 0; m < count; m++) product[m]! *= column[m]!;
      }
      const weights = degreeWeights[degree]!;
      let weighted = 0;
      let plain = 0;
      for (let m = 0; m < count; m++) {
        weighted += weights[m]! * product[m]!;
        plain += product[m]!;
      }
      this.weighted[j]! += weighted * factor;
      this.plain[j]! += plain * plainFactors[degree]!;
    }
  }

  merge(other: MomentSums): void {
    if (other.count === 0) return;
    const shift = Math.max(this.logShift, other.logShift);
    this.rebase(shift);
    const factor = Math.exp(other.logShift - shift);
    this.weightSum += other.weightSum * factor;
    this.weightSquareSum += other.weightSquareSum * factor * factor;
    this.count += other.count;
    this.logWeightSum += other.logWeightSum;
    for (let j = 0; j < this.weighted.length; j++) {
      this.weighted[j]! += other.weighted[j]! * factor;
      this.plain[j]! += other.plain[j]!;
      this.linear[j]! += other.linear[j]!;
    }
  }

  clone(): MomentSums {
    const copy = new MomentSums(this.table);
    copy.merge(this);
    return copy;
  }

  /** Plain-data form (worker transfer, checkpoints). */
  toJSON(): { logShift: number; weightSum: number; weightSquareSum: number; count: number; logWeightSum: number; weighted: number[]; plain: number[]; linear: number[] } {
    return {
      logShift: this.logShift,
      weightSum: this.weightSum,
      weightSquareSum: this.weightSquareSum,
      count: this.count,
      logWeightSum: this.logWeightSum,
      weighted: Array.from(this.weighted),
      plain: Array.from(this.plain),
      linear: Array.from(this.linear),
    };
  }

  static fromJSON(table: MonomialTable, data: ReturnType<MomentSums['toJSON']>): MomentSums {
    const sums = new MomentSums(table);
    sums.logShift = data.logShift;
    sums.weightSum = data.weightSum;
    sums.weightSquareSum = data.weightSquareSum;
    sums.count = data.count;
    sums.logWeightSum = data.logWeightSum;
    sums.weighted.set(data.weighted);
    sums.plain.set(data.plain);
    sums.linear.set(data.linear);
    return sums;
  }
}
