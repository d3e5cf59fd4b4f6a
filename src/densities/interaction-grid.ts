/**
 * Quadrature over the interaction region V = [-L/2, L/2]^d as a product grid (architectures/
 * product-grid.ts): composite Gauss-Legendre along every axis. The default resolution integrates
 * e^{iKx} to ~1e-12 for every frequency K up to the integrand's largest, n * Lambda for phi^n
 * (an n-point Gauss rule is that accurate on a panel of width H while K H / 2 <= 0.6 n).
 * In d = 1 the offsets are panel starts and the nodes one panel's Gauss nodes; in d >= 2 the offsets
 * run along the first axis and the nodes over the other axes.
 */
import { NnftError } from '../errors.js';
import { gaussLegendreRule } from '../numeric/gauss-legendre.js';
import type { ProductGrid } from '../architectures/product-grid.js';

export interface GridResolution {
  /** Panels per axis. */
  readonly panels: number;
  /** Gauss-Legendre nodes per panel. */
  readonly nodesPerPanel: number;
}

/** Panels needed so that an n-node rule resolves frequencies up to maxFrequency over a side L. */
export function defaultResolution(side: number, maxFrequency: number, nodesPerPanel = 16): GridResolution {
  const panelWidth = (2 * 0.6 * nodesPerPanel) / maxFrequency;
  return { panels: Math.max(1, Math.ceil(side / panelWidth)), nodesPerPanel };
}

/** Composite Gauss-Legendre points and weights on [-L/2, L/2]. */
function axisRule(side: number, resolution: GridResolution): { points: Float64Array; weights: Float64Array; panelStarts: Float64Array; localNodes: Float64Array; localWeights: Float64Array } {
  const rule = gaussLegendreRule(resolution.nodesPerPanel);
  const width = side / resolution.panels;
  const localNodes = new Float64Array(resolution.nodesPerPanel);
  const localWeights = new Float64Array(resolution.nodesPerPanel);
  for (let k = 0; k < resolution.nodesPerPanel; k++) {
    localNodes[k] = 0.5 * width * (rule.nodes[k]! + 1);
    localWeights[k] = 0.5 * width * rule.weights[k]!;
  }
  const panelStarts = new Float64Array(resolution.panels);
  const points = new Float64Array(resolution.panels * resolution.nodesPerPanel);
  const weights = new Float64Array(points.length);
  for (let panel = 0; panel < resolution.panels; panel++) {
    panelStarts[panel] = -side / 2 + panel * width;
    for (let k = 0; k < resolution.nodesPerPanel; k++) {
      points[panel * resolution.nodesPerPanel + k] = panelStarts[panel]! + localNodes[k]!;
      weights[panel * resolution.nodesPerPanel + k] = localWeights[k]!;
    }
  }
  return { points, weights, panelStarts, localNodes, localWeights };
}

export function boxGrid(dimension: number, side: number, resolution: GridResolution): ProductGrid {
  if (!(side > 0)) throw new NnftError('E_SEMANTIC', `interaction region side must be positive, got ${side}`);
  const axis = axisRule(side, resolution);
  if (dimension === 1) {
    const weights = new Float64Array(resolution.panels * resolution.nodesPerPanel);
    for (let a = 0; a < resolution.panels; a++) weights.set(axis.localWeights, a * resolution.nodesPerPanel);
    return { dimension, offsets: axis.panelStarts, nodes: axis.localNodes, offsetCount: resolution.panels, nodeCount: resolution.nodesPerPanel, weights };
  }
  const perAxis = axis.points.length;
  const nodeCount = perAxis ** (dimension - 1);
  const offsets = new Float64Array(perAxis * dimension);
  for (let a = 0; a < perAxis; a++) offsets[a * dimension] = axis.points[a]!;
  const nodes = new Float64Array(nodeCount * dimension);
  const nodeWeights = new Float64Array(nodeCount);
  for (let b = 0; b < nodeCount; b++) {
    let rest = b;
    let weight = 1;
    for (let k = dimension - 1; k >= 1; k--) {
      const index = rest % perAxis;
      rest = Math.floor(rest / perAxis);
      nodes[b * dimension + k] = axis.points[index]!;
      weight *= axis.weights[index]!;
    }
    nodeWeights[b] = weight;
  }
  const weights = new Float64Array(perAxis * nodeCount);
  for (let a = 0; a < perAxis; a++) for (let b = 0; b < nodeCount; b++) weights[a * nodeCount + b] = axis.weights[a]! * nodeWeights[b]!;
  return { dimension, offsets, nodes, offsetCount: perAxis, nodeCount, weights };
}
