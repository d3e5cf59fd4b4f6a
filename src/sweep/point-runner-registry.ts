/**
 * The CLI's `nnft sweep` needs a function that runs one point. The design command registers it
 * here (setSweepPointRunner) so that the sweep module does not import design; until one is
 * registered, `nnft sweep` fails with E_UNSUPPORTED instead of guessing.
 */
import { NnftError } from '../errors.js';
import type { SweepPointRunner } from './run-sweep.js';

let registered: SweepPointRunner | null = null;

export function setSweepPointRunner(runner: SweepPointRunner | null): void {
  registered = runner;
}

export function getSweepPointRunner(): SweepPointRunner {
  if (!registered) {
    throw new NnftError('E_UNSUPPORTED', 'no sweep point runner is registered: this build cannot run design points yet', {
      hint: 'library users pass runPoint to runSweep(); the CLI needs setSweepPointRunner() from the design module',
    });
  }
  return registered;
}
