/**
 * Read a target file, validate it (JSON syntax, schema, semantics) and normalise it into a Theory.
 * STUB: owned by the target-validation work; the real implementation replaces this file.
 */
import { readFile } from 'node:fs/promises';
import type { InputIssue } from '../errors.js';
import type { Theory } from './theory.js';
import { NnftError } from '../errors.js';

export interface LoadedTarget {
  theory: Theory;
  /** Problems that do not stop the run (e.g. an unrenormalised phi^4 term in d >= 2). */
  warnings: InputIssue[];
}

export async function loadTarget(file: string): Promise<LoadedTarget> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new NnftError('E_FILE_NOT_FOUND', `cannot read target file ${file}`, { file, cause: error });
  }
  const raw = JSON.parse(text);
  const theory: Theory = {
    name: raw.name ?? 'unnamed',
    description: raw.description ?? '',
    dimension: raw.dimension,
    mass: raw.action.free.mass,
    interactions: (raw.action.interactions ?? []).map((t: any) =>
      t.kind === 'local' ? { kind: 'local', power: t.power, coupling: t.coupling, wickOrdered: t.wickOrdered ?? false } : t,
    ),
    momentumCutoff: raw.regulator.momentumCutoff ?? null,
    interactionRegion: raw.regulator.interactionRegion ?? null,
    points: raw.observables.points,
    connectedOrders: raw.observables.connected,
    targetCorrelators: { method: raw.targetCorrelators?.method ?? 'auto', options: {} },
    source: { file, sha256: null },
  };
  return { theory, warnings: [] };
}
