/**
 * Turn ajv's errors into issues a person can act on: one message per problem, at a dotted path,
 * saying what was expected and what was found, with a did-you-mean for misspelt keys and values
 * and the schema's own description of a key as the hint when it is missing or out of range.
 *
 * Requires ajv's `verbose` option (errors carry the failing value and their parent schema).
 */
import type { ErrorObject } from 'ajv';
import type { InputIssue } from '../errors.js';
import { didYouMean } from './did-you-mean.js';
import { formatPath, pointerToSegments, type PathSegment } from './json-path.js';
import type { SourceLocations } from './json-source.js';

type SchemaObject = Record<string, unknown>;

interface DraftIssue {
  segments: PathSegment[];
  /** Where to point in the source: the member's key, or the object that lacks a key. */
  locateAt: PathSegment[];
  message: string;
  hint?: string;
  keyword: string;
}

/** Keywords that only say "some branch failed": useful only when nothing more specific was reported. */
const UMBRELLA_KEYWORDS = new Set(['oneOf', 'anyOf', 'if', 'not', 'allOf']);

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : `a list of ${value.length}`;
  if (value !== null && typeof value === 'object') return 'an object';
  if (typeof value === 'number' && !Number.isFinite(value)) return 'a number too large for a double';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}..."` : text;
}

function typeWord(type: string): string {
  switch (type) {
    case 'number':
      return 'a number';
    case 'integer':
      return 'an integer';
    case 'string':
      return 'a string';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list';
    case 'object':
      return 'an object';
    case 'null':
      return 'null';
    default:
      return type;
  }
}

