/**
 * Schema validation of sweep files through the shared schema helper (ajv, JSON Schema 2020-12,
 * strict, every error), as an NnftError E_SCHEMA whose issues name dotted paths and line:column.
 */
import { NnftError } from '../errors.js';
import { schemaFile, validateAgainstSchema, type SourceLocations } from '../schema/index.js';
import type { SweepFile } from './sweep-file.js';

export function sweepSchemaPath(): string {
  return schemaFile('sweep');
}

/** Check a parsed sweep file against schema/sweep.schema.json; throws E_SCHEMA listing every problem. */
export function validateSweepDocument(document: unknown, file?: string, locations?: SourceLocations): SweepFile {
  const issues = validateAgainstSchema('sweep', document, locations ? { locations } : {});
  if (issues.length === 0) return document as SweepFile;
  throw new NnftError('E_SCHEMA', `${file ?? 'sweep'} is not a valid sweep file (${issues.length} problem${issues.length === 1 ? '' : 's'})`, {
    ...(file ? { file } : {}),
    issues,
    hint: 'the format is described in docs/sweeps-and-reports.md and schema/sweep.schema.json',
  });
}
