/**
 * The target's exact connected 2-point function as a curve over the separation, for the report's
 * G_c2 plot: a run stores its target only at its own points, so the report recomputes the target on
 * a fine grid with the method the run used, where that method is exact and cheap:
 *
 *   - free theories (method free): the free propagator G(r) (closed form, or its quadrature with a
 *     cutoff), in any dimension;
 *   - d = 1 in infinite volume (method spectral): the spectral solver at the grid's times, which is
 *     the same computation the run's target came from, at more points (~0.1 s).
 *
 * The theory is read back from the run's config.json (config.target). The curve is only drawn when it
 * reproduces every stored target value at the run's own separations (within 10 of their stated
 * numerical errors, or 1e-9 of the scale): a changed target file, solver options the digest does not
 * hold, or anything else that would make the curve a different theory leaves it out, with a note. A
 * theory whose interaction acts in a box is not translation invariant, so G_c2 is no function of the
 * separation alone and no curve is drawn either.
 */
import type { CorrelatorBlock, CorrelatorResult } from '../io/result.js';
import { computeSpectral, freePropagator } from '../correlators/index.js';
import type { Dimension, Theory } from '../theory/theory.js';

export interface CurvePoint {
  x: number;
  y: number;
}

export interface ExactCurve {
  /** G_c2 against the separation on a fine grid (the run's own separations included). */
  points: CurvePoint[];
  /** The same on the regular grid alone (for derivatives: no uneven steps between close points). */
  grid: CurvePoint[];
  /** How the curve was computed, for the caption. */
  source: string;
  /** Stored target values it reproduces, and the largest difference to them. */
  checked: number;
  maxDifference: number;
  /** The mass the correlator decays with at large separation (mass gap, or m of a free theory). */
  decayMass: number | null;
}

export interface ExactCurveOutcome {
  curve: ExactCurve | null;
  /** Why there is no curve, when there is none. */
  note: string | null;
}

const GRID_POINTS = 96;

