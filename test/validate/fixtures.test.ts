/**
 * The invalid-target corpus: every file must be rejected with exit code 2, its name, a path for
 * every problem, and no stack trace; the rendered messages are pinned by snapshots so a change in
 * wording is a reviewed change. Warning-only files must validate (exit 0) and show their warnings.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT, runValidate } from './run-validate.js';

const fixtures = (folder: string): string[] =>
  readdirSync(join(REPOSITORY_ROOT, 'test/fixtures', folder))
    .filter((name) => name.endsWith('.json'))
    .sort();

const invalid = fixtures('invalid');
const warnOnly = fixtures('warn');

describe('the invalid-target corpus', () => {
  it('covers at least 45 files across syntax, types, ranges, keys, missing keys and semantics', () => {
    expect(invalid.length).toBeGreaterThanOrEqual(45);
    for (const family of ['syntax-', 'type-', 'range-', 'key-', 'missing-', 'semantic-']) {
      expect(invalid.filter((name) => name.startsWith(family)).length, family).toBeGreaterThanOrEqual(5);
    }
  });

  it.each(invalid)('%s is rejected with a located message', async (name) => {
    const file = `test/fixtures/invalid/${name}`;
    const { code, stdout, stderr } = await runValidate(file);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.startsWith(`error in ${file}: `)).toBe(true);
    expect(stderr).not.toContain('    at ');
    expect(stderr).not.toContain(REPOSITORY_ROOT);
    expect(stderr).not.toContain('internal error');
    const problems = stderr.split('\n').filter((line) => line.startsWith('  ✖ '));
    expect(problems.length).toBeGreaterThan(0);
    for (const line of problems) {
      if (name.startsWith('syntax-')) expect(line).toMatch(/^ {2}✖ \(file\) \(line \d+:\d+\) /);
      // Only a document that is not an object at all has its problem at the root.
      else if (name === 'type-root-list.json') expect(line).toMatch(/^ {2}✖ \(file\) /);
      else expect(line).toMatch(/^ {2}✖ [A-Za-z$[]/);
    }
    expect(stderr).toMatchSnapshot();
  });

  it.each(invalid)('%s with --json prints the error object on stdout', async (name) => {
    const { code, stdout, stderr } = await runValidate(`test/fixtures/invalid/${name}`, '--json');
    expect(code).toBe(2);
    expect(stderr).toBe('');
    const printed = JSON.parse(stdout) as { error: string; file: string; issues: { path: string; message: string }[] };
    expect(printed.error).toMatch(/^E_(JSON_SYNTAX|SCHEMA|SEMANTIC)$/);
    expect(printed.file).toBe(`test/fixtures/invalid/${name}`);
    expect(printed.issues.length).toBeGreaterThan(0);
    for (const issue of printed.issues) expect(typeof issue.path).toBe('string');
  });
});

describe('warning-only targets', () => {
  it('exist', () => {
    expect(warnOnly.length).toBeGreaterThanOrEqual(3);
  });

  it.each(warnOnly)('%s validates and shows its warnings', async (name) => {
    const file = `test/fixtures/warn/${name}`;
    const { code, stdout, stderr } = await runValidate(file);
    expect(code).toBe(0);
    expect(stdout.startsWith(`✔ ${file} is a valid target with `)).toBe(true);
    expect(stderr).toContain('  ⚠ ');
    expect(stderr).not.toContain(REPOSITORY_ROOT);
    expect(stderr).toMatchSnapshot();
  });

  it('returns the warnings in --json output', async () => {
    const { code, stdout } = await runValidate('test/fixtures/warn/warn-2d-phi4-not-wick-ordered.json', '--json');
    expect(code).toBe(0);
    const printed = JSON.parse(stdout) as { theory: { name: string }; warnings: { path: string; severity: string }[] };
    expect(printed.theory.name).toBe('warn-2d-phi4-not-wick-ordered');
    expect(printed.warnings).toHaveLength(1);
    expect(printed.warnings[0]).toMatchObject({ path: 'action.interactions[0]', severity: 'warning' });
  });
});

describe('files that cannot be read', () => {
  it('reports a missing file with exit 2 and the path as given', async () => {
    const { code, stderr } = await runValidate('test/fixtures/no-such-target.json');
    expect(code).toBe(2);
    expect(stderr).toMatchInlineSnapshot(`
      "error in test/fixtures/no-such-target.json: the target file does not exist
      hint: check the path; a relative path is read from the current directory
      "
    `);
  });

  it('reports a directory with exit 2', async () => {
    const { code, stderr } = await runValidate('test/fixtures');
    expect(code).toBe(2);
    expect(stderr).toContain('a directory, not a target file');
  });
});
