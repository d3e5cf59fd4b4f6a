/** The separator after an object member or a list element: the messages and positions users see. */
import { describe, expect, it } from 'vitest';
import { parseJsonSource } from '../../src/schema/json-source.js';

describe('parseJsonSource: after a member or an element', () => {
  const cases: [text: string, message: string, hint: string | null, at: string][] = [
    ['{"a": 1,}', 'trailing comma before }', 'JSON does not allow a comma after the last member; remove it', '1:8'],
    ['[1, 2,]', 'trailing comma before ]', 'JSON does not allow a comma after the last element; remove it', '1:6'],
    ['{"a": 1 "b": 2}', 'missing comma between members', 'put a comma after the previous value', '1:9'],
    ['{"a": 1]', 'found ] where } should close the object opened at line 1:1', null, '1:8'],
    ['[1, 2}', 'found } where ] should close the list opened at line 1:1', null, '1:6'],
    ['{"a": 1', 'the file ends inside the object opened at line 1:1', 'add the missing }', '1:8'],
    ['[1, 2', 'the file ends inside the list opened at line 1:1', 'add the missing ]', '1:6'],
    ['{"a": 1 x}', 'expected "," or "}" after the value of "a", found "x"', null, '1:9'],
    ['[1 2]', 'expected "," or "]" in a list, found "2"', 'separate list elements with commas', '1:4'],
    ['[1 x]', 'expected "," or "]" in a list, found "x"', 'separate list elements with commas', '1:4'],
    ['{"a": [1, {"b": 2,}]}', 'trailing comma before }', 'JSON does not allow a comma after the last member; remove it', '1:18'],
    ['{"a": {"b": [1,\n 2,\n]}}', 'trailing comma before ]', 'JSON does not allow a comma after the last element; remove it', '2:3'],
  ];
  for (const [text, message, hint, at] of cases) {
    it(`${JSON.stringify(text)}: ${message}`, () => {
      const result = parseJsonSource(text);
      if (result.ok) throw new Error('accepted');
      expect(result.issue.message).toBe(message);
      expect(result.issue.hint ?? null).toBe(hint);
      expect(`${result.issue.line}:${result.issue.column}`).toBe(at);
    });
  }

  it('accepts nested objects and lists with commas in every place JSON allows', () => {
    const result = parseJsonSource('{ "a": [1, 2, { "b": [] }], "c": { "d": null, "e": [[], {}] } }');
    expect(result.ok && result.value).toEqual({ a: [1, 2, { b: [] }], c: { d: null, e: [[], {}] } });
  });
});
