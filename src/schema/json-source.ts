/**
 * Read JSON text the way a person needs it read: syntax errors with line:column and a hint for the
 * usual slips (trailing commas, comments, single quotes, NaN), and a map from JSON paths to where
 * each key and value sits in the text so schema and semantic issues can point at a line too.
 *
 * The value itself always comes from JSON.parse (the reference parser); the scanner here only
 * locates things and explains failures, so a scanner bug can cost a line number, never a wrong value.
 * We scan ourselves rather than parse JSON.parse's message because its wording and whether it names
 * a position differ between Node versions, and snapshots of our messages must not.
 */
import type { InputIssue } from '../errors.js';
import { formatPath, locationKey, type PathSegment } from './json-path.js';

export interface SourcePosition {
  /** 1-based line. */
  line: number;
  /** 1-based column, counted in UTF-16 code units after a leading byte-order mark is removed. */
  column: number;
}

interface Located {
  key?: SourcePosition;
  value: SourcePosition;
}

/** Where keys and values of a parsed document sit in its text. */
export class SourceLocations {
  private readonly entries = new Map<string, Located>();

  record(segments: readonly PathSegment[], located: Located): void {
    this.entries.set(locationKey(segments), located);
  }

  /** Position of a member's key (or of an array element's value); falls back to the nearest ancestor. */
  locate(segments: readonly PathSegment[]): SourcePosition | undefined {
    for (let length = segments.length; length >= 0; length--) {
      const found = this.entries.get(locationKey(segments.slice(0, length)));
      if (found) return found.key ?? found.value;
    }
    return undefined;
  }

  /** Position of the value at exactly this path, if it exists. */
  valueAt(segments: readonly PathSegment[]): SourcePosition | undefined {
    return this.entries.get(locationKey(segments))?.value;
  }
}

export type JsonSourceResult =
  | { ok: true; value: unknown; locations: SourceLocations; duplicateKeys: InputIssue[] }
  | { ok: false; issue: InputIssue };

