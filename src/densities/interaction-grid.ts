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

/**
 * Largest phase K H / 2 per node for which one n-node Gauss-Legendre panel of width H integrates
 * cos(K x) to 1e-12 of the panel width, measured (numpy leggauss, scanning K) for n = 8 ... 64. The
 * ratio grows with n: long panels of many nodes resolve a frequency with fewer nodes in all.
 */
const PANEL_PHASE_PER_NODE: readonly (readonly [number, number])[] = [
  [16, 0.684], [20, 0.814], [24, 0.916], [28, 0.999], [32, 1.068], [40, 1.176], [48, 1.257], [64, 1.373],
];
/** The safety margin defaultResolution keeps at 16 nodes (0.6 of the measured 0.684). */
const PANEL_MARGIN = 0.6 / 0.684;

/**
 * The grid resolution for a d-dimensional region: defaultResolution in d <= 2 (d = 1 wants many
 * short panels, whose starts are the product grid's offsets), and in d = 3 the fewest nodes per axis
 * at the same ~1e-12 per frequency, because the grid has (nodes per axis)^3 points and the field on
 * it is the cost of a d = 3 deformation (side 3, 4 Lambda = 24: 5 panels of 16 = 80 per axis and
 * 512,000 points before, one panel of 40 and 64,000 points now).
 */
export function gridResolution(dimension: number, side: number, maxFrequency: number): GridResolution {
  if (dimension <= 2) return defaultResolution(side, maxFrequency);
  let best: GridResolution = defaultResolution(side, maxFrequency);
  for (const [nodesPerPanel, ratio] of PANEL_PHASE_PER_NODE) {
    const panelWidth = (2 * PANEL_MARGIN * ratio * nodesPerPanel) / maxFrequency;
    const panels = Math.max(1, Math.ceil(side / panelWidth));
    if (panels * nodesPerPanel < best.panels * best.nodesPerPanel) best = { panels, nodesPerPanel };
  }
  return best;
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

/**
 * Most grid points an interaction grid may have. The field on the grid is a [networks, points]
 * tensor (several alive at once), so with the 16 Mi-float chunk bound of ensemble/chunk-plan.ts a
 * grid of 4 Mi points still leaves four networks per chunk; beyond it the wasm heap (4 GB) overflows
 * or the typed arrays cannot even be allocated (docs/ensemble.md, "Memory and range guards").
 */
export const MAX_GRID_POINTS = 4 * 1024 * 1024;

/** Refuse, before allocating anything, a grid with more than MAX_GRID_POINTS points. */
export function checkGridSize(dimension: number, side: number, resolution: GridResolution): number {
  const perAxis = resolution.panels * resolution.nodesPerPanel;
  const points = perAxis ** dimension;
  if (!Number.isSafeInteger(resolution.panels) || !Number.isSafeInteger(resolution.nodesPerPanel) || !(points <= MAX_GRID_POINTS)) {
    throw new NnftError('E_RESOURCE', `the interaction grid would have ${points.toPrecision(3)} points (${perAxis.toPrecision(3)} per axis in d = ${dimension}, region side ${side.toPrecision(3)}); the limit is ${MAX_GRID_POINTS}`, {
      hint: 'shrink the interaction region (regulator.interactionRegion.side; without one the region grows with the correlation length 1/m, so a tiny mass needs an explicit region) or lower the momentum cutoff',
    });
  }
  return points;
}

export function boxGrid(dimension: number, side: number, resolution: GridResolution): ProductGrid {
  if (!(side > 0) || !Number.isFinite(side)) throw new NnftError('E_SEMANTIC', `interaction region side must be positive and finite, got ${side}`);
  checkGridSize(dimension, side, resolution);
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

/** The lattice an interaction lives on: spacing a and sites L per direction (periodic). */
export interface LatticeSites {
  readonly spacing: number;
  readonly sites: number;
}

/**
 * Every site of the periodic lattice (a Z)^d / (L a Z)^d, at x_mu = n_mu a with n_mu = -L/2 .. L/2 - 1
 * (the target's cell, docs/target-format.md), each with the weight a^d: a sum over the grid is the
 * lattice action's a^d sum_x (docs/ensemble.md, "Deformations on a lattice"). As a product grid: in
 * d = 1 the offsets are the starts of blocks of about sqrt(L) sites and the nodes the sites of one
 * block; in d >= 2 the offsets run along the first axis and the nodes over the other axes.
 */
export function latticeGrid(dimension: number, lattice: LatticeSites): ProductGrid {
  const { spacing, sites } = lattice;
  if (!(spacing > 0) || !Number.isFinite(spacing)) throw new NnftError('E_SEMANTIC', `lattice spacing must be positive and finite, got ${spacing}`);
  if (!Number.isInteger(sites) || sites < 2) throw new NnftError('E_SEMANTIC', `lattice sites must be an integer >= 2, got ${sites}`);
  const total = sites ** dimension;
  if (!(total <= MAX_GRID_POINTS)) {
    throw new NnftError('E_RESOURCE', `the lattice interaction would sum over ${sites}^${dimension} = ${total} sites; the limit is ${MAX_GRID_POINTS}`, { hint: 'use fewer sites per direction' });
  }
  const weight = spacing ** dimension;
  const first = -sites / 2;
  if (dimension === 1) {
    // blocks of `block` sites (a divisor of L), so the grid pass evaluates trig functions on ~2 sqrt(L) points
    let block = 1;
    for (let candidate = 1; candidate <= sites; candidate++) if (sites % candidate === 0 && candidate * candidate <= sites) block = candidate;
    const blocks = sites / block;
    const offsets = Float64Array.from({ length: blocks }, (_, b) => (first + b * block) * spacing);
    const nodes = Float64Array.from({ length: block }, (_, k) => k * spacing);
    return { dimension, offsets, nodes, offsetCount: blocks, nodeCount: block, weights: new Float64Array(total).fill(weight) };
  }
  const nodeCount = sites ** (dimension - 1);
  const offsets = new Float64Array(sites * dimension);
  for (let n = 0; n < sites; n++) offsets[n * dimension] = (first + n) * spacing;
  const nodes = new Float64Array(nodeCount * dimension);
  for (let b = 0; b < nodeCount; b++) {
    let rest = b;
    for (let axis = dimension - 1; axis >= 1; axis--) {
      nodes[b * dimension + axis] = (first + (rest % sites)) * spacing;
      rest = Math.floor(rest / sites);
    }
  }
  return { dimension, offsets, nodes, offsetCount: sites, nodeCount, weights: new Float64Array(total).fill(weight) };
}
