/**
 * Every command answers --json with one JSON document on stdout, its error included, through the
 * one shared handler (src/cli/json-errors.ts), and the CLI stays a thin layer: commands parse and
 * render, no file in src/cli is over 250 lines, and no command keeps its own copy of the handler.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run-cli.js';
import { captureCli } from '../helpers/cli-capture.js';

/** A command line per command (and subcommand) whose input does not exist. */
const MISSING_INPUT: readonly string[][] = [
  ['validate', 'missing.json'],
  ['target', 'missing.json'],
  ['design', 'missing.json', '--out', 'run'],
  ['estimate', 'missing.json'],
  ['estimate', 'merge', 'missing'],
  ['action', 'missing.json'],
  ['observables', 'missing.json'],
  ['export', 'missing.json', '--count', '1', '--format', 'json', '--out', 'networks'],
  ['sweep', 'missing.json', '--out', 'out'],
  ['sweep', 'merge', 'missing', '--out', 'merged'],
  ['report', 'missing'],
];

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? sourceFiles(join(directory, entry.name)) : entry.name.endsWith('.ts') ? [join(directory, entry.name)] : []));
}

describe('the CLI layer', () => {
  it.each(MISSING_INPUT)('nnft %s ... --json prints the error as one JSON object on stdout and exits 2', async (...argv: string[]) => {
    const directory = await mkdtemp(join(tmpdir(), 'nnft-json-errors-'));
    const cli = captureCli(directory);
    expect(await runCli([...argv, '--json'], cli)).toBe(2);
    const document = JSON.parse(cli.out) as { error: string; message: string; file?: string };
    expect(document.error, cli.out).toMatch(/^E_(FILE_NOT_FOUND|USAGE|SCHEMA)$/);
    expect(`${document.message} ${document.file ?? ''}`).toMatch(/missing/);
    // Nothing was written for the input that is not there.
    expect(readdirSync(directory)).toEqual([]);
  });

  it('a command line yargs refuses (unknown flag, missing argument) is a JSON error too under --json', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'nnft-json-errors-'));
    const unknown = captureCli(directory);
    expect(await runCli(['design', 'missing.json', '--json', '--bogus'], unknown)).toBe(2);
    expect(JSON.parse(unknown.out)).toMatchObject({ error: 'E_USAGE', message: expect.stringMatching(/bogus/) });
    expect(unknown.err).toBe('');
    const missing = captureCli(directory);
    expect(await runCli(['estimate', '--json'], missing)).toBe(2);
    expect(JSON.parse(missing.out)).toMatchObject({ error: 'E_USAGE' });
    // --no-json (the last word wins) keeps the rendered error.
    const plain = captureCli(directory);
    expect(await runCli(['design', 'missing.json', '--json', '--no-json', '--bogus'], plain)).toBe(2);
    expect(plain.out).toBe('');
    expect(plain.err).toMatch(/bogus/);
  });

  it('without --json the same error is rendered on stderr, not as JSON', async () => {
    const cli = captureCli(await mkdtemp(join(tmpdir(), 'nnft-json-errors-')));
    expect(await runCli(['observables', 'missing.json'], cli)).toBe(2);
    expect(cli.out).toBe('');
    expect(cli.err).toMatch(/^error.*missing\.json/);
  });

  it('no file in src/cli is over 250 lines, and only json-errors.ts turns an error into JSON', () => {
    expect(existsSync('src/cli/json-errors.ts')).toBe(true);
    const long = sourceFiles('src/cli').map((file) => ({ file, lines: readFileSync(file, 'utf8').split('\n').length - 1 })).filter((entry) => entry.lines > 250);
    expect(long).toEqual([]);
    const copies = sourceFiles('src/cli').filter((file) => !file.endsWith('json-errors.ts') && /error\.toJSON\(\)/.test(readFileSync(file, 'utf8')));
    expect(copies).toEqual([]);
  });
});