class ScanError extends Error {
  constructor(
    readonly offset: number,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

const BYTE_ORDER_MARK = '\uFEFF';

/**
 * Deepest nesting of objects and lists a file may have. nnft's own formats nest at most about 6
 * levels (a correlator block's index tuple inside a target); the bound keeps the scanner's recursion
 * (and everything after it that walks the document) far from the call-stack limit.
 */
export const MAX_NESTING_DEPTH = 64;

/** A failure that holds even when JSON.parse accepts the text (nesting beyond MAX_NESTING_DEPTH). */
class FatalScanError extends ScanError {}

const SAVE_AS_UTF8 = 'save the file as UTF-8 (in most editors: "Save with encoding" → UTF-8), then try again';

/** What the first bytes of a file say its encoding is, when it is not UTF-8. */
function otherEncoding(bytes: Uint8Array): string | undefined {
  const [b0, b1, b2, b3] = [bytes[0], bytes[1], bytes[2], bytes[3]];
  if (b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0) return 'UTF-32 (little-endian, with a byte-order mark)';
  if (b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff) return 'UTF-32 (big-endian, with a byte-order mark)';
  if (b0 === 0xff && b1 === 0xfe) return 'UTF-16 (little-endian, with a byte-order mark)';
  if (b0 === 0xfe && b1 === 0xff) return 'UTF-16 (big-endian, with a byte-order mark)';
  if (bytes.length >= 4 && b0 === 0 && b1 === 0 && b2 === 0 && b3 !== 0) return 'UTF-32 (big-endian)';
  if (bytes.length >= 4 && b0 !== 0 && b1 === 0 && b2 === 0 && b3 === 0) return 'UTF-32 (little-endian)';
  if (bytes.length >= 2 && b0 === 0 && b1 !== 0) return 'UTF-16 (big-endian)';
  if (bytes.length >= 2 && b0 !== 0 && b1 === 0) return 'UTF-16 (little-endian)';
  return undefined;
}

/**
 * Decode a file's bytes as UTF-8 JSON text: UTF-16 and UTF-32 (with or without a byte-order mark)
 * are recognised and named, other bytes that are not UTF-8 are located; a UTF-8 byte-order mark is
 * accepted (parseJsonSource drops it).
 */
export function decodeJsonBytes(bytes: Uint8Array): { ok: true; text: string } | { ok: false; issue: InputIssue } {
  const encoding = otherEncoding(bytes);
  if (encoding) {
    return { ok: false, issue: { path: '', message: `the file is ${encoding} text; nnft reads UTF-8 only`, hint: `UTF-16/UTF-32; ${SAVE_AS_UTF8}`, line: 1, column: 1 } };
  }
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    // Point at the first byte that is not UTF-8: the lenient decoder marks it with U+FFFD.
    const lenient = new TextDecoder('utf-8').decode(bytes);
    const before = lenient.slice(0, Math.max(0, lenient.indexOf('\uFFFD')));
    const lines = before.split('\n');
    return {
      ok: false,
      issue: {
        path: '',
        message: 'the file is not valid UTF-8 text',
        hint: 'save the file as UTF-8 JSON (it may be UTF-16, Latin-1, or not text at all)',
        line: lines.length,
        column: lines[lines.length - 1]!.length + 1,
      },
    };
  }
}

/** Signs, in text already decoded, that the bytes were UTF-16 or UTF-32 (NUL characters, a swapped or mangled mark). */
function misdecoded(text: string): string | undefined {
  if (text.startsWith('\uFFFE') || text.startsWith('\uFFFD\uFFFD')) return 'UTF-16 or UTF-32 (a byte-order mark that is not UTF-8)';
  if (text.includes('\u0000')) return 'UTF-16 or UTF-32 (it holds NUL characters)';
  return undefined;
}

export function parseJsonSource(rawText: string): JsonSourceResult {
  const text = rawText.startsWith(BYTE_ORDER_MARK) ? rawText.slice(1) : rawText;
  const encoding = misdecoded(text);
  if (encoding) {
    return { ok: false, issue: { path: '', message: `the file looks like ${encoding} text; nnft reads UTF-8 only`, hint: `UTF-16/UTF-32; ${SAVE_AS_UTF8}`, line: 1, column: 1 } };
  }
  const scanner = new Scanner(text);
  if (text.trim() === '') {
    return {
      ok: false,
      issue: {
        path: '',
        message: 'the file is empty',
        hint: 'a target file is one JSON object; start from a copy of targets/free-scalar-1d.json',
        line: 1,
        column: 1,
      },
    };
  }
  let scanFailure: ScanError | undefined;
  try {
    scanner.scanDocument();
  } catch (error) {
    if (!(error instanceof ScanError)) throw error;
    scanFailure = error;
  }
  if (scanFailure instanceof FatalScanError) {
    const position = scanner.position(scanFailure.offset);
    return { ok: false, issue: { path: '', message: scanFailure.message, hint: scanFailure.hint, ...position } };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    if (scanFailure) {
      const position = scanner.position(scanFailure.offset);
      return { ok: false, issue: { path: '', message: scanFailure.message, hint: scanFailure.hint, ...position } };
    }
    // The scanner accepted what JSON.parse rejects: report JSON.parse's own words without a position.
    return { ok: false, issue: { path: '', message: `invalid JSON: ${(error as Error).message}` } };
  }
  if (scanFailure) return { ok: true, value, locations: new SourceLocations(), duplicateKeys: [] };
  return { ok: true, value, locations: scanner.locations, duplicateKeys: scanner.duplicateKeys };
}

function describeCharacter(character: string | undefined): string {
  if (character === undefined) return 'the end of the file';
  if (character === '\n' || character === '\r') return 'a line break';
  if (character === '\t') return 'a tab';
  return JSON.stringify(character);
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WORD = /[A-Za-z_$][A-Za-z0-9_$]*/y;

class Scanner {
  readonly locations = new SourceLocations();
  readonly duplicateKeys: InputIssue[] = [];
  private offset = 0;
  private depth = 0;
  private readonly lineStarts: number[] = [0];

  constructor(private readonly text: string) {
    for (let index = 0; index < text.length; index++) {
      if (text[index] === '\n') this.lineStarts.push(index + 1);
    }
  }

  position(offset: number): SourcePosition {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.lineStarts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - this.lineStarts[low]! + 1 };
  }

  scanDocument(): void {
    this.skipSpace();
    const start = this.offset;
    this.scanValue([]);
    this.locations.record([], { value: this.position(start) });
    this.skipSpace();
    if (this.offset < this.text.length) {
      throw new ScanError(
        this.offset,
        `unexpected ${describeCharacter(this.text[this.offset])} after the end of the JSON value`,
        'a target file holds exactly one JSON object; check for a stray bracket or a second object',
      );
    }
  }

  private skipSpace(): void {
    for (;;) {
      const character = this.text[this.offset];
      if (character === ' ' || character === '\t' || character === '\n' || character === '\r') {
        this.offset++;
      } else if (character === '/' && (this.text[this.offset + 1] === '/' || this.text[this.offset + 1] === '*')) {
        throw new ScanError(this.offset, 'JSON does not allow comments', 'remove the comment, or move the text into "description"');
      } else {
        return;
      }
    }
  }

  private scanValue(segments: PathSegment[]): void {
    const character = this.text[this.offset];
    if (character === '{' || character === '[') {
      if (this.depth >= MAX_NESTING_DEPTH) {
        throw new FatalScanError(
          this.offset,
          `objects and lists are nested more than ${MAX_NESTING_DEPTH} levels deep here`,
          `nnft files nest a few levels only; at most ${MAX_NESTING_DEPTH} are read. Check for a runaway bracket or a file that is not an nnft file`,
        );
      }
      this.depth++;
      try {
        return character === '{' ? this.scanObject(segments) : this.scanArray(segments);
      } finally {
        this.depth--;
      }
    }
    if (character === '"') {
      this.scanString();
      return;
    }
    if (character === "'") {
      throw new ScanError(this.offset, 'strings must use double quotes', 'replace the single quotes \' with double quotes "');
    }
    if (character === '-' || (character !== undefined && character >= '0' && character <= '9')) return this.scanNumber();
    if (character === '.' || character === '+') {
      throw new ScanError(
        this.offset,
        `a JSON number cannot start with ${JSON.stringify(character)}`,
        character === '.' ? 'write a digit before the decimal point: 0.5, not .5' : 'drop the + sign: 1.5, not +1.5',
      );
    }
    WORD.lastIndex = this.offset;
    const word = WORD.exec(this.text)?.[0];
    if (word === 'true' || word === 'false' || word === 'null') {
      this.offset += word.length;
      return;
    }
    if (word !== undefined) throw this.wordError(word);
    if (character === undefined) throw new ScanError(this.offset, 'the file ends where a value was expected', 'complete the value or remove the last key');
    throw new ScanError(this.offset, `expected a value, found ${describeCharacter(character)}`);
  }

  private wordError(word: string): ScanError {
    if (word === 'NaN' || word === 'Infinity') {
      return new ScanError(this.offset, `JSON has no ${word}`, 'write a finite number');
    }
    const replacements: Record<string, string> = { True: 'true', False: 'false', None: 'null', undefined: 'null', TRUE: 'true', FALSE: 'false', NULL: 'null' };
    const replacement = replacements[word];
    if (replacement) return new ScanError(this.offset, `${word} is not a JSON value`, `write ${replacement}`);
    return new ScanError(this.offset, `unexpected word ${word}`, `if it is text, put it in double quotes: "${word}"`);
  }

  private scanNumber(): void {
    if (this.text.startsWith('-Infinity', this.offset)) throw new ScanError(this.offset, 'JSON has no -Infinity', 'write a finite number');
    NUMBER.lastIndex = this.offset;
    const match = NUMBER.exec(this.text);
    if (!match) throw new ScanError(this.offset, 'a minus sign must be followed by a digit');
    const end = this.offset + match[0].length;
    const next = this.text[end];
    if (next === '.' || next === 'e' || next === 'E' || (next !== undefined && next >= '0' && next <= '9')) {
      const hint =
        next === '.'
          ? 'write a digit after the decimal point: 1.0, not 1.'
          : next === 'e' || next === 'E'
            ? 'an exponent needs digits: 1e-3'
            : 'JSON numbers have no leading zeros: 7, not 07';
      throw new ScanError(this.offset, `malformed number ${this.text.slice(this.offset, end + 1)}`, hint);
    }
    this.offset = end;
  }

  private scanString(): string {
    const start = this.offset;
    this.offset++;
    let content = '';
    for (;;) {
      const character = this.text[this.offset];
      if (character === undefined) {
        throw new ScanError(start, 'this string is never closed', 'add the closing double quote "');
      }
      if (character === '"') {
        this.offset++;
        return content;
      }
      if (character === '\n' || character === '\r') {
        throw new ScanError(this.offset, 'line break inside a string', 'close the string with " before the line ends, or write \\n');
      }
      if (character < ' ') {
        throw new ScanError(this.offset, `control character ${describeCharacter(character)} inside a string`, 'write it escaped, e.g. \\t');
      }
      if (character === '\\') {
        const escape = this.text[this.offset + 1];
        if (escape === 'u') {
          const hex = this.text.slice(this.offset + 2, this.offset + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new ScanError(this.offset, 'a \\u escape needs four hexadecimal digits');
          content += String.fromCharCode(parseInt(hex, 16));
          this.offset += 6;
          continue;
        }
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (escape === undefined || !(escape in simple)) {
          throw new ScanError(this.offset, `invalid escape \\${escape ?? ''} in a string`, 'write a backslash as \\\\');
        }
        content += simple[escape];
        this.offset += 2;
        continue;
      }
      content += character;
      this.offset++;
    }
  }

  private scanObject(segments: PathSegment[]): void {
    const open = this.offset;
    this.offset++;
    const seen = new Map<string, number>();
    this.skipSpace();
    if (this.text[this.offset] === '}') {
      this.offset++;
      return;
    }
    for (;;) {
      this.skipSpace();
      const keyStart = this.offset;
      const character = this.text[this.offset];
      if (character === undefined) throw this.unclosed('object', '}', open);
      if (character !== '"') throw this.badKey(character);
      const key = this.scanString();
      const keyPosition = this.position(keyStart);
      const previous = seen.get(key);
      const memberPath = [...segments, key];
      if (previous !== undefined) {
        const first = this.position(previous);
        this.duplicateKeys.push({
          path: formatPath(memberPath),
          message: `key "${key}" appears twice in this object (first at line ${first.line}:${first.column})`,
          hint: 'JSON keeps only the last one; delete one of them',
          ...keyPosition,
        });
      }
      seen.set(key, keyStart);
      this.skipSpace();
      if (this.text[this.offset] !== ':') {
        throw new ScanError(this.offset, `expected ":" after the key "${key}", found ${describeCharacter(this.text[this.offset])}`);
      }
      this.offset++;
      this.skipSpace();
      const valueStart = this.offset;
      this.scanValue(memberPath);
      this.locations.record(memberPath, { key: keyPosition, value: this.position(valueStart) });
      this.skipSpace();
      const more = this.nextOrClose('object', open, (after) =>
        after === '"'
          ? new ScanError(this.offset, 'missing comma between members', 'put a comma after the previous value')
          : new ScanError(this.offset, `expected "," or "}" after the value of "${key}", found ${describeCharacter(after)}`),
      );
      if (!more) return;
    }
  }

  private badKey(character: string): ScanError {
    if (character === '}') return new ScanError(this.offset, 'trailing comma before }', 'JSON does not allow a comma after the last member; remove it');
    if (character === "'") return new ScanError(this.offset, 'keys must use double quotes', 'replace the single quotes \' with double quotes "');
    WORD.lastIndex = this.offset;
    const word = WORD.exec(this.text)?.[0];
    if (word !== undefined) return new ScanError(this.offset, `key ${word} is not in double quotes`, `write "${word}"`);
    return new ScanError(this.offset, `expected a key in double quotes, found ${describeCharacter(character)}`);
  }

  private scanArray(segments: PathSegment[]): void {
    const open = this.offset;
    this.offset++;
    this.skipSpace();
    if (this.text[this.offset] === ']') {
      this.offset++;
      return;
    }
    for (let index = 0; ; index++) {
      this.skipSpace();
      if (this.text[this.offset] === undefined) throw this.unclosed('array', ']', open);
      const valueStart = this.offset;
      const elementPath = [...segments, index];
      this.scanValue(elementPath);
      this.locations.record(elementPath, { value: this.position(valueStart) });
      this.skipSpace();
      const more = this.nextOrClose(
        'array',
        open,
        (after) => new ScanError(this.offset, `expected "," or "]" in a list, found ${describeCharacter(after)}`, 'separate list elements with commas'),
      );
      if (!more) return;
    }
  }

  /**
   * After a member or element: step over "," (true: another follows; a comma right before the
   * closer is an error) or over the closer (false: done). The end of the text and the other kind's
   * closer are errors here; any other character is the caller's `unexpected` error.
   */
  private nextOrClose(kind: 'object' | 'array', open: number, unexpected: (after: string) => ScanError): boolean {
    const [closer, wrongCloser, item, name] = kind === 'object' ? ['}', ']', 'member', 'object'] : [']', '}', 'element', 'list'];
    const after = this.text[this.offset];
    if (after === ',') {
      const comma = this.offset;
      this.offset++;
      this.skipSpace();
      if (this.text[this.offset] === closer) {
        throw new ScanError(comma, `trailing comma before ${closer}`, `JSON does not allow a comma after the last ${item}; remove it`);
      }
      return true;
    }
    if (after === closer) {
      this.offset++;
      return false;
    }
    if (after === undefined) throw this.unclosed(kind, closer, open);
    if (after === wrongCloser) throw new ScanError(this.offset, `found ${wrongCloser} where ${closer} should close the ${name} opened at line ${this.lineOf(open)}`);
    throw unexpected(after);
  }

  private lineOf(offset: number): string {
    const position = this.position(offset);
    return `${position.line}:${position.column}`;
  }

  private unclosed(kind: 'object' | 'array', closer: string, open: number): ScanError {
    return new ScanError(
      this.text.length,
      `the file ends inside the ${kind === 'object' ? 'object' : 'list'} opened at line ${this.lineOf(open)}`,
      `add the missing ${closer}`,
    );
  }
}
