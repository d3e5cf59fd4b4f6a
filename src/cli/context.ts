/**
 * What a CLI command needs from the outside world, injected so tests can run the CLI in-process.
 */
import type { EventSink } from '../io/events.js';

export interface CliContext {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr is an interactive terminal (live progress line) or not (plain lines). */
  isTTY: boolean;
  /** Set by a command's handler; runCli returns it. */
  exitCode: number;
  /** Working directory for relative paths. */
  cwd: string;
  /**
   * Aborted on the first SIGINT/SIGTERM (main.ts, cli/interrupts.ts); commands pass it to the library
   * through commandSignal(). Absent when runCli is called in-process.
   */
  signal?: AbortSignal;
}

/** Turn library events into lines on stderr: NDJSON with --json, plain text otherwise. */
export function eventRenderer(context: CliContext, json: boolean): EventSink {
  let lastProgressLength = 0;
  // Plain (non-TTY) progress: one line per task and tenth of the way, not one per chunk.
  const lastTenth = new Map<string, number>();
  return (event) => {
    if (json) {
      context.stderr(`${JSON.stringify(event)}\n`);
      return;
    }
    switch (event.type) {
      case 'progress': {
        const eta = event.etaSeconds !== undefined ? ` ETA ${Math.ceil(event.etaSeconds)}s` : '';
        const line = `${event.task} ${event.done}/${event.total}${event.message ? ` ${event.message}` : ''}${eta}`;
        if (context.isTTY) {
          context.stderr(`\r${line.padEnd(lastProgressLength)}`);
          lastProgressLength = line.length;
          if (event.done >= event.total) {
            context.stderr('\n');
            lastProgressLength = 0;
          }
        } else {
          const tenth = Math.floor((10 * event.done) / Math.max(1, event.total));
          if (event.total <= 10 || tenth !== lastTenth.get(event.task)) context.stderr(`${line}\n`);
          lastTenth.set(event.task, tenth);
        }
        break;
      }
      case 'warning':
        context.stderr(`⚠ ${event.path ? `${event.path}: ` : ''}${event.message}${event.hint ? ` → ${event.hint}` : ''}\n`);
        break;
      case 'info':
        context.stderr(`${event.message}\n`);
        break;
    }
  };
}
