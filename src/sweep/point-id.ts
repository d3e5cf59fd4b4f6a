/**
 * Stable point ids: a readable slug of the varied values plus a short hash of the point's resolved
 * inputs. The hash, not the position, identifies a point, so adding values to a sweep keeps the
 * existing points' directories (and their finished runs) valid.
 */
import { contentHash } from '../io/canonical-json.js';

const HASH_LENGTH = 10;
const SLUG_LENGTH = 80;

function formatValue(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
  if (typeof value === 'string' || typeof value === 'boolean') return String(value);
  return contentHash(value).slice(0, 6);
}

/** "coupling-0.1_width-64": only [A-Za-z0-9._-], so it is safe as a directory name everywhere. */
export function pointSlug(values: Record<string, unknown>): string {
  const slug = Object.entries(values)
    .map(([name, value]) => `${name}-${formatValue(value)}`)
    .join('_')
    .replace(/[^A-Za-z0-9._-]+/g, '-');
  return slug.length > SLUG_LENGTH ? slug.slice(0, SLUG_LENGTH) : slug;
}

export function pointInputHash(inputs: { target: unknown; options: unknown }): string {
  return contentHash(inputs);
}

export function pointId(slug: string, inputHash: string): string {
  return `${slug}-${inputHash.slice(0, HASH_LENGTH)}`;
}
