/**
 * The exit status of a finished design, one rule for `nnft design` and for a sweep's point process
 * (docs/sweeps-and-reports.md, "Running: nnft sweep"): met 0, not met 1, unresolved 3 (the
 * validation could not decide), interrupted 130. A sweep reads 1 and 3 with result.json as a
 * finished point whose row says so.
 */
import { EXIT } from '../errors.js';

export type DesignStatus = 'met' | 'not-met' | 'unresolved' | 'interrupted';

export function designExitStatus(status: DesignStatus): number {
  switch (status) {
    case 'met':
      return EXIT.ok;
    case 'unresolved':
      return EXIT.unresolved;
    case 'interrupted':
      return EXIT.interrupted;
    default:
      return EXIT.failure;
  }
}