function listValues(values: readonly unknown[]): string {
  return values.map((value) => JSON.stringify(value)).join(', ');
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function resolveRef(root: SchemaObject, ref: string): SchemaObject | undefined {
  if (!ref.startsWith('#')) return undefined;
  let current: unknown = root;
  for (const raw of ref.slice(1).split('/').filter((part) => part !== '')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    current = current !== null && typeof current === 'object' ? (current as SchemaObject)[key] : undefined;
  }
  return current !== null && typeof current === 'object' ? (current as SchemaObject) : undefined;
}

function dereference(root: SchemaObject, schema: unknown): SchemaObject | undefined {
  if (schema === null || typeof schema !== 'object') return undefined;
  const object = schema as SchemaObject;
  return typeof object.$ref === 'string' ? resolveRef(root, object.$ref) : object;
}

function propertiesOf(root: SchemaObject, schema: unknown): Record<string, SchemaObject> {
  const object = dereference(root, schema);
  const properties = object?.properties;
  return properties !== null && typeof properties === 'object' ? (properties as Record<string, SchemaObject>) : {};
}

/** The tag values a discriminated oneOf accepts, in schema order. */
function discriminatorValues(root: SchemaObject, parentSchema: SchemaObject, tag: string): string[] {
  const branches = Array.isArray(parentSchema.oneOf) ? parentSchema.oneOf : [];
  const values: string[] = [];
  for (const branch of branches) {
    const tagSchema = propertiesOf(root, branch)[tag];
    if (typeof tagSchema?.const === 'string') values.push(tagSchema.const);
    else if (Array.isArray(tagSchema?.enum)) values.push(...tagSchema.enum.filter((value): value is string => typeof value === 'string'));
  }
  return values;
}

function description(schema: unknown): string | undefined {
  return schema !== null && typeof schema === 'object' && typeof (schema as SchemaObject).description === 'string'
    ? ((schema as SchemaObject).description as string)
    : undefined;
}

/** "for kind "local"": which variant an object is, when its schema pins one key to a constant. */
function variantPhrase(root: SchemaObject, parentSchema: SchemaObject, data: unknown): string {
  if (data === null || typeof data !== 'object') return '';
  for (const [key, schema] of Object.entries(propertiesOf(root, parentSchema))) {
    const constant = schema?.const;
    if (typeof constant === 'string' && (data as SchemaObject)[key] === constant) return ` for ${key} ${JSON.stringify(constant)}`;
  }
  return '';
}

function draftFor(error: ErrorObject, root: SchemaObject, document: unknown): DraftIssue | undefined {
  const segments = pointerToSegments(error.instancePath, document);
  const parentSchema = (error.parentSchema ?? {}) as SchemaObject;
  const params = error.params as Record<string, unknown>;
  const got = describeValue(error.data);
  const base = { segments, locateAt: segments, keyword: error.keyword };
  switch (error.keyword) {
    case 'type': {
      const types = Array.isArray(params.type) ? (params.type as string[]) : [String(params.type)];
      const wanted = types.map(typeWord).join(' or ');
      let hint: string | undefined;
      if (typeof error.data === 'number' && !Number.isFinite(error.data)) {
        hint = 'numbers beyond about ±1.8e308 overflow a double; write a finite value';
      } else if (typeof error.data === 'string' && types.some((type) => type === 'number' || type === 'integer') && error.data.trim() !== '' && Number.isFinite(Number(error.data))) {
        hint = `remove the quotes: ${error.data.trim()}`;
      } else if (types.includes('integer') && typeof error.data === 'number') {
        hint = `use a whole number, e.g. ${Math.round(error.data)}`;
      } else if (types.includes('boolean') && (error.data === 'true' || error.data === 'false')) {
        hint = `remove the quotes: ${error.data}`;
      }
      return { ...base, message: `must be ${wanted} → got ${got}`, hint: hint ?? description(parentSchema) };
    }
    case 'required': {
      const missing = String(params.missingProperty);
      const memberSegments = [...segments, missing];
      return {
        ...base,
        segments: memberSegments,
        locateAt: segments,
        message: 'is required but missing',
        hint: description(propertiesOf(root, parentSchema)[missing]),
      };
    }
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys(propertiesOf(root, parentSchema));
      const suggestion = didYouMean(key, allowed);
      return {
        ...base,
        segments: [...segments, key],
        locateAt: [...segments, key],
        message: `is not a known key${variantPhrase(root, parentSchema, error.data)}`,
        hint: suggestion ? `did you mean "${suggestion}"? (keys here: ${allowed.join(', ')})` : `keys here: ${allowed.join(', ')}`,
      };
    }
    case 'discriminator': {
      const tag = String(params.tag);
      const allowed = discriminatorValues(root, parentSchema, tag);
      const value = error.data !== null && typeof error.data === 'object' ? (error.data as SchemaObject)[tag] : undefined;
      const tagSegments = [...segments, tag];
      if (value === undefined) {
        return { ...base, segments: tagSegments, locateAt: segments, message: 'is required but missing', hint: `one of ${listValues(allowed)}` };
      }
      const suggestion = typeof value === 'string' ? didYouMean(value, allowed) : undefined;
      return {
        ...base,
        segments: tagSegments,
        locateAt: tagSegments,
        message: `must be one of ${listValues(allowed)} → got ${describeValue(value)}`,
        hint: suggestion ? `did you mean "${suggestion}"?` : undefined,
      };
    }
    case 'enum':
    case 'const': {
      const allowed = error.keyword === 'enum' ? (params.allowedValues as unknown[]) : [params.allowedValue];
      const suggestion =
        typeof error.data === 'string' ? didYouMean(error.data, allowed.filter((value): value is string => typeof value === 'string')) : undefined;
      const unquoted = typeof error.data === 'string' && error.data.trim() !== '' && allowed.includes(Number(error.data));
      const wanted = allowed.length === 1 ? JSON.stringify(allowed[0]) : `one of ${listValues(allowed)}`;
      return {
        ...base,
        message: `must be ${wanted} → got ${got}`,
        hint: suggestion ? `did you mean "${suggestion}"?` : unquoted ? `remove the quotes: ${Number(error.data)}` : description(parentSchema),
      };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const comparison = String(params.comparison);
      return { ...base, message: `must be ${comparison} ${String(params.limit)} → got ${got}`, hint: description(parentSchema) };
    }
    case 'minItems':
      return { ...base, message: `must have at least ${plural(Number(params.limit), 'element')} → got ${got}`, hint: description(parentSchema) };
    case 'maxItems':
      return { ...base, message: `must have at most ${plural(Number(params.limit), 'element')} → got ${got}`, hint: description(parentSchema) };
    case 'minLength':
      return Number(params.limit) === 1
        ? { ...base, message: 'must not be empty', hint: description(parentSchema) }
        : { ...base, message: `must be at least ${plural(Number(params.limit), 'character')} long → got ${got}` };
    case 'maxLength':
      return { ...base, message: `must be at most ${plural(Number(params.limit), 'character')} long → got ${plural(String(error.data).length, 'character')}` };
    case 'uniqueItems': {
      const first = Math.min(Number(params.i), Number(params.j));
      const second = Math.max(Number(params.i), Number(params.j));
      const repeated = Array.isArray(error.data) ? describeValue(error.data[first]) : '';
      return { ...base, message: `must not repeat a value: [${first}] and [${second}] are both ${repeated}`, hint: 'remove the repeated entry' };
    }
    case 'pattern':
      return { ...base, message: `must match the pattern ${String(params.pattern)} → got ${got}`, hint: description(parentSchema) };
    case 'multipleOf':
      return { ...base, message: `must be a multiple of ${String(params.multipleOf)} → got ${got}` };
    default:
      if (UMBRELLA_KEYWORDS.has(error.keyword)) return { ...base, message: 'does not match any of the allowed forms', hint: description(parentSchema) };
      return { ...base, message: error.message ?? `fails the ${error.keyword} rule` };
  }
}

