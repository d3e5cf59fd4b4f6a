/**
 * Where a command's --out may write (docs/conventions.md, "Run directories": --out refuses an
 * existing directory that is not its own kind). Checked before any work, so a wrong --out costs
 * nothing and nothing is written into someone else's files (E_USAGE, exit 2, naming the path).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { NnftError } from '../errors.js';
import { atomicTemporaryPid } from './atomic-write.js';

async function kindOf(path: string): Promise<'absent' | 'file' | 'directory'> {
  try {
    return (await stat(path)).isDirectory() ? 'directory' : 'file';
  } catch {
    return 'absent';
  }
}

/**
 * An output directory: absent, empty, or one `ours` recognises (its own earlier output, which the
 * command updates). A file, or a directory holding other things, is refused.
 */
export async function checkOutDirectory(path: string, options: { flag?: string; what: string; ours: (path: string, entries: readonly string[]) => Promise<boolean> }): Promise<void> {
  const flag = options.flag ?? '--out';
  const kind = await kindOf(path);
  if (kind === 'absent') return;
  if (kind === 'file') throw new NnftError('E_USAGE', `${flag} ${path} is a file, not a directory`, { file: path, hint: `give ${flag} a new or empty directory` });
  const entries = (await readdir(path)).filter((name) => atomicTemporaryPid(name) === null);
  if (entries.length === 0 || (await options.ours(path, entries))) return;
  const shown = entries.slice(0, 3).join(', ') + (entries.length > 3 ? `, ... (${entries.length} entries)` : '');
  throw new NnftError('E_USAGE', `${flag} ${path} already exists and is not ${options.what} (it holds ${shown})`, {
    file: path,
    hint: `choose a new or empty ${flag} directory; nothing was written`,
  });
}

/** Whether `<directory>/<name>` is a JSON object whose `key` is 1 (an nnft file of that kind). */
export async function holdsNnftFile(directory: string, name: string, key: string): Promise<boolean> {
  try {
    const value = JSON.parse(await readFile(join(directory, name), 'utf8')) as unknown;
    return typeof value === 'object' && value !== null && (value as Record<string, unknown>)[key] === 1;
  } catch {
    return false;
  }
}

/** An output file: refused when the path is a directory (the file would have to replace it). */
export async function checkOutFile(path: string, options: { flag?: string; example: string }): Promise<void> {
  const flag = options.flag ?? '--out';
  if ((await kindOf(path)) === 'directory') {
    throw new NnftError('E_USAGE', `${flag} ${path} is a directory; it names the file to write`, { file: path, hint: `give a file name, e.g. ${flag} ${join(path, options.example)}` });
  }
}
