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

/** A live progress line on a TTY: open until a newline ends it. Keyed by the context it is written to. */
interface LiveLine {
  open: boolean;
  task: string;
  length: number;
}

const liveLines = new WeakMap<CliContext, LiveLine>();

function liveLine(context: CliContext): LiveLine {
  let line = liveLines.get(context);
  if (!line) {
    line = { open: false, task: '', length: 0 };
    liveLines.set(context, line);
  }
  return line;
}

/**
 * End a live progress line left open on a TTY (a fit that converged before its step limit, an
 * interrupted estimate), so that whatever is written next starts on a line of its own. Leaves the
 * line's last state visible. A no-op when no line is open.
 */
export function endProgressLine(context: CliContext): void {
  const line = liveLines.get(context);
  if (!line?.open) return;
  line.open = false;
  line.length = 0;
  context.stderr('\n');
}

/**
 * The context a command writes through: its stdout first ends an open progress line (stderr and
 * stdout share a terminal). Everything else, exitCode included, is the caller's context itself.
 */
export function withProgressDiscipline(context: CliContext): CliContext {
  let proxy: CliContext;
  const stdout = (text: string): void => {
    endProgressLine(proxy);
    context.stdout(text);
  };
  proxy = new Proxy(context, {
    get: (target, key, receiver) => (key === 'stdout' ? stdout : Reflect.get(target, key, receiver)),
  });
  return proxy;
}

/**
 * Turn library events into lines on stderr: NDJSON with --json (each line the event plus
 * `timestamp`, ISO 8601, and `elapsed`, seconds since this renderer was made, i.e. since the
 * command started), plain text otherwise. On a TTY progress is one live line per task, rewritten in
 * place; a message, another task's progress or the command's output ends it first.
 */
export function eventRenderer(context: CliContext, json: boolean): EventSink {
  const started = Date.now();
  const line = liveLine(context);
  // Plain (non-TTY) progress: one line per task and tenth of the way, not one per chunk.
  const lastTenth = new Map<string, number>();
  return (event) => {
    if (json) {
      context.stderr(`${JSON.stringify({ ...event, timestamp: new Date().toISOString(), elapsed: (Date.now() - started) / 1000 })}\n`);
      return;
    }
    if (event.type !== 'progress') endProgressLine(context);
    switch (event.type) {
      case 'progress': {
        const eta = event.etaSeconds !== undefined ? ` ETA ${Math.ceil(event.etaSeconds)}s` : '';
        const text = `${event.task} ${event.done}/${event.total}${event.message ? ` ${event.message}` : ''}${eta}`;
        if (context.isTTY) {
          if (line.open && line.task !== event.task) endProgressLine(context);
          context.stderr(`\r${text.padEnd(line.length)}`);
          line.open = true;
          line.task = event.task;
          line.length = text.length;
          if (event.done >= event.total) endProgressLine(context);
        } else {
          const tenth = Math.floor((10 * event.done) / Math.max(1, event.total));
          if (event.total <= 10 || tenth !== lastTenth.get(event.task)) context.stderr(`${text}\n`);
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