function isPrefix(prefix: readonly PathSegment[], path: readonly PathSegment[]): boolean {
  return prefix.length <= path.length && prefix.every((segment, index) => segment === path[index]);
}

/**
 * ajv errors -> issues, de-duplicated: one message per path and text, an umbrella error (oneOf,
 * anyOf, if) only where nothing more specific was said at or below its path, and nothing beside a
 * type error at the same path (a wrong type makes every other rule there moot).
 */
export function ajvErrorsToIssues(
  errors: readonly ErrorObject[],
  rootSchema: SchemaObject,
  document: unknown,
  locations?: SourceLocations,
): InputIssue[] {
  const drafts = errors.map((error) => draftFor(error, rootSchema, document)).filter((draft): draft is DraftIssue => draft !== undefined);
  const typed = drafts.filter((draft) => draft.keyword === 'type');
  const kept = drafts.filter((draft) => {
    if (UMBRELLA_KEYWORDS.has(draft.keyword)) {
      return !drafts.some((other) => other !== draft && !UMBRELLA_KEYWORDS.has(other.keyword) && isPrefix(draft.segments, other.segments));
    }
    if (draft.keyword !== 'type') {
      return !typed.some((other) => other.segments.length === draft.segments.length && isPrefix(other.segments, draft.segments));
    }
    return true;
  });
  const seen = new Set<string>();
  const issues: InputIssue[] = [];
  for (const draft of kept) {
    const path = formatPath(draft.segments);
    const identity = `${path}\u0000${draft.message}`;
    if (seen.has(identity)) continue;
    seen.add(identity);
    const position = locations?.locate(draft.locateAt);
    issues.push({
      path,
      message: draft.message,
      ...(draft.hint ? { hint: draft.hint } : {}),
      ...(position ? { line: position.line, column: position.column } : {}),
      severity: 'error',
    });
  }
  return sortByPosition(issues);
}

/** Document order where positions are known; issues without one keep their order at the end. */
export function sortByPosition(issues: InputIssue[]): InputIssue[] {
  return issues
    .map((issue, index) => ({ issue, index }))
    .sort((left, right) => {
      const leftLine = left.issue.line ?? Number.POSITIVE_INFINITY;
      const rightLine = right.issue.line ?? Number.POSITIVE_INFINITY;
      if (leftLine !== rightLine) return leftLine - rightLine;
      const leftColumn = left.issue.column ?? 0;
      const rightColumn = right.issue.column ?? 0;
      if (leftColumn !== rightColumn) return leftColumn - rightColumn;
      return left.index - right.index;
    })
    .map((entry) => entry.issue);
}
