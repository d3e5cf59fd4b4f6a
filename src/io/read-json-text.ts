/**
 * Read an input file's text for a JSON reader: a missing file, a directory and unreadable bytes are
 * NnftErrors naming the file as the caller gave it, and UTF-16/UTF-32 or other non-UTF-8 bytes are
 * refused with the encoding named (src/schema/json-source.ts decodeJsonBytes), never a syntax error.
 */
import { readFile } from 'node:fs/promises';
import { NnftError } from '../errors.js';
import { decodeJsonBytes } from '../schema/json-source.js';

export async function readJsonText(absolutePath: string, shownAs: string, what: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(absolutePath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new NnftError('E_FILE_NOT_FOUND', `${what} ${shownAs} does not exist`, { file: shownAs, hint: 'check the path; a relative path is read from the current directory' });
    if (code === 'EISDIR') throw new NnftError('E_FILE_READ', `${shownAs} is a directory, not a ${what}`, { file: shownAs, hint: 'name a .json file' });
    throw new NnftError('E_FILE_READ', `cannot read ${what} ${shownAs} (${code ?? 'unknown error'})`, { file: shownAs, cause: error });
  }
  const decoded = decodeJsonBytes(bytes);
  if (!decoded.ok) {
    const { hint, ...issue } = decoded.issue;
    throw new NnftError('E_JSON_SYNTAX', `${what} ${shownAs} is not UTF-8 text`, { file: shownAs, issues: [{ ...issue, severity: 'error' }], ...(hint ? { hint } : {}) });
  }
  return decoded.text;
}
