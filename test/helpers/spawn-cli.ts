/** Run the built CLI (dist/cli/main.js) as a child process, optionally signalling it mid-run. */
import { spawn } from 'node:child_process';
import { repositoryRoot } from './cli-capture.js';

export const CLI = 'dist/cli/main.js';

export interface SpawnedRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  pid: number;
  /** Milliseconds from sending the signal to the child's exit (null when none was sent). */
  stopMs: number | null;
}

export interface SpawnOptions {
  /** Send `signal` once stderr contains this text (or when the predicate says so). */
  when?: string | ((stderr: string) => boolean);
  signal?: NodeJS.Signals;
  env?: Record<string, string>;
  /** Called with the child's pid right after it starts. */
  onStart?: (pid: number) => void;
  timeoutMs?: number;
}

export function spawnCli(args: string[], options: SpawnOptions = {}): Promise<SpawnedRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: repositoryRoot, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    options.onStart?.(child.pid!);
    let stdout = '';
    let stderr = '';
    let sentAt: number | null = null;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`nnft ${args.join(' ')} did not finish in ${options.timeoutMs ?? 90_000} ms; stderr: ${stderr.slice(-2000)}`));
    }, options.timeoutMs ?? 90_000);
    const due = (): boolean => (typeof options.when === 'string' ? stderr.includes(options.when) : options.when ? options.when(stderr) : false);
    child.stdout.on('data', (chunk: Buffer) => void (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      if (sentAt === null && options.signal && due()) {
        sentAt = Date.now();
        child.kill(options.signal);
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, pid: child.pid!, stopMs: sentAt === null ? null : Date.now() - sentAt });
    });
  });
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function waitFor<T>(probe: () => Promise<T | null> | T | null, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
