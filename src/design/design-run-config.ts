/**
 * What a design's run directory records in config.json (io/run-directory.ts hashes it; a resumed run
 * must give the same config): the target, its provenance (file, sha256, a summary of the theory),
 * the resolved settings and the nnft version.
 *
 * A target read from a file is named by its absolute path and resumed from that file (a changed file
 * changes the summary or the sha256, so the resume is refused). A target given as data (no file)
 * is stored as its target document (theory/target-document.ts), so the run resumes from the
 * directory alone; loadTargetObject checks it again on resume.
 */
import { join, resolve as resolvePath } from 'node:path';
import { checkRunLock, readRunConfig, readStoredCheckpoint } from '../io/run-directory.js';
import { checkDesignCheckpoint } from './design-checkpoint.js';
import type { Theory } from '../theory/theory.js';
import type { RawTarget } from '../theory/raw-target.js';
import { targetDocument } from '../theory/target-document.js';
import { resolveDesignSettings, type DesignSettings, type ResolvedDesignSettings } from './design-settings.js';

export interface DesignRunConfig {
  nnftDesign: 1;
  /** Absolute path of the target file, or null for a target given as data. */
  targetFile: string | null;
  /** The target itself, for a target given as data (absent for a file). */
  targetDocument?: RawTarget;
  target: Record<string, unknown>;
  targetSha256: string | null;
  settings: ResolvedDesignSettings;
  version: string;
}

export function theorySummary(theory: Theory): Record<string, unknown> {
  return {
    name: theory.name,
    dimension: theory.dimension,
    mass: theory.mass,
    interactions: theory.interactions,
    momentumCutoff: theory.momentumCutoff,
    interactionRegion: theory.interactionRegion,
    points: theory.points,
    connectedOrders: theory.connectedOrders,
  };
}

/** The config of a run of `theory` (relative target files are resolved against the working directory). */
export function designRunConfig(theory: Theory, settings: ResolvedDesignSettings, version: string): DesignRunConfig {
  const file = theory.source.file;
  return {
    nnftDesign: 1,
    targetFile: file !== null ? resolvePath(file) : null,
    ...(file === null ? { targetDocument: targetDocument(theory) } : {}),
    target: theorySummary(theory),
    targetSha256: theory.source.sha256,
    settings,
    version,
  };
}

export interface StoredDesignRun {
  /** The target file the run was started from, or null when it stores its target (targetDocument). */
  targetFile: string | null;
  targetDocument: RawTarget | null;
  targetSha256: string | null;
  /** The stored settings, checked against DESIGN_OPTION_RULES. */
  settings: DesignSettings;
}

/**
 * The target and settings a run directory was started with (for resumeDesign and `nnft design
 * --resume DIR`). readRunConfig checks the file against its hash and names it when damaged; the
 * stored settings are then checked with the rules of the options they stood for, since the hash
 * guards against damage, not against a config rewritten with a fresh hash: an ensemble of 1e12 or a
 * tolerance of -1 there is refused at its JSON path (E_SCHEMA, exit 2) before the run is opened.
 */
export async function readDesignRunConfig(directory: string): Promise<StoredDesignRun> {
  const stored = await readRunConfig<Partial<DesignRunConfig> & Record<string, unknown>>(directory, (value) => {
    const config = value as Record<string, unknown> | null;
    const problems: string[] = [];
    if (!config || config.nnftDesign !== 1) problems.push('config.nnftDesign must be 1 (this is not a design run)');
    const file = config?.targetFile;
    if (typeof file !== 'string' && file !== null) problems.push('config.targetFile must be a string or null');
    if (file === null && (typeof config?.targetDocument !== 'object' || config.targetDocument === null)) problems.push('config.targetDocument must be the target when config.targetFile is null');
    if (config?.settings !== undefined && (typeof config.settings !== 'object' || config.settings === null)) problems.push('config.settings must be an object');
    return problems;
  });
  // A directory another process is running is refused now, not after the set-up.
  await checkRunLock(directory);
  // The checkpoint too, before any work: a damaged one is named now, not after the run's set-up.
  await readStoredCheckpoint(directory, { configHash: stored.configHash, validate: (state) => checkDesignCheckpoint(state) });
  const config = stored.config;
  const settings = (config.settings ?? {}) as DesignSettings;
  const file = join(directory, 'config.json');
  resolveDesignSettings(settings, {
    where: (key) => `config.settings.${key}`,
    code: 'E_SCHEMA',
    file,
    message: (count) => `the run's stored settings are out of range (${count} problem${count === 1 ? '' : 's'}); the run cannot be resumed`,
    hint: 'config.json was rewritten by hand: restore it, or start a new run directory with the settings as flags',
  });
  return {
    targetFile: config.targetFile ?? null,
    targetDocument: config.targetDocument ?? null,
    targetSha256: typeof config.targetSha256 === 'string' ? config.targetSha256 : null,
    settings,
  };
}
