/**
 * The process a sweep starts for one design point (design-point-runner.ts):
 *
 *   node design-point-child.js '<DesignPointJob as JSON>'
 *
 * It reads the job as data and runs it with the library's design (runDesignPoint -> designFile or
 * resumeDesign); no command line is parsed, and nothing of the CLI is loaded. Its exit status is
 * the design's (io/exit-status.ts: met 0, not met 1, unresolved 3, interrupted 130), or the error's
 * (errors.ts: 2 for input the design refused), and an error's message is the last line on stderr,
 * where the sweep reads it. SIGTERM, SIGINT and the sweep's disappearance (NNFT_PARENT_PID) stop the
 * design at its next checkpoint (io/process-interrupts.ts).
 */
import { NnftError, exitCodeFor, isNnftError } from '../errors.js';
import type { NnftEvent } from '../io/events.js';
import { designExitStatus } from '../io/exit-status.js';
import { EXIT_INTERRUPTED, installProcessInterrupts } from '../io/process-interrupts.js';
import { runDesignPoint, type DesignPointJob } from './design-point.js';

function writeStderr(text: string): void {
  process.stderr.write(text);
}

/** The job from argv, checked enough to name what is wrong (the sweep itself always writes a valid one). */
function parseJob(text: string | undefined): DesignPointJob {
  let job: unknown;
  try {
    job = JSON.parse(text ?? '');
  } catch {
    throw new NnftError('E_USAGE', 'the design point process takes one argument, the point as JSON', { hint: 'it is started by nnft sweep (src/sweep/design-point-runner.ts)' });
  }
  const fields = job as Partial<DesignPointJob> | null;
  const missing = ['id', 'targetFile', 'runDirectory', 'options', 'resume', 'workers'].filter((key) => fields === null || typeof fields !== 'object' || !(key in fields));
  if (missing.length > 0) throw new NnftError('E_USAGE', `the design point's JSON lacks ${missing.join(', ')}`);
  return job as DesignPointJob;
}

/** One line per problem: the sweep keeps the last lines of stderr as the point's error message. */
function describeError(error: unknown): string {
  if (!isNnftError(error)) return `internal error: ${error instanceof Error ? error.message : String(error)}\n`;
  const issues = error.issues.map((issue) => `${issue.path || '(file)'} ${issue.message}`);
  const hint = error.hint ? `\nhint: ${error.hint}` : '';
  return `error${error.file ? ` in ${error.file}` : ''}: ${[error.message, ...issues].join('; ')}${hint}\n`;
}

function renderEvent(event: NnftEvent): void {
  if (event.type === 'warning') writeStderr(`warning: ${event.path ? `${event.path}: ` : ''}${event.message}\n`);
}

async function main(): Promise<number> {
  const interrupts = installProcessInterrupts({ stderr: writeStderr, exit: (code) => process.exit(code) });
  try {
    const job = parseJob(process.argv[2]);
    const result = await runDesignPoint(job, { signal: interrupts.signal, onEvent: renderEvent });
    return interrupts.received() !== null ? EXIT_INTERRUPTED : designExitStatus(result.status);
  } catch (error) {
    writeStderr(describeError(error));
    return interrupts.received() !== null ? EXIT_INTERRUPTED : exitCodeFor(error);
  } finally {
    interrupts.dispose();
  }
}

const code = await main();
// Let stderr drain, then exit: a backend's worker threads would otherwise keep the process alive.
process.stderr.write('', () => process.exit(code));