function distance(a: readonly number[] | undefined, b: readonly number[] | undefined): number {
  if (!a || !b) return NaN;
  return Math.sqrt(a.reduce((sum, value, k) => sum + (value - (b[k] ?? 0)) ** 2, 0));
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The theory digest a design run stores in config.json, as a Theory the solvers accept, or null. */
function theoryFrom(digest: unknown): Theory | null {
  if (!isRecord(digest)) return null;
  const { dimension, mass, interactions, momentumCutoff, interactionRegion } = digest;
  if (![1, 2, 3, 4].includes(dimension as number) || typeof mass !== 'number' || !(mass > 0) || !Array.isArray(interactions)) return null;
  if (momentumCutoff !== null && !(typeof momentumCutoff === 'number' && momentumCutoff > 0)) return null;
  for (const term of interactions) {
    if (!isRecord(term) || typeof term.coupling !== 'number' || !Number.isFinite(term.coupling)) return null;
    if (term.kind === 'local' && !(Number.isInteger(term.power) && typeof term.wickOrdered === 'boolean')) return null;
  }
  if (interactionRegion !== null && interactionRegion !== undefined && !(isRecord(interactionRegion) && typeof interactionRegion.side === 'number')) return null;
  return {
    name: typeof digest.name === 'string' ? digest.name : 'target',
    description: '',
    dimension: dimension as Dimension,
    mass,
    interactions: interactions as Theory['interactions'],
    momentumCutoff: momentumCutoff as number | null,
    interactionRegion: (interactionRegion ?? null) as Theory['interactionRegion'],
    points: [],
    connectedOrders: [2],
    targetCorrelators: { method: 'spectral', options: {} },
    source: { file: null, sha256: null },
  };
}

/** The run's target result: the design's nested target, or a target-correlators result itself. */
export function targetResultOf(result: CorrelatorResult): CorrelatorResult | null {
  if (isRecord(result.target) && Array.isArray((result.target as CorrelatorResult).correlators)) return result.target as CorrelatorResult;
  return result.kind === 'target-correlators' ? result : null;
}

/** G_c2 at each separation by the method that made the target, or a reason why not. */
function evaluator(theory: Theory, method: string): { evaluate: (separations: number[]) => number[]; source: string; decayMass: (values: number[]) => number | null } | string {
  const free = theory.interactions.every((term) => term.coupling === 0);
  if (free && (method === 'free' || method === 'perturbative' || method === 'spectral')) {
    return {
      evaluate: (separations) => separations.map((r) => freePropagator(theory.dimension, theory.mass, theory.momentumCutoff, r)),
      source: `free propagator, d = ${theory.dimension}, m = ${theory.mass}${theory.momentumCutoff === null ? '' : `, cutoff ${theory.momentumCutoff}`}`,
      decayMass: () => (theory.momentumCutoff === null ? theory.mass : null),
    };
  }
  if (method !== 'spectral') {
    return `the target's method (${method}) gives values only at the run's points, so no exact curve is drawn between them`;
  }
  if (theory.dimension !== 1) return 'the spectral method is d = 1 only';
  if (theory.interactionRegion) return 'the interaction acts in a box, so G_c2 is no function of the separation alone and no curve is drawn';
  let gap: number | null = null;
  return {
    evaluate: (separations) => {
      const spectral = computeSpectral({ ...theory, points: [[0], ...separations.map((r) => [r])] });
      gap = spectral.massGap;
      const block = spectral.correlators.find((entry) => entry.order === 2)!;
      const byPair = new Map(block.indices.map((tuple, k) => [tuple.join(','), block.values[k]!]));
      return separations.map((_, k) => byPair.get(`0,${k + 1}`)!);
    },
    source: 'spectral method (exact diagonalisation of the Hamiltonian), recomputed at every grid separation',
    decayMass: () => gap,
  };
}

export function exactTwoPointCurve(result: CorrelatorResult, config: Record<string, unknown> | null): ExactCurveOutcome {
  const target = targetResultOf(result);
  const block: CorrelatorBlock | undefined = target?.correlators.find((entry) => entry.order === 2);
  if (!target || !block) return { curve: null, note: null };
  const method = typeof target.method === 'string' ? target.method : 'unknown';
  const theory = theoryFrom(config?.target);
  if (!theory) return { curve: null, note: 'No exact G_c2 curve: config.json does not hold the target theory (config.target), so it cannot be recomputed between the points.' };
  const found = evaluator(theory, method);
  if (typeof found === 'string') return { curve: null, note: `No exact G_c2 curve: ${found}.` };
  const points = Array.isArray(target.points) ? target.points : [];
  const stored = block.indices.map((tuple, k) => ({ r: distance(points[tuple[0]!], points[tuple[1]!]), value: block.values[k]!, error: block.stderr[k] ?? 0 }));
  if (stored.some((entry) => !Number.isFinite(entry.r))) return { curve: null, note: 'No exact G_c2 curve: the target names points it does not list.' };
  const own = [...new Set(stored.map((entry) => entry.r))];
  const largest = Math.max(...own);
  const span = largest > 0 ? largest * 1.08 : 2 / theory.mass;
  // The free propagator diverges at r = 0 in d >= 2 without a cutoff: start the grid just off it.
  const start = theory.dimension >= 2 && theory.momentumCutoff === null ? Math.min(...own.filter((r) => r > 0), span) / 8 : 0;
  const grid = Array.from({ length: GRID_POINTS + 1 }, (_, k) => start + ((span - start) * k) / GRID_POINTS);
  const separations = [...new Set([...grid, ...own.filter((r) => r >= start)])].sort((a, b) => a - b);
  let values: number[];
  try {
    values = found.evaluate(separations);
  } catch (error) {
    return { curve: null, note: `No exact G_c2 curve: recomputing the target on a grid failed (${error instanceof Error ? error.message : String(error)}).` };
  }
  const at = new Map(separations.map((r, k) => [r, values[k]!]));
  const scale = Math.max(...stored.map((entry) => Math.abs(entry.value)));
  let maxDifference = 0;
  let checked = 0;
  for (const entry of stored) {
    const value = at.get(entry.r);
    if (value === undefined) continue;
    const difference = Math.abs(value - entry.value);
    maxDifference = Math.max(maxDifference, difference);
    checked++;
    if (!(difference <= Math.max(10 * entry.error, 1e-9 * scale))) {
      return {
        curve: null,
        note: `No exact G_c2 curve: recomputed from config.json's theory (${found.source}) it gives ${value} at separation ${entry.r}, where the run's target has ${entry.value} ± ${entry.error}; the stored target was made differently (another target file or solver options), so the curve is not drawn.`,
      };
    }
  }
  const curve = separations.map((r, k) => ({ x: r, y: values[k]! })).filter((point) => Number.isFinite(point.y));
  const regular = grid.flatMap((r) => (Number.isFinite(at.get(r)) ? [{ x: r, y: at.get(r)! }] : []));
  return { curve: { points: curve, grid: regular, source: found.source, checked, maxDifference, decayMass: found.decayMass(values) }, note: null };
}

/** -d ln G / dr of a curve by central differences (one-sided at the ends), where G > 0. */
export function effectiveMassCurve(points: readonly CurvePoint[]): CurvePoint[] {
  const positive = points.filter((point) => point.y > 0);
  const out: CurvePoint[] = [];
  for (let k = 0; k < positive.length; k++) {
    const before = positive[Math.max(0, k - 1)]!;
    const after = positive[Math.min(positive.length - 1, k + 1)]!;
    if (after.x === before.x) continue;
    out.push({ x: positive[k]!.x, y: -(Math.log(after.y) - Math.log(before.y)) / (after.x - before.x) });
  }
  return out;
}
