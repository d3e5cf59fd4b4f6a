/**
 * JSON pointers (RFC 6901): "/a/b~1c/0" addresses key "b/c" of object "a", then element 0.
 * Sweeps address every varied field with one pointer into the point document { target, options }.
 */
import { NnftError } from '../errors.js';

export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) {
    throw new NnftError('E_SEMANTIC', `JSON pointer ${JSON.stringify(pointer)} must start with "/"`);
  }
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function formatPointer(tokens: readonly string[]): string {
  return tokens.map((token) => `/${token.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  return value !== null && typeof value === 'object';
}

function arrayIndex(token: string, length: number): number | null {
  if (!/^(0|[1-9][0-9]*)$/.test(token)) return null;
  const index = Number(token);
  return index < length ? index : null;
}

export type PointerLookup = { found: true; value: unknown } | { found: false; reason: string };

/** Read the value a pointer addresses, or say which token failed and why. */
export function getByPointer(document: unknown, pointer: string): PointerLookup {
  let current: unknown = document;
  const tokens = parsePointer(pointer);
  for (let position = 0; position < tokens.length; position++) {
    const token = tokens[position]!;
    const where = formatPointer(tokens.slice(0, position)) || '/';
    if (Array.isArray(current)) {
      const index = arrayIndex(token, current.length);
      if (index === null) return { found: false, reason: `${where} is an array of ${current.length} and has no element "${token}"` };
      current = current[index];
    } else if (isContainer(current)) {
      if (!Object.prototype.hasOwnProperty.call(current, token)) {
        const keys = Object.keys(current);
        return { found: false, reason: `${where} has no key "${token}"${keys.length ? ` (keys: ${keys.join(', ')})` : ''}` };
      }
      current = (current as Record<string, unknown>)[token];
    } else {
      return { found: false, reason: `${where} is ${JSON.stringify(current)}, not an object or array` };
    }
  }
  return { found: true, value: current };
}

/**
 * Set the value at a pointer in place. The parent must exist; an object key may be new (so an
 * option the base file leaves at its default can be varied), an array element must exist.
 */
export function setByPointer(document: unknown, pointer: string, value: unknown): void {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) throw new NnftError('E_SEMANTIC', 'cannot replace the whole document with a JSON pointer');
  const parentPointer = formatPointer(tokens.slice(0, -1));
  const parent = getByPointer(document, parentPointer);
  if (!parent.found) throw new NnftError('E_SEMANTIC', `cannot set ${pointer}: ${parent.reason}`);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent.value)) {
    const index = arrayIndex(last, parent.value.length);
    if (index === null) throw new NnftError('E_SEMANTIC', `cannot set ${pointer}: ${parentPointer} has no element "${last}"`);
    parent.value[index] = value;
  } else if (isContainer(parent.value)) {
    (parent.value as Record<string, unknown>)[last] = value;
  } else {
    throw new NnftError('E_SEMANTIC', `cannot set ${pointer}: ${parentPointer} is not an object or array`);
  }
}
