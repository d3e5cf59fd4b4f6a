/**
 * Dotted JSON paths for messages: `action.interactions[0].coupling`. A key that is not a plain
 * identifier is quoted in brackets (`["$schema"]`, `["a.b"]`) so a path always reads back unambiguously.
 */

export type PathSegment = string | number;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function formatPath(segments: readonly PathSegment[]): string {
  let text = '';
  for (const segment of segments) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/** Split a JSON pointer (RFC 6901, as ajv's instancePath) into segments; array indices become numbers. */
export function pointerToSegments(pointer: string, data?: unknown): PathSegment[] {
  if (pointer === '') return [];
  const segments: PathSegment[] = [];
  let current: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current) && /^\d+$/.test(key)) {
      segments.push(Number(key));
      current = current[Number(key)];
    } else {
      segments.push(key);
      current = current !== null && typeof current === 'object' ? (current as Record<string, unknown>)[key] : undefined;
    }
  }
  return segments;
}

/** Key used to look up source locations: independent of how a path is displayed. */
export function locationKey(segments: readonly PathSegment[]): string {
  return JSON.stringify(segments);
}

/** Inverse of formatPath: `a.b[0]["c.d"]` -> ['a', 'b', 0, 'c.d']. Unparseable text yields the segments read so far. */
export function parsePath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  const pattern = /(?:^|\.)([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;
  pattern.lastIndex = 0;
  while (pattern.lastIndex < path.length) {
    const match = pattern.exec(path);
    if (!match) break;
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else segments.push(JSON.parse(match[3]!) as string);
  }
  return segments;
}
