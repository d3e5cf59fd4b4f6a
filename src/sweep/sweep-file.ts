/**
 * The sweep file, format version 1 (schema/sweep.schema.json): a base target, base design
 * options, and the parameters to vary, each addressed by a JSON pointer into the point document
 * { target, options }.
 */

export const SWEEP_VERSION = 1;

export interface SweepRange {
  from: number;
  to: number;
  count: number;
  scale?: 'linear' | 'log';
  integer?: boolean;
}

export interface SweepParameterSpec {
  name?: string;
  pointer: string;
  values?: unknown[];
  range?: SweepRange;
}

export interface SweepFile {
  $schema?: string;
  nnftSweep: typeof SWEEP_VERSION;
  name: string;
  description?: string;
  /** Base target file, relative to the sweep file. */
  target: string;
  options?: Record<string, unknown>;
  vary: { mode?: 'grid' | 'list'; parameters: SweepParameterSpec[] };
  extrapolate?: { parameter: string; terms?: 1 | 2; groupBy?: string[] };
}
