/**
 * The observables `nnft observables` reports for a parsed result: the time-slice correlators C(t),
 * the file's own (a lattice result's, measured over whole periodic slices) first, then the one summed
 * from its G_c2 at its points (time-slice.ts; docs/conventions.md, "Time-slice correlator").
 */
import { NnftError, isNnftError } from '../errors.js';
import type { CorrelatorResult, TimeSliceCorrelator } from '../io/result.js';
import { timeSliceFromResult } from './time-slice.js';

export interface ObservablesReport {
  readonly nnftObservables: 1;
  readonly input: { readonly file: string; readonly kind: string; readonly method: string | null };
  /** The file's own (a lattice result's, source 'lattice-field') first, then the one from its points. */
  readonly timeSlices: TimeSliceCorrelator[];
  /** Why a time-slice correlator could not be formed from the points, if it could not. */
  readonly notes: string[];
}

/** The observables of a parsed result. */
export function observablesOf(result: CorrelatorResult, file: string, options: { cellVolume?: number } = {}): ObservablesReport {
  const timeSlices: TimeSliceCorrelator[] = [];
  const notes: string[] = [];
  const own = result.timeSlice as TimeSliceCorrelator | undefined;
  if (own && Array.isArray(own.values)) timeSlices.push(own);
  try {
    timeSlices.push(timeSliceFromResult(result, options.cellVolume !== undefined ? { cellVolume: options.cellVolume } : {}));
  } catch (error) {
    if (!isNnftError(error) || error.code !== 'E_SEMANTIC') throw error;
    if (!own) throw new NnftError('E_SEMANTIC', `${file}: ${error.message}`, { file, ...(error.hint ? { hint: error.hint } : {}) });
    notes.push(`C(t) from the points: ${error.message}`);
  }
  return {
    nnftObservables: 1,
    input: { file, kind: result.kind, method: typeof result.method === 'string' ? result.method : null },
    timeSlices,
    notes,
  };
}
