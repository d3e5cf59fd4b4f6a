/**
 * Declarative rules for option values: one table per command says what each option accepts (an
 * integer in a range, a number in a range, one of some words), and the same table checks a command
 * line (src/cli/check-flags.ts) and a sweep's design options (src/sweep/check-point.ts). A problem
 * names the option, the accepted range and a fix; nothing here prints or throws.
 */
import type { InputIssue } from '../errors.js';

interface RuleBase {
  /** The command-line flag, without dashes (default: the key in kebab-case). */
  readonly flag?: string;
  /** What a user writes to fix a bad value, e.g. "the default is 100000". */
  readonly fix?: string;
}

export type OptionRule =
  | (RuleBase & {
      readonly kind: 'integer';
      readonly min: number;
      readonly max: number;
      /** Words accepted besides integers (e.g. "auto"). */
      readonly words?: readonly string[];
    })
  | (RuleBase & {
      readonly kind: 'number';
      /** Inclusive lower bound, or exclusive when `exclusiveMin`. */
      readonly min: number;
      readonly exclusiveMin?: boolean;
      readonly max: number;
      readonly exclusiveMax?: boolean;
    })
  | (RuleBase & { readonly kind: 'choice'; readonly choices: readonly string[] })
  | (RuleBase & { readonly kind: 'string' })
  | (RuleBase & { readonly kind: 'boolean' });

export type OptionRules = Readonly<Record<string, OptionRule>>;

/** Pairs of keys whose values must satisfy first <= second (e.g. minWidth <= maxWidth), with defaults. */
export interface OrderedPair {
  readonly low: string;
  readonly high: string;
  readonly lowDefault?: number;
  readonly highDefault?: number;
}

function formatBound(value: number): string {
  if (value === Number.MAX_SAFE_INTEGER) return '2^53 - 1';
  return Math.abs(value) >= 1e6 && Number.isInteger(value) ? value.toExponential().replace('e+', 'e') : String(value);
}

/** "an integer from 100 to 1e7", "a number > 0 and at most 10", "one of a, b". */
export function acceptedRange(rule: OptionRule): string {
  switch (rule.kind) {
    case 'integer': {
      const text = `an integer from ${formatBound(rule.min)} to ${formatBound(rule.max)}`;
      return rule.words?.length ? `${text}, or ${rule.words.map((word) => `"${word}"`).join(' or ')}` : text;
    }
    case 'number':
      return `a number ${rule.exclusiveMin ? '>' : '>='} ${formatBound(rule.min)} and ${rule.exclusiveMax ? '<' : '<='} ${formatBound(rule.max)}`;
    case 'choice':
      return `one of ${rule.choices.join(', ')}`;
    case 'string':
      return 'a non-empty text';
    case 'boolean':
      return 'true or false';
  }
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Read a value as the rule wants it: command-line text is parsed as a decimal number (so "abc",
 * "0x10" and "" are refused rather than becoming NaN or 16), JSON values must already have the type.
 * Returns the value, or a problem description.
 */
export function readOptionValue(value: unknown, rule: OptionRule, fromText: boolean): { ok: true; value: unknown } | { ok: false; problem: string } {
  const bad = (problem: string) => ({ ok: false as const, problem });
  switch (rule.kind) {
    case 'integer':
    case 'number': {
      if (rule.kind === 'integer' && typeof value === 'string' && rule.words?.includes(value)) return { ok: true, value };
      let number: number;
      if (typeof value === 'number') number = value;
      else if (fromText && typeof value === 'string' && DECIMAL.test(value.trim())) number = Number(value.trim());
      else return bad(`is not a number`);
      if (!Number.isFinite(number)) return bad('is not a finite number');
      if (rule.kind === 'integer') {
        if (!Number.isInteger(number)) return bad('is not a whole number');
        if (number < rule.min || number > rule.max) return bad('is out of range');
      } else {
        const belowMin = rule.exclusiveMin ? !(number > rule.min) : !(number >= rule.min);
        const aboveMax = rule.exclusiveMax ? !(number < rule.max) : !(number <= rule.max);
        if (belowMin || aboveMax) return bad('is out of range');
      }
      return { ok: true, value: number };
    }
    case 'choice':
      return typeof value === 'string' && rule.choices.includes(value) ? { ok: true, value } : bad('is not one of the choices');
    case 'string':
      return typeof value === 'string' && value.trim() !== '' ? { ok: true, value } : bad('is empty');
    case 'boolean':
      if (typeof value === 'boolean') return { ok: true, value };
      if (fromText && (value === 'true' || value === 'false')) return { ok: true, value: value === 'true' };
      return bad('is not true or false');
  }
}

export function describeGiven(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `${value.length} values (${value.map((entry) => JSON.stringify(entry)).join(', ')})`;
  return JSON.stringify(value) ?? String(value);
}

export interface CheckedOptions {
  values: Record<string, unknown>;
  issues: InputIssue[];
}

/**
 * Check every value present in `values` against its rule. `where(key)` names the option in issues
 * (a flag "--ensemble" or a JSON path "options.ensembleSize"); unknown keys are the caller's affair.
 * Values come back parsed (numbers for numeric text).
 */
export function checkOptionValues(
  values: Readonly<Record<string, unknown>>,
  rules: OptionRules,
  options: { where: (key: string) => string; fromText: boolean; ordered?: readonly OrderedPair[] },
): CheckedOptions {
  const issues: InputIssue[] = [];
  const parsed: Record<string, unknown> = {};
  for (const [key, rule] of Object.entries(rules)) {
    const given = values[key];
    if (given === undefined) continue;
    const where = options.where(key);
    if (Array.isArray(given) && options.fromText) {
      issues.push({ path: where, message: `is given ${given.length} times (${given.map(String).join(', ')})`, hint: `give ${where} once`, severity: 'error' });
      continue;
    }
    const read = readOptionValue(given, rule, options.fromText);
    if (read.ok) {
      parsed[key] = read.value;
      continue;
    }
    issues.push({
      path: where,
      message: `must be ${acceptedRange(rule)} → got ${describeGiven(given)}`,
      hint: rule.fix ?? `give ${acceptedRange(rule)}`,
      severity: 'error',
    });
  }
  for (const pair of options.ordered ?? []) {
    const low = (parsed[pair.low] ?? (values[pair.low] === undefined ? pair.lowDefault : undefined)) as number | undefined;
    const high = (parsed[pair.high] ?? (values[pair.high] === undefined ? pair.highDefault : undefined)) as number | undefined;
    if (typeof low !== 'number' || typeof high !== 'number' || low <= high) continue;
    const lowWhere = options.where(pair.low);
    const highWhere = options.where(pair.high);
    const lowText = values[pair.low] === undefined ? `${lowWhere} (default ${low})` : `${lowWhere} ${low}`;
    const highText = values[pair.high] === undefined ? `${highWhere} (default ${high})` : `${highWhere} ${high}`;
    // The issue is rendered after its path, so the message does not repeat it.
    const lowGiven = values[pair.low] !== undefined;
    issues.push({
      path: lowGiven ? lowWhere : highWhere,
      message: lowGiven ? `${low} is above ${highText}` : `${high} is below ${lowText}`,
      hint: `make ${lowWhere} at most ${highWhere}`,
      severity: 'error',
    });
  }
  return { values: parsed, issues };
}

export function kebabCase(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

export function flagOf(key: string, rule: OptionRule): string {
  return `--${rule.flag ?? kebabCase(key)}`;
}
