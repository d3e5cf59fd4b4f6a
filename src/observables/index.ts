/** Observables derived from results (docs/conventions.md, "Time-slice correlator"). */
export { continuumFreeTimeSlice, latticeFreeTimeSlice, timeSliceFromResult, type TimeSliceOptions } from './time-slice.js';
export { observablesOf, type ObservablesReport } from './observables-report.js';
