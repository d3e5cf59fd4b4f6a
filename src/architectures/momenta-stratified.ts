/**
 * Stratified momenta (stratified-momenta.ts for the layout and why): neuron i draws its momentum
 * uniformly inside its own cell of the density, a radial quantile slice and, in d = 2, an angle slice
 * of [0, pi). Every cell has probability 1/N, so the amplitude factor is A(p).
 *
 * The cell moments E_cell[A(p)^k cos(p.s)] are a product Gauss-Legendre rule in (w, theta) with the
 * radial quantile u = w^2: every radius law here starts like sqrt(u) in d = 2 (and like u in d = 1),
 * so the integrand is smooth in w where it is not in u. The rule's order grows with the phase spread
 * |s| times the cell's extent, which keeps the cell averages at ~1e-12.
 */
import { NnftError } from '../errors.js';
import { gaussLegendreRule } from '../numeric/gauss-legendre.js';
import type { Rng } from '../random/rng.js';
import { cellMomentCache, refuseBoxMass, type MomentumSetting, type MomentumStrategy } from './momentum-strategy.js';
import { cellOf, stratifiedLayout, type StratifiedLayout } from './stratified-momenta.js';

/** Nodes for an n-point rule to resolve a phase spread of `spread` radians (~1e-12; see interaction-grid.ts). */
function ruleOrder(spread: number): number {
  return Math.min(96, Math.max(4, Math.ceil(spread / 1.2) + 4));
}

interface CellGeometry {
  /** sqrt of the quantile at the slice edges. */
  readonly wLow: Float64Array;
  readonly wHigh: Float64Array;
  /** Largest radius of the slice (bounds the phase spread). */
  readonly radiusHigh: Float64Array;
  readonly radiusLow: Float64Array;
}

function cellGeometry(setting: MomentumSetting, layout: StratifiedLayout): CellGeometry {
  const radial = layout.radial;
  const wLow = new Float64Array(radial);
  const wHigh = new Float64Array(radial);
  const radiusLow = new Float64Array(radial);
  const radiusHigh = new Float64Array(radial);
  for (let slice = 0; slice < radial; slice++) {
    wLow[slice] = Math.sqrt(slice / radial);
    wHigh[slice] = Math.sqrt((slice + 1) / radial);
    radiusLow[slice] = slice === 0 ? 0 : setting.density.radius(slice / radial);
    radiusHigh[slice] = setting.density.radius(Math.min((slice + 1) / radial, 1 - 1e-15));
  }
  return { wLow, wHigh, radiusLow, radiusHigh };
}

/** E_cell[A(p)^order cos(p.s)] for every neuron (without sigma_a^order). */
function cellAverages(setting: MomentumSetting, layout: StratifiedLayout, geometry: CellGeometry, order: number, s: readonly number[]): Float64Array {
  const { density, width, dimension } = setting;
  const length = Math.hypot(...s);
  const out = new Float64Array(width);
  const sAngle = dimension === 2 ? Math.atan2(s[1]!, s[0]!) : 0;
  for (let neuron = 0; neuron < width; neuron++) {
    const { radialSlice, angularSlice } = cellOf(layout, neuron);
    if (setting.cutoff === null && neuron === width - 1) break;
    const wa = geometry.wLow[radialSlice]!;
    const wb = geometry.wHigh[radialSlice]!;
    const radialRule = gaussLegendreRule(ruleOrder(length * (geometry.radiusHigh[radialSlice]! - geometry.radiusLow[radialSlice]!)));
    const thetaA = (Math.PI * angularSlice) / layout.angular;
    const thetaB = (Math.PI * (angularSlice + 1)) / layout.angular;
    const angularRule = dimension === 2 ? gaussLegendreRule(ruleOrder(length * geometry.radiusHigh[radialSlice]! * (thetaB - thetaA))) : null;
    const wHalf = 0.5 * (wb - wa);
    const wMid = 0.5 * (wb + wa);
    let total = 0;
    for (let a = 0; a < radialRule.nodes.length; a++) {
      const w = wMid + wHalf * radialRule.nodes[a]!;
      const radius = density.radius(w * w);
      // du = 2 w dw over a slice of quantile width 1/radial.
      const radialWeight = radialRule.weights[a]! * wHalf * 2 * w * layout.radial;
      const amplitude = density.amplitudeFactor(radius) ** order;
      if (!angularRule) {
        total += radialWeight * amplitude * Math.cos(radius * length);
        continue;
      }
      let angular = 0;
      const tHalf = 0.5 * (thetaB - thetaA);
      const tMid = 0.5 * (thetaB + thetaA);
      for (let b = 0; b < angularRule.nodes.length; b++) {
        const theta = tMid + tHalf * angularRule.nodes[b]!;
        angular += angularRule.weights[b]! * Math.cos(radius * length * Math.cos(theta - sAngle));
      }
      total += radialWeight * amplitude * angular * 0.5; // mean over [thetaA, thetaB]: weights sum to 2
    }
    out[neuron] = total;
  }
  if (setting.cutoff === null) {
    // d = 1 without a cutoff: the outermost slice reaches |p| = infinity, where no rule converges. Its
    // average is the complement: the slices average to the full density's, known in closed form.
    const outer = width - 1;
    let others = 0;
    for (let neuron = 0; neuron < outer; neuron++) others += out[neuron]!;
    out[outer] = width * setting.densityMoment(order, length) - others;
  }
  return out;
}

export function stratifiedMomenta(setting: MomentumSetting): MomentumStrategy {
  const { dimension, width, density } = setting;
  const layout = stratifiedLayout(dimension, width);
  refuseBoxMass(setting);
  let geometry: CellGeometry | null = null;
  const cached = cellMomentCache((order, s) => cellAverages(setting, layout, (geometry ??= cellGeometry(setting, layout)), order, s));
  return {
    sampling: 'stratified',
    identicalNeurons: false,
    strata: layout,
    fixedMomenta: null,
    gaussianNodes: null,
    split: null,
    tilted: null,
    joint: null,
    description: { strata: layout },
    drawMomentum(rng: Rng, neuron: number, momenta: Float64Array, offset: number): number {
      // Uniform inside the neuron's cell: radial quantile slice, then (d = 2) angle slice of [0, pi).
      const { radialSlice, angularSlice } = cellOf(layout, neuron);
      const radius = density.radius((radialSlice + rng.uniformOpen()) / layout.radial);
      if (dimension === 1) {
        momenta[offset] = radius * (rng.uniform() < 0.5 ? -1 : 1);
      } else {
        const angle = (Math.PI * (angularSlice + rng.uniform())) / layout.angular;
        momenta[offset] = radius * Math.cos(angle);
        momenta[offset + 1] = radius * Math.sin(angle);
      }
      return density.amplitudeFactor(radius);
    },
    cellMoments(order, s) {
      if (setting.cutoff === null && dimension !== 1) {
        throw new NnftError('E_UNSUPPORTED', 'stratified momenta without a momentum cutoff exist only in d = 1', { hint: 'set a momentum cutoff' });
      }
      return cached(order, s);
    },
  };
}
