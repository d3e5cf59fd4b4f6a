/**
 * Split momenta (split-momenta.ts for the layout and why): d = 1 without a cutoff, the neurons below
 * the split momentum on fixed midpoint nodes, the others uniform in quantile inside equal cells of the
 * rest. With a box mass (box-mass.ts) the fixed nodes' amplitudes and phases are drawn jointly from
 * the tilted Gaussian law, per network, before the cells.
 *
 * Cell moments: each low neuron's node value, each high neuron's cell average times factor^k; the
 * outermost cell reaches |p| = infinity and takes the complement of the full density's closed form
 * less the exact integral below it.
 */
import { NnftError } from '../errors.js';
import { integrateGaussLegendre } from '../numeric/gauss-legendre.js';
import type { Rng } from '../random/rng.js';
import type { AlphaMomentumDensity } from './alpha-momentum-density.js';
import { drawTilted, tiltedCovariance, tiltNodes, type TiltedNodes } from './box-mass.js';
import { cellMomentCache, refuseBoxMass, type JointNeurons, type MomentumSetting, type MomentumStrategy } from './momentum-strategy.js';
import { splitLayout, type SplitLayout } from './split-momenta.js';
import { stratifiedLayout } from './stratified-momenta.js';

/**
 * int_{uLow}^{uHigh} A(p(u))^order cos(p(u) s) du in d = 1: 16-node Gauss-Legendre in u on panels of
 * equal momentum width, so that the phase spread per panel is at most 8 radians (~1e-12, see
 * interaction-grid.ts); the panel edges in u are the radial CDF at the momentum edges. The variable
 * stays u (not p): a wide cell's density varies by orders of magnitude in p, its amplitude smoothly in u.
 */
function quantileIntegral(density: AlphaMomentumDensity, uLow: number, uHigh: number, order: number, separation: number): number {
  const rLow = density.radius(uLow);
  const rHigh = density.radius(uHigh);
  const panels = Math.max(1, Math.ceil(((rHigh - rLow) * separation) / 8));
  const integrand = (u: number) => {
    const radius = density.radius(u);
    return density.amplitudeFactor(radius) ** order * Math.cos(radius * separation);
  };
  let total = 0;
  let a = uLow;
  for (let panel = 0; panel < panels; panel++) {
    const b = panel === panels - 1 ? uHigh : density.cdf(rLow + ((panel + 1) * (rHigh - rLow)) / panels);
    total += integrateGaussLegendre(integrand, a, b, 16);
    a = b;
  }
  return total;
}

function splitCellMoments(setting: MomentumSetting, split: SplitLayout, order: number, separation: number): Float64Array {
  const out = new Float64Array(setting.width);
  const lowCount = split.nodes.length;
  split.nodes.forEach((node, neuron) => {
    out[neuron] = node.factor ** order * Math.cos(node.components[0]! * separation);
  });
  // int over [0, u_P) of the density (not the nodes), then the high cells but the last.
  let below = quantileIntegral(setting.density, 0, split.splitQuantile, order, separation);
  const last = split.cells.length - 1;
  split.cells.forEach((cell, k) => {
    if (k === last) return;
    const integral = quantileIntegral(setting.density, cell.uLow, cell.uHigh, order, separation);
    below += integral;
    out[lowCount + k] = cell.factor ** order * (integral / (cell.uHigh - cell.uLow));
  });
  const outer = split.cells[last]!;
  out[lowCount + last] = outer.factor ** order * ((setting.densityMoment(order, separation) - below) / (outer.uHigh - outer.uLow));
  return out;
}

/** The tilted nodes as joint neurons: their normals from the stream, all at once, per network. */
function tiltedNeurons(tilted: TiltedNodes): JointNeurons {
  const normals = new Float64Array(2 * tilted.size);
  const amplitudes = new Float64Array(tilted.size);
  const phases = new Float64Array(tilted.size);
  return {
    size: tilted.size,
    draw(rng: Rng, momenta: Float64Array, phaseOut: Float64Array, coefficients: Float64Array, firstSlot: number): void {
      for (let k = 0; k < normals.length; k++) normals[k] = rng.normal();
      drawTilted(tilted, normals, amplitudes, phases);
      for (let neuron = 0; neuron < tilted.size; neuron++) {
        momenta[firstSlot + neuron] = tilted.momenta[neuron]!;
        phaseOut[firstSlot + neuron] = phases[neuron]!;
        coefficients[firstSlot + neuron] = amplitudes[neuron]!;
      }
    },
    covariance: (x, y) => tiltedCovariance(tilted, x[0]!, y[0]!),
  };
}

export function splitMomenta(setting: MomentumSetting): MomentumStrategy {
  const { dimension, width, density, cutoff } = setting;
  const layout = stratifiedLayout(dimension, width);
  if (dimension !== 1 || cutoff !== null) {
    throw new NnftError('E_SEMANTIC', `split momenta exist in d = 1 without a momentum cutoff (got d = ${dimension}${cutoff !== null ? `, cutoff ${cutoff}` : ''})`, {
      hint: cutoff !== null ? 'with a cutoff use momentumSampling "quadrature"' : 'use momentumSampling "quadrature" or "independent"',
    });
  }
  if (setting.splitMomentum === null) throw new NnftError('E_SEMANTIC', 'split momenta need splitMomentum (the momentum below which neurons sit on fixed nodes)');
  const split = splitLayout(width, setting.splitMomentum, density);
  if (!setting.gaussianPairs) refuseBoxMass(setting);
  // Unit-scale E[b^2] of a node is (factor / sqrt N)^2 (E[t^2] = 1).
  const tilted = setting.boxMass ? tiltNodes(split.nodes.map((node) => node.components[0]!), split.nodes.map((node) => node.factor ** 2 / width), setting.boxMass) : null;
  const lowCount = split.nodes.length;
  return {
    sampling: 'split',
    identicalNeurons: false,
    strata: layout,
    fixedMomenta: null,
    gaussianNodes: split.nodes,
    split,
    tilted,
    joint: tilted ? tiltedNeurons(tilted) : null,
    description: { split: { splitMomentum: split.splitMomentum, splitQuantile: split.splitQuantile, fixedNodes: split.nodes.length, stratifiedCells: split.cells.length } },
    drawMomentum(rng: Rng, neuron: number, momenta: Float64Array, offset: number): number {
      // Low neurons on their fixed nodes, high neurons uniform in quantile inside their cell.
      if (neuron < lowCount) {
        momenta[offset] = split.nodes[neuron]!.components[0]!;
        return split.nodes[neuron]!.factor;
      }
      const cell = split.cells[neuron - lowCount]!;
      let radius = density.radius(cell.uLow + (cell.uHigh - cell.uLow) * rng.uniformOpen());
      const factor = cell.factor * density.amplitudeFactor(radius);
      if (rng.uniform() < 0.5) radius = -radius;
      momenta[offset] = radius;
      return factor;
    },
    cellMoments: cellMomentCache((order, s) => splitCellMoments(setting, split, order, Math.abs(s[0]!))),
  };
}
