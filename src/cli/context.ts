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
}

/** Turn library events into lines on stderr: NDJSON with --json, plain text otherwise. */
export function eventRenderer(context: CliContext, json: boolean): EventSink {
  let lastProgressLength = 0;
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
          context.stderr(`${line}\n`);
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
