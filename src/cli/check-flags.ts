/**
 * Every command's flags, checked before it reads or writes anything: one declarative table per
 * command (src/io/option-rules.ts) declares the numeric flags to yargs as text (so "abc" and "1e12"
 * reach us as written, not as NaN), states the accepted range in --help, and checks each value's
 * type, range and integer-ness plus min <= max pairs. A bad flag is an E_USAGE NnftError (exit 2)
 * listing every bad flag with its accepted range and a fix; no stack trace, nothing written.
 */
import type { Argv, Options } from 'yargs';
import { NnftError } from '../errors.js';
import { acceptedRange, checkOptionValues, flagOf, type OptionRules, type OrderedPair } from '../io/option-rules.js';

/** "nnft design", "nnft sweep merge": the command yargs ran, from the parsed arguments' `_`. */
export function commandOf(args: Readonly<Record<string, unknown>>): string {
  const words = Array.isArray(args._) ? args._.filter((word): word is string => typeof word === 'string') : [];
  return ['nnft', ...words].join(' ');
}

function camelCase(flag: string): string {
  return flag.replace(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase());
}

/**
 * Declare the flags of `rules` on a yargs builder: numbers and integers as text (parsed by
 * checkFlags), choices with their choices, booleans as booleans. `describe` gives each flag's help
 * text (keyed like `rules`); the accepted range is appended. `extra` adds yargs options per key
 * (a default, say).
 *
 * Defaults are shown one way, in yargs' own "[default: X]" tag and never in the text: a `default`
 * in `extra` is shown unquoted, and `defaultDescription` alone states a default that the command
 * applies itself (the spec's value, every core), so the flag stays absent when not given.
 */
export function declareFlags(argv: Argv, rules: OptionRules, describe: Readonly<Record<string, string>>, extra: Readonly<Record<string, Options>> = {}): Argv {
  let parser = argv;
  for (const [key, rule] of Object.entries(rules)) {
    const flag = flagOf(key, rule).slice(2);
    const text = describe[key];
    const help = `${text ?? ''}${text ? ' ' : ''}[${acceptedRange(rule)}]`;
    const base: Options =
      rule.kind === 'choice'
        ? { choices: [...rule.choices], describe: text ?? '' }
        : rule.kind === 'boolean'
          ? { type: 'boolean', describe: text ?? '' }
          : { type: 'string', describe: help, requiresArg: true };
    const options: Options = { ...base, ...(extra[key] ?? {}) };
    if (options.default !== undefined && options.defaultDescription === undefined) options.defaultDescription = String(options.default);
    parser = parser.option(flag, options);
  }
  return parser;
}

/**
 * Check the flags of `rules` in parsed yargs arguments; returns the values keyed like `rules`
 * (numbers parsed), only for the flags given (or defaulted). Throws E_USAGE with one issue per bad
 * flag (path "--flag", the accepted range, the fix).
 */
export function checkFlags(args: Readonly<Record<string, unknown>>, rules: OptionRules, ordered: readonly OrderedPair[] = []): Record<string, unknown> {
  const given: Record<string, unknown> = {};
  for (const [key, rule] of Object.entries(rules)) {
    const flag = flagOf(key, rule).slice(2);
    const value = args[camelCase(flag)] ?? args[flag];
    if (value !== undefined) given[key] = value;
  }
  const checked = checkOptionValues(given, rules, { where: (key) => flagOf(key, rules[key]!), fromText: true, ordered });
  if (checked.issues.length > 0) {
    const names = [...new Set(checked.issues.map((issue) => issue.path))];
    throw new NnftError('E_USAGE', `bad value${names.length === 1 ? '' : 's'} for ${names.join(', ')} (nothing was run or written)`, {
      issues: checked.issues,
      hint: `run ${commandOf(args)} --help to see every flag and its range`,
    });
  }
  return checked.values;
}
