/**
 * targetDocument is the inverse of the normaliser: a Theory written back as a target document loads
 * (loadTargetObject, the checks of a file) to the same Theory, so a run directory that stores a target
 * given as data resumes on exactly that theory.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadTarget, loadTargetObject } from '../../src/theory/load-target.js';
import { targetDocument } from '../../src/theory/target-document.js';
import { contentHash } from '../../src/io/canonical-json.js';
import type { Theory } from '../../src/theory/theory.js';

const files = [
  ...readdirSync('targets').filter((name) => name.endsWith('.json')).map((name) => join('targets', name)),
  ...readdirSync('targets/conformance').filter((name) => name.endsWith('.json')).map((name) => join('targets/conformance', name)),
  'test/fixtures/valid/data-inline-1d.json',
  'test/fixtures/valid/data-file-1d.json',
];

/** A Theory without its provenance, and with a data method's correlators only (its file is read). */
function physics(theory: Theory): unknown {
  const { source: _source, ...rest } = theory;
  const settings = rest.targetCorrelators;
  if (settings.method !== 'data') return rest;
  const { file: _file, ...options } = settings.options as Record<string, unknown>;
  return { ...rest, targetCorrelators: { method: 'data', options } };
}

describe('targetDocument', () => {
  it.each(files)('%s: the document loads back to the same theory', async (file) => {
    const { theory } = await loadTarget(file);
    const document = targetDocument(theory);
    const again = await loadTargetObject(document);
    expect(physics(again.theory)).toEqual(physics(theory));
    // A target given as data is named by the hash of its canonical JSON, and by no file.
    expect(again.theory.source).toEqual({ file: null, sha256: contentHash(document) });
    // Idempotent: the document of the reloaded theory is the same document.
    expect(targetDocument(again.theory)).toEqual(document);
  });

  it('loadTargetObject checks an object as loadTarget checks a file, without positions', async () => {
    const { theory } = await loadTarget('targets/phi4-local-1d.json');
    const document = { ...targetDocument(theory), dimension: 5, extra: true };
    const refused = await loadTargetObject(document).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'E_SCHEMA', message: expect.stringMatching(/^not a valid target \(/) });
    const issues = (refused as { issues: { path: string; line?: number }[] }).issues;
    expect(issues.map((issue) => issue.path)).toEqual(expect.arrayContaining(['dimension']));
    for (const issue of issues) expect(issue.line).toBeUndefined();
    expect((refused as { file?: string }).file).toBeUndefined();
  });
});
