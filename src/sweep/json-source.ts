/** Reading a JSON input file: file-not-found and located syntax errors as NnftErrors. */
import { readJsonText } from '../io/read-json-text.js';
import { NnftError } from '../errors.js';
import { parseJsonSource, type SourceLocations } from '../schema/index.js';

export async function readJsonInput(file: string, what: string): Promise<{ value: unknown; locations: SourceLocations }> {
  const text = await readJsonText(file, file, what);
  const parsed = parseJsonSource(text);
  if (!parsed.ok) throw new NnftError('E_JSON_SYNTAX', `${file} is not valid JSON`, { file, issues: [parsed.issue] });
  return { value: parsed.value, locations: parsed.locations };
}
