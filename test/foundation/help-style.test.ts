/**
 * One help style for every command: every flag and positional has a description,
 * defaults appear only as yargs' own "[default: X]" tag (unquoted, never in the text), nothing is
 * glued to a tag, `nnft sweep merge --help` is merge's own help, and a usage error points at the
 * --help of the command that was run.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { COMMANDS, runCli } from '../../src/cli/run-cli.js';
import { captureCli } from '../helpers/cli-capture.js';

/** Every command line whose --help is checked: each command, and each subcommand. */
function helpCommands(): string[][] {
  const lines: string[][] = [];
  for (const factory of COMMANDS) {
    const definition = factory(captureCli());
    const name = definition.command.split(' ')[0]!;
    lines.push([name]);
    for (const sub of definition.subcommands ?? []) lines.push([name, sub]);
  }
  return lines;
}

async function help(command: string[]): Promise<string> {
  const cli = captureCli();
  expect(await runCli([...command, '--help'], cli)).toBe(0);
  return cli.out;
}

const TAG = /\[(?:string|boolean|array|number|count|required|deprecated)\]|\[choices: [^\]]*\]|\[default: [^\]]*\]/g;

/** The entries of the Positionals and Options sections: name and the text beside it (wrapped lines joined). */
function entries(text: string): { name: string; text: string }[] {
  const found: { name: string; text: string }[] = [];
  let section = '';
  for (const line of text.split('\n')) {
    if (/^\S/.test(line)) {
      section = line.replace(/:$/, '');
      continue;
    }
    if (section !== 'Options' && section !== 'Positionals') continue;
    const start = /^ {2}(--[\w-]+|[\w-]+)(?: {2,}(.*))?$/.exec(line);
    if (start) found.push({ name: start[1]!, text: start[2] ?? '' });
    else if (found.length && line.trim()) found.at(-1)!.text += ` ${line.trim()}`;
  }
  return found;
}

describe('help style', () => {
  it('lists every subcommand it checks (sweep merge among them)', () => {
    expect(helpCommands()).toContainEqual(['sweep', 'merge']);
    expect(helpCommands().length).toBeGreaterThanOrEqual(10);
  });

  for (const command of helpCommands()) {
    it(`nnft ${command.join(' ')} --help: descriptions everywhere, defaults only as [default: X]`, async () => {
      const text = await help(command);
      expect(text.startsWith(`nnft ${command.join(' ')}`)).toBe(true);
      const found = entries(text);
      expect(found.length).toBeGreaterThan(2);
      for (const entry of found) {
        const description = entry.text.replace(TAG, '').replace(/\[(?:an integer|a number|a non-empty|one of)[^\]]*\]/g, '').trim();
        expect(description, `${entry.name} has no description`).toMatch(/[a-z]/i);
        expect(description, `${entry.name} states its default in its text`).not.toMatch(/\bdefault\b/i);
        expect(entry.text, `${entry.name}: a quoted default`).not.toMatch(/\[default: "/);
        expect(entry.text, `${entry.name}: text glued to a tag`).not.toMatch(/[^\s[]\[(?:string|boolean|array|choices|default|required)\b/);
      }
    });
  }

  it('nnft sweep merge --help is the help of merge, not of sweep', async () => {
    const merge = await help(['sweep', 'merge']);
    expect(merge).toMatch(/^nnft sweep merge <dirs\.\.>/);
    const names = entries(merge).map((entry) => entry.name);
    expect(names).toEqual(expect.arrayContaining(['dirs', '--out', '--report', '--json']));
    for (const flag of ['file', '--parallel', '--shard', '--dry-run']) expect(names).not.toContain(flag);
    const sweep = await help(['sweep']);
    expect(sweep).toMatch(/nnft sweep merge <dirs\.\.>/);
    expect(entries(sweep).map((entry) => entry.name)).toEqual(expect.arrayContaining(['file', '--out', '--parallel', '--shard', '--dry-run']));
  });

  it('a design flag shows the default the design uses, without setting it (a resumed run keeps its own)', async () => {
    const text = await help(['design']);
    const byName = new Map(entries(text).map((entry) => [entry.name, entry.text]));
    expect(byName.get('--min-width')).toMatch(/\[default: 32 in d <= 2, 64 in d = 3, 128 in d = 4\]/);
    expect(byName.get('--tolerance')).toMatch(/\[default: 0\.05\]/);
    expect(byName.get('--backend')).toMatch(/tensor backend .*\[default: auto\]/);
    expect(byName.get('--workers')).toMatch(/\[default: every core\]/);
  });
});

describe('usage errors point at the command that was run', () => {
  const cases: [string[], string][] = [
    [['design', 'missing.json', '--bogus'], 'run nnft design --help'],
    [['design', 'missing.json', '--seed', '-1'], 'run nnft design --help'],
    [['sweep', 'merge', 'a', '--bogus', '--out', 'x'], 'run nnft sweep merge --help'],
    [['sweep', 'merge', 'a'], 'run nnft sweep merge --help'],
    [['sweep', 'scan.json', '--out', 'x', '--parallel', '0'], 'run nnft sweep --help'],
    [['sweep'], 'run nnft sweep --help'],
    [['estimate', 'spec.json', '--ensemble', 'abc'], 'run nnft estimate --help'],
    [['report'], 'run nnft report --help'],
    [['nonsense'], 'run nnft --help'],
  ];
  for (const [argv, hint] of cases) {
    it(`nnft ${argv.join(' ')} -> "${hint}"`, async () => {
      const cli = captureCli();
      expect(await runCli(argv, cli)).toBe(2);
      expect(cli.err).toContain(`hint: ${hint}`);
    });
  }
});

describe('README tables', () => {
  const readme = readFileSync('README.md', 'utf8');
  it('name every bundled target', () => {
    const targets = readdirSync('targets').filter((file) => file.endsWith('.json'));
    expect(targets.length).toBeGreaterThan(5);
    for (const file of targets) expect(readme, file).toContain(`| \`${file}\``);
  });

  it('name every nnft design flag', async () => {
    const flags = entries(await help(['design'])).map((entry) => entry.name).filter((name) => name.startsWith('--') && name !== '--help' && name !== '--version');
    const table = readme.slice(readme.indexOf('| flag | default | meaning |'));
    for (const flag of flags) expect(table, flag).toMatch(new RegExp(`\\| \`${flag}[ \`|]|, \`${flag}[ \`]`));
  });
});
