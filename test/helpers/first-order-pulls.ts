/**
 * The ensemble oracle of the first-order control variate: per chunk of the pipeline's own draws,
 * Z_j = mean((h - E h) O_j) - Cov_0(h, O_j) and mean(h) - E h scatter around zero exactly when the
 * closed form (estimators/linear-response.ts) is the ensemble's. Returns |mean| / stderr over chunks
 * for every monomial (and, last, for mean(h)), and how many covariances are resolved beyond 10 errors.
 */
import { accumulateChunk, exactMomentTable, monomialTables, type AccumulationSetup } from '../../src/ensemble/estimate-ensemble.js';
import { linearResponse, type LinearResponse } from '../../src/estimators/linear-response.js';
import type { MomentSums } from '../../src/estimators/moment-sums.js';

export interface FirstOrderPulls {
  readonly pulls: number[];
  readonly resolved: number;
}

/** The chunk sums of a setup with one point set (drawn once, reusable against several closed forms). */
export async function chunkSums(setup: AccumulationSetup): Promise<MomentSums[]> {
  const [table] = monomialTables(setup);
  const sums: MomentSums[] = [];
  for (let chunk = 0; chunk < setup.plan.chunkCount; chunk++) sums.push((await accumulateChunk(setup, [table!], chunk))[0]!);
  return sums;
}

/** The exact response of the setup's architecture and deformation at its point set. */
export function closedFormResponse(setup: AccumulationSetup): LinearResponse {
  const [table] = monomialTables(setup);
  const points = setup.pointSets[0]!;
  const response = linearResponse(setup.architecture.gaussianModes!, setup.deformation!.localLogWeight()!, table!, points, exactMomentTable(setup.architecture, table!, points));
  if (!response) throw new Error('no linear response for this setup');
  return response;
}

export function firstOrderPulls(sums: readonly MomentSums[], response: LinearResponse): FirstOrderPulls {
  const J = response.covariance.length;
  const perChunk: number[][] = Array.from({ length: J + 1 }, () => []);
  for (const chunk of sums) {
    const count = chunk.count;
    perChunk[J]!.push(chunk.logWeightSum / count - response.meanLogWeight);
    for (let j = 0; j < J; j++) perChunk[j]!.push(chunk.linear[j]! / count - (response.meanLogWeight * chunk.plain[j]!) / count - response.covariance[j]!);
  }
  let resolved = 0;
  const pulls = perChunk.map((list, j) => {
    const mean = list.reduce((sum, value) => sum + value, 0) / list.length;
    const error = Math.sqrt(list.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (list.length - 1) / list.length);
    if (j < J && Math.abs(response.covariance[j]!) > 10 * error) resolved++;
    return Math.abs(mean) / error;
  });
  return { pulls, resolved };
}
