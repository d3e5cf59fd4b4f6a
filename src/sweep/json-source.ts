/** Reading a JSON input file: file-not-found and located syntax errors as NnftErrors. */
import { readFile } from 'node:fs/promises';
import { NnftError } from '../errors.js';
import { parseJsonSource, type SourceLocations } from '../schema/index.js';

export async function readJsonInput(file: string, what: string): Promise<{ value: unknown; locations: SourceLocations }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new NnftError('E_FILE_NOT_FOUND', `cannot read ${what} ${file}`, { file, cause: error, hint: 'check the path (relative paths are resolved from the current directory)' });
  }
  const parsed = parseJsonSource(text);
  if (!parsed.ok) throw new NnftError('E_JSON_SYNTAX', `${file} is not valid JSON`, { file, issues: [parsed.issue] });
  return { value: parsed.value, locations: parsed.locations };
}
