/** The located JSON scanner: positions of keys and values, and the syntax errors people make. */
import { describe, expect, it } from 'vitest';
import { parseJsonSource } from '../../src/schema/json-source.js';
import { formatPath, parsePath } from '../../src/schema/json-path.js';
import { didYouMean, editDistance } from '../../src/schema/did-you-mean.js';

function failure(text: string) {
  const result = parseJsonSource(text);
  if (result.ok) throw new Error('expected a syntax error');
  return result.issue;
}

describe('parseJsonSource', () => {
  it('returns JSON.parse values and locates keys and array elements', () => {
    const text = '{\n  "a": {\n    "b": [1, 2.5e3]\n  },\n  "c": null\n}\n';
    const result = parseJsonSource(text);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toEqual(JSON.parse(text));
    expect(result.locations.locate(['a'])).toEqual({ line: 2, column: 3 });
    expect(result.locations.locate(['a', 'b'])).toEqual({ line: 3, column: 5 });
    expect(result.locations.locate(['a', 'b', 1])).toEqual({ line: 3, column: 14 });
    expect(result.locations.valueAt(['c'])).toEqual({ line: 5, column: 8 });
    // A path that does not exist falls back to its nearest ancestor.
    expect(result.locations.locate(['a', 'missing'])).toEqual({ line: 2, column: 3 });
  });

  it('reports duplicate keys without failing the parse', () => {
    const result = parseJsonSource('{"m": 1,\n "m": 2}');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.duplicateKeys).toHaveLength(1);
    expect(result.duplicateKeys[0]).toMatchObject({ path: 'm', line: 2, column: 2 });
  });

  it('ignores a byte-order mark when counting columns', () => {
    expect(failure('\uFEFF{"a": 1,}')).toMatchObject({ message: 'trailing comma before }', line: 1, column: 8 });
  });

  it.each([
    ['', 'the file is empty', 1, 1],
    ['{"a": 1,\n "b": 2,\n}', 'trailing comma before }', 2, 8],
    ['[1, 2,]', 'trailing comma before ]', 1, 6],
    ['{"a": 1 "b": 2}', 'missing comma between members', 1, 9],
    ["{'a': 1}", 'keys must use double quotes', 1, 2],
    ['{a: 1}', 'key a is not in double quotes', 1, 2],
    ['{"a": NaN}', 'JSON has no NaN', 1, 7],
    ['{"a": -Infinity}', 'JSON has no -Infinity', 1, 7],
    ['{"a": .5}', 'a JSON number cannot start with "."', 1, 7],
    ['{"a": 1.}', 'malformed number 1.', 1, 7],
    ['{"a": "x\n"}', 'line break inside a string', 1, 9],
    ['{"a": [1, 2}', 'found } where ] should close the list opened at line 1:7', 1, 12],
    ['{"a": 1}\n// note', 'JSON does not allow comments', 2, 1],
    ['{"a": 1} {}', 'unexpected "{" after the end of the JSON value', 1, 10],
    ['{"a": {"b": 1}', 'the file ends inside the object opened at line 1:1', 1, 15],
  ])('%j -> %s at %i:%i', (text, message, line, column) => {
    expect(failure(text)).toMatchObject({ path: '', message, line, column });
  });
});

describe('paths', () => {
  it('format and parse back', () => {
    const segments = ['action', 'interactions', 0, 'coupling'];
    expect(formatPath(segments)).toBe('action.interactions[0].coupling');
    expect(parsePath('action.interactions[0].coupling')).toEqual(segments);
    expect(formatPath(['$schema'])).toBe('["$schema"]');
    expect(parsePath('["$schema"]')).toEqual(['$schema']);
    expect(formatPath(['a.b', 2])).toBe('["a.b"][2]');
    expect(parsePath('["a.b"][2]')).toEqual(['a.b', 2]);
  });
});

describe('didYouMean', () => {
  const keys = ['kind', 'power', 'coupling', 'wickOrdered'];
  it('finds typos, swaps, case slips and prefixes', () => {
    expect(editDistance('couplng', 'coupling')).toBe(1);
    expect(editDistance('cuopling', 'coupling')).toBe(1);
    expect(didYouMean('couplng', keys)).toBe('coupling');
    expect(didYouMean('Power', keys)).toBe('power');
    expect(didYouMean('wickOrderd', keys)).toBe('wickOrdered');
    expect(didYouMean('wick', keys)).toBe('wickOrdered');
    expect(didYouMean('momentumCutOff', ['momentumCutoff', 'interactionRegion'])).toBe('momentumCutoff');
  });
  it('stays quiet when nothing is close', () => {
    expect(didYouMean('notes', keys)).toBeUndefined();
    expect(didYouMean('x', keys)).toBeUndefined();
  });
});
