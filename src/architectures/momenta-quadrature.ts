/**
 * Quadrature momenta (stratified-momenta.ts for the rule and why): neuron i sits at a fixed node of
 * a product rule for the momentum density and carries the node's weight in its amplitude factor,
 * A(p_i) sqrt(N W_i). Only the amplitudes and phases are random, so the draw takes nothing from the
 * random stream, and a neuron's "cell moment" is its node's value f_i^k cos(p_i.s).
 */
import { NnftError } from '../errors.js';
import { cellMomentCache, refuseBoxMass, type MomentumSetting, type MomentumStrategy, type QuadratureMomentum } from './momentum-strategy.js';
import { quadratureLayout, quadratureNodes } from './stratified-momenta.js';

export function quadratureMomenta(setting: MomentumSetting): MomentumStrategy {
  const { dimension, width, density } = setting;
  const layout = quadratureLayout(dimension, width);
  refuseBoxMass(setting);
  if (setting.cutoff === null) {
    throw new NnftError('E_SEMANTIC', 'quadrature momenta need a momentum cutoff', { hint: 'set momentumCutoff, or use momentumSampling "stratified"' });
  }
  // Per-neuron momentum and amplitude factor A(p_i) sqrt(N W_i) of the quadrature nodes.
  const nodes: QuadratureMomentum[] = quadratureNodes(dimension, width).map((node) => {
    const radius = density.radius(node.quantile);
    const across = radius * Math.sqrt(1 - node.polarCosine * node.polarCosine);
    return {
      components:
        dimension === 1
          ? [radius]
          : dimension === 2
            ? [radius * Math.cos(node.angle), radius * Math.sin(node.angle)]
            : [across * Math.cos(node.angle), across * Math.sin(node.angle), radius * node.polarCosine],
      factor: density.amplitudeFactor(radius) * Math.sqrt(width * node.weight),
    };
  });
  const cellMoments = cellMomentCache((order, s) => {
    // Fixed nodes: the "cell average" is the node's value, with the node weight in the amplitude.
    const out = new Float64Array(width);
    nodes.forEach(({ components, factor }, neuron) => {
      let dot = 0;
      for (let axis = 0; axis < components.length; axis++) dot += components[axis]! * s[axis]!;
      out[neuron] = factor ** order * Math.cos(dot);
    });
    return out;
  });
  return {
    sampling: 'quadrature',
    identicalNeurons: false,
    strata: layout,
    fixedMomenta: nodes,
    gaussianNodes: nodes,
    split: null,
    tilted: null,
    joint: null,
    description: { strata: layout },
    drawMomentum(_rng, neuron, momenta, offset) {
      const node = nodes[neuron]!;
      for (let axis = 0; axis < dimension; axis++) momenta[offset + axis] = node.components[axis]!;
      return node.factor;
    },
    cellMoments,
  };
}
