/**
 * The point runner `nnft sweep` uses: the design point runner (design-point-runner.ts) unless one
 * was registered (setSweepPointRunner), which is how tests run the command with stand-in points.
 */
import type { SweepPointRunner } from './sweep-point.js';
import { createDesignPointRunner } from './design-point-runner.js';

let registered: SweepPointRunner | null = null;

export function setSweepPointRunner(runner: SweepPointRunner | null): void {
  registered = runner;
}

export function getSweepPointRunner(): SweepPointRunner {
  return registered ?? createDesignPointRunner();
}
