/** Read a sweep file: JSON syntax, schema, its base target (relative to the sweep file), expansion. */
import { dirname, resolve } from 'node:path';
import { NnftError } from '../errors.js';
import { expandSweep, type SweepPlan } from './expand-sweep.js';
import { readJsonInput } from './json-source.js';
import type { SweepFile } from './sweep-file.js';
import { validateSweepDocument } from './validate-sweep.js';

export interface LoadedSweep {
  file: string;
  sweep: SweepFile;
  /** Absolute path of the base target file. */
  targetFile: string;
  plan: SweepPlan;
}

export async function loadSweep(file: string): Promise<LoadedSweep> {
  const absolute = resolve(file);
  const document = await readJsonInput(absolute, 'sweep file');
  const sweep = validateSweepDocument(document.value, file, document.locations);
  const targetFile = resolve(dirname(absolute), sweep.target);
  const { value: target } = await readJsonInput(targetFile, 'base target of the sweep').catch((error: unknown) => {
    if (error instanceof NnftError && error.code === 'E_FILE_NOT_FOUND') {
      throw new NnftError('E_FILE_NOT_FOUND', `the sweep's base target ${targetFile} cannot be read`, {
        file,
        issues: [{ path: 'target', message: `no file at ${targetFile}`, hint: 'the target path is relative to the sweep file' }],
      });
    }
    throw error;
  });
  if (target === null || typeof target !== 'object' || Array.isArray(target)) {
    throw new NnftError('E_SCHEMA', `${targetFile} is not a target object`, { file: targetFile });
  }
  try {
    return { file: absolute, sweep, targetFile, plan: expandSweep(sweep, target as Record<string, unknown>) };
  } catch (error) {
    if (error instanceof NnftError && !error.file) {
      throw new NnftError(error.code, error.message, { file, issues: error.issues, ...(error.hint ? { hint: error.hint } : {}) });
    }
    throw error;
  }
}
