/** The target schema itself: described and closed everywhere, and usable through the generic API. */
import { describe, expect, it } from 'vitest';
import { loadSchema, validateAgainstSchema } from '../../src/schema/validate-against-schema.js';

type Node = Record<string, unknown>;

/** Every object-typed schema node with its location in the schema. */
function walk(node: unknown, where: string, visit: (node: Node, where: string) => void): void {
  if (Array.isArray(node)) {
    node.forEach((child, index) => walk(child, `${where}[${index}]`, visit));
    return;
  }
  if (node === null || typeof node !== 'object') return;
  visit(node as Node, where);
  for (const [key, child] of Object.entries(node as Node)) {
    if (key === 'enum' || key === 'const' || key === 'required' || key === 'discriminator') continue;
    walk(child, `${where}/${key}`, visit);
  }
}

describe('schema/target.schema.json', () => {
  const schema = loadSchema('target');

  it('is JSON Schema 2020-12', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('closes every object with additionalProperties: false', () => {
    const open: string[] = [];
    walk(schema, '#', (node, where) => {
      if (node.properties !== undefined && node.additionalProperties !== false) open.push(where);
    });
    expect(open).toEqual([]);
  });

  it('describes every key', () => {
    const undescribed: string[] = [];
    walk(schema, '#', (node, where) => {
      const properties = node.properties as Record<string, Node> | undefined;
      if (where.endsWith('/properties')) return;
      for (const [key, child] of Object.entries(properties ?? {})) {
        if (typeof child.description !== 'string' || child.description === '') undescribed.push(`${where}/properties/${key}`);
      }
    });
    expect(undescribed).toEqual([]);
  });

  it('validates one definition through the generic API', () => {
    const block = { order: 2, indices: [[0, 0]], values: [0.5], stderr: [0] };
    expect(validateAgainstSchema('target', block, { definition: 'correlatorBlock' })).toEqual([]);
    expect(validateAgainstSchema('target', { ...block, stderr: ['x'] }, { definition: 'correlatorBlock' })).toEqual([
      { path: 'stderr[0]', message: 'must be a number → got "x"', hint: 'A standard error, from 0 to 1e100.', severity: 'error' },
    ]);
  });

  it('collapses a wrong type into one message per location', () => {
    const issues = validateAgainstSchema('target', { nnftTarget: 1, name: 'x', dimension: 'two', action: 3, regulator: {}, observables: {} });
    const paths = issues.map((issue) => issue.path);
    expect(new Set(paths).size).toBe(paths.length);
    expect(issues).toContainEqual(expect.objectContaining({ path: 'dimension', message: 'must be an integer → got "two"' }));
    expect(issues).toContainEqual(expect.objectContaining({ path: 'action', message: 'must be an object → got 3' }));
  });
});
