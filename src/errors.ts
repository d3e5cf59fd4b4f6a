/**
 * Errors are data: every failure nnft reports to a user is an NnftError with a stable code,
 * a one-line message, an optional hint (how to fix it) and, for bad input, a list of issues
 * each naming the JSON path of the problem. The CLI renders these; nothing below it prints.
 */

export type ErrorCode =
  | 'E_FILE_NOT_FOUND'
  | 'E_FILE_READ'
  | 'E_JSON_SYNTAX'
  | 'E_SCHEMA'
  | 'E_SEMANTIC'
  | 'E_BACKEND'
  | 'E_NUMERIC'
  | 'E_ESS_COLLAPSE'
  | 'E_NOT_CONVERGED'
  | 'E_UNSUPPORTED'
  | 'E_USAGE'
  /** A run (or a file in it) is locked by another live process. */
  | 'E_LOCKED'
  /** A request that would exceed a memory or size limit, refused before allocating (exit 2). */
  | 'E_RESOURCE'
  /** Stopped by SIGINT/SIGTERM or an AbortSignal (exit 130). */
  | 'E_INTERRUPTED'
  | 'E_INTERNAL';

/** One problem in an input file. `path` is a JSON pointer-like dotted path ("action.interactions[0].coupling"). */
export interface InputIssue {
  path: string;
  message: string;
  hint?: string;
  /** 1-based line and column in the file where known (JSON syntax errors, and keys located in the source). */
  line?: number;
  column?: number;
  severity?: 'error' | 'warning';
}

export class NnftError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly file?: string;
  readonly issues: InputIssue[];

  constructor(
    code: ErrorCode,
    message: string,
    options: { hint?: string; file?: string; issues?: InputIssue[]; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'NnftError';
    this.code = code;
    this.hint = options.hint;
    this.file = options.file;
    this.issues = options.issues ?? [];
  }

  /** Plain-data form for --json output. */
  toJSON(): Record<string, unknown> {
    return {
      error: this.code,
      message: this.message,
      ...(this.hint ? { hint: this.hint } : {}),
      ...(this.file ? { file: this.file } : {}),
      ...(this.issues.length ? { issues: this.issues } : {}),
    };
  }
}

export function isNnftError(value: unknown): value is NnftError {
  return value instanceof NnftError;
}

/** Exit codes shared by every command. */
export const EXIT = {
  ok: 0,
  failure: 1,
  badInput: 2,
  /** nnft design: the validation statistics cannot resolve the tolerance. */
  unresolved: 3,
  interrupted: 130,
} as const;

export function exitCodeFor(error: unknown): number {
  if (!isNnftError(error)) return EXIT.failure;
  switch (error.code) {
    case 'E_FILE_NOT_FOUND':
    case 'E_FILE_READ':
    case 'E_JSON_SYNTAX':
    case 'E_SCHEMA':
    case 'E_SEMANTIC':
    case 'E_USAGE':
    case 'E_UNSUPPORTED':
    case 'E_LOCKED':
    case 'E_RESOURCE':
      return EXIT.badInput;
    case 'E_INTERRUPTED':
      return EXIT.interrupted;
    default:
      return EXIT.failure;
  }
}

/** The error every interruptible loop throws once its AbortSignal has fired. */
export function interruptedError(signal: AbortSignal | undefined, where: string): NnftError {
  const reason = signal?.reason;
  const name = typeof reason === 'string' ? reason : reason instanceof Error && reason.name !== 'AbortError' ? reason.message : 'interrupt';
  return new NnftError('E_INTERRUPTED', `interrupted (${name}) during ${where}`, { hint: 'rerun the command (a run directory resumes with --resume)' });
}

/** Throw E_INTERRUPTED when the signal has fired; call it between units of work. */
export function throwIfInterrupted(signal: AbortSignal | undefined, where: string): void {
  if (signal?.aborted) throw interruptedError(signal, where);
}
