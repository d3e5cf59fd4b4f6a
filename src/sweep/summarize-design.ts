/**
 * Key results of a design run for sweep summaries: status, chi^2/dof, width, ESS, the relative error
 * per connected order, fitted parameters, and
 * every connected correlator as achieved ± stderr next to its target ± stderr. Point runners may
 * return this (or their own record); the sweep runner also uses it to rebuild a missing row from a
 * finished point's result.json.
 */
import type { CorrelatorBlock, CorrelatorResult } from '../io/result.js';

export interface CorrelatorSummary {
  value: number;
  stderr: number;
  target?: number;
  targetStderr?: number;
}

/** "Gc2(0,1)", "Gc4(0,0,1,1)": connected correlator of the tuple's points. */
export function correlatorKey(order: number, indices: readonly number[]): string {
  return `Gc${order}(${indices.join(',')})`;
}

/** Parse a correlator key back into order and tuple; null for other names. */
export function parseCorrelatorKey(key: string): { order: number; indices: number[] } | null {
  const match = /^Gc(\d+)\(([\d,]*)\)$/.exec(key);
  if (!match) return null;
  return { order: Number(match[1]), indices: match[2] ? match[2].split(',').map(Number) : [] };
}

function blocks(result: unknown): CorrelatorBlock[] {
  const correlators = (result as CorrelatorResult | undefined)?.correlators;
  return Array.isArray(correlators) ? correlators : [];
}

function finiteNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function summarizeDesignResult(result: CorrelatorResult): Record<string, unknown> {
  const summary: Record<string, unknown> = {};
  for (const key of ['status', 'converged', 'chiSquaredPerDof', 'relativeError', 'width', 'ensembleSize', 'ess', 'steps', 'backend', 'seed']) {
    const value = result[key];
    if (value !== undefined && (typeof value !== 'object' || value === null)) summary[key] = value;
  }
  // The design's per-order relative error (comparison.orders[].relativeError), keyed by order.
  const orders = (result.comparison as { orders?: unknown } | undefined)?.orders;
  if (Array.isArray(orders)) {
    const relativeErrors: Record<string, number> = {};
    for (const entry of orders as { order?: unknown; relativeError?: unknown }[]) {
      const value = finiteNumber(entry.relativeError);
      if (typeof entry.order === 'number' && value !== undefined) relativeErrors[String(entry.order)] = value;
    }
    if (Object.keys(relativeErrors).length) summary.relativeErrors = relativeErrors;
    // chi^2/dof of the validation against the target over every order, when the result has no total.
    if (summary.chiSquaredPerDof === undefined) {
      let chiSquared = 0;
      let degreesOfFreedom = 0;
      for (const entry of orders as { chiSquared?: unknown; degreesOfFreedom?: unknown }[]) {
        const chi = finiteNumber(entry.chiSquared);
        const dof = finiteNumber(entry.degreesOfFreedom);
        if (chi === undefined || dof === undefined || dof <= 0) continue;
        chiSquared += chi;
        degreesOfFreedom += dof;
      }
      if (degreesOfFreedom > 0) summary.chiSquaredPerDof = chiSquared / degreesOfFreedom;
    }
  }
  const parameters = result.parameters;
  if (parameters && typeof parameters === 'object') {
    const numeric: Record<string, number> = {};
    for (const [name, value] of Object.entries(parameters as Record<string, unknown>)) {
      const number = finiteNumber(value);
      if (number !== undefined) numeric[name] = number;
    }
    summary.parameters = numeric;
  }
  const achievedBlocks = blocks(result.achieved).length ? blocks(result.achieved) : blocks(result);
  const targetBlocks = blocks(result.target);
  const correlators: Record<string, CorrelatorSummary> = {};
  for (const block of achievedBlocks) {
    const targetBlock = targetBlocks.find((candidate) => candidate.order === block.order);
    block.indices.forEach((indices, k) => {
      const entry: CorrelatorSummary = { value: block.values[k]!, stderr: block.stderr[k] ?? 0 };
      if (targetBlock) {
        const position = targetBlock.indices.findIndex((tuple) => tuple.length === indices.length && tuple.every((value, i) => value === indices[i]));
        if (position >= 0) {
          entry.target = targetBlock.values[position]!;
          entry.targetStderr = targetBlock.stderr[position] ?? 0;
        }
      }
      correlators[correlatorKey(block.order, indices)] = entry;
    });
  }
  summary.correlators = correlators;
  return summary;
}
