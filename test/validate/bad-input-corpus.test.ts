/**
 * A corpus of bad inputs a new user writes, across every command and file kind: each must exit 2
 * with the file name (or the flag), the JSON path or flag at fault, a hint, no stack trace, no NaN,
 * no "internal error", and no file written. Fixtures are generated in a temporary directory per
 * case; the CLI runs in-process (test/helpers/cli-capture.ts). Ranges: docs/target-format.md,
 * docs/sweeps-and-reports.md.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCli } from '../../src/cli/run-cli.js';
import { captureCli } from '../helpers/cli-capture.js';
import { loadSchema } from '../../src/schema/validate-against-schema.js';
import { DESIGN_OPTION_RULES } from '../../src/sweep/design-options.js';
import { contentHash } from '../../src/io/canonical-json.js';

type Json = Record<string, any>;

const baseTarget = (): Json => ({
  nnftTarget: 1,
  name: 'corpus',
  dimension: 1,
  action: { free: { kind: 'klein-gordon', mass: 1 }, interactions: [{ kind: 'local', power: 4, coupling: 0.5 }] },
  regulator: { momentumCutoff: null },
  observables: { points: [[-0.5], [0], [0.5]], connected: [2, 4] },
});

const baseSpec = (): Json => ({
  nnftSpec: 1,
  name: 'corpus-spec',
  dimension: 1,
  architecture: { kind: 'cos-net', width: 4, mass: 1, momentumCutoff: null, alpha: 0, amplitude: { law: 'gaussian' } },
  observables: { points: [[0], [0.5]], connected: [2, 4] },
  estimation: { ensembleSize: 1000, seed: 1 },
});

const baseSweep = (): Json => ({
  nnftSweep: 1,
  name: 'corpus-sweep',
  target: 'target.json',
  options: { width: 8, maxSteps: 0, ensembleSize: 1000, validationEnsembleSize: 1000 },
  vary: { parameters: [{ name: 'coupling', pointer: '/target/action/interactions/0/coupling', values: [0.1, 0.5] }] },
});

function edit(document: Json, change: (document: Json) => void): Json {
  const copy = structuredClone(document);
  change(copy);
  return copy;
}

/** Bytes of a file: a JSON document, raw text, or raw bytes. */
type Content = Json | string | Buffer;

interface Case {
  name: string;
  /** argv; FILE names the case's main file (written from `file`), DIR the temp directory. */
  argv: string[];
  file?: Content;
  fileName?: string;
  /** Other files in the temp directory. */
  extra?: Record<string, Content>;
  /** The file the message must name (default: fileName; null for a bad flag, which names the flag). */
  named?: string | null;
  /** Texts the output must contain: the flag or JSON path at fault. */
  expect: (string | RegExp)[];
}

const nested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const utf16le = (text: string, bom: boolean): Buffer => Buffer.concat([bom ? Buffer.from([0xff, 0xfe]) : Buffer.alloc(0), Buffer.from(text, 'utf16le')]);
const utf16be = (text: string): Buffer => {
  const little = Buffer.from(text, 'utf16le');
  const big = Buffer.alloc(little.length);
  for (let i = 0; i < little.length; i += 2) {
    big[i] = little[i + 1]!;
    big[i + 1] = little[i]!;
  }
  return Buffer.concat([Buffer.from([0xfe, 0xff]), big]);
};
const utf32le = (text: string): Buffer => {
  const bytes: number[] = [0xff, 0xfe, 0, 0];
  for (const character of text) bytes.push(character.codePointAt(0)!, 0, 0, 0);
  return Buffer.from(bytes);
};
const utf32beNoBom = (text: string): Buffer => {
  const bytes: number[] = [];
  for (const character of text) bytes.push(0, 0, 0, character.codePointAt(0)!);
  return Buffer.from(bytes);
};

const cases: Case[] = [];

// ---- flags, every command -------------------------------------------------------------------------
const designFlagCases: [string[], string][] = [
  [['--ensemble', '0'], '--ensemble'],
  [['--ensemble', 'abc'], '--ensemble'],
  [['--ensemble', '1e12'], '--ensemble'],
  [['--ensemble', '1.5'], '--ensemble'],
  [['--ensemble', '-1'], '--ensemble'],
  [['--ensemble', '0x10'], '--ensemble'],
  [['--validation-ensemble', '1'], '--validation-ensemble'],
  [['--seed', '-1'], '--seed'],
  [['--seed', '1.5'], '--seed'],
  [['--seed', 'abc'], '--seed'],
  [['--seed', '1', '--seed', '2'], '--seed'],
  [['--max-steps', '-1'], '--max-steps'],
  [['--max-steps', '2.5'], '--max-steps'],
  [['--time-limit', '-5'], '--time-limit'],
  [['--time-limit', '0'], '--time-limit'],
  [['--time-limit', 'soon'], '--time-limit'],
  [['--min-width', '100', '--max-width', '50'], '--min-width'],
  [['--min-width', '2000'], '--min-width'],
  [['--max-width', '1e9'], '--max-width'],
  [['--width', '0'], '--width'],
  [['--width', 'wide'], '--width'],
  [['--width', '12.5'], '--width'],
  [['--tolerance', '0'], '--tolerance'],
  [['--tolerance', '-0.1'], '--tolerance'],
  [['--workers', '0'], '--workers'],
  [['--amplitude', 'triangular'], 'amplitude'],
];
for (const [flags, flag] of designFlagCases) {
  cases.push({ name: `design ${flags.join(' ')}`, argv: ['design', 'FILE', '--out', 'DIR/run', ...flags], file: baseTarget(), fileName: 'target.json', named: null, expect: [flag] });
}
// An ordered pair is named once, with both values: "--min-width 100 is above --max-width 50".
cases.push({ name: 'design --min-width above --max-width, worded once', argv: ['design', 'FILE', '--out', 'DIR/run', '--max-width', '50', '--min-width', '100'], file: baseTarget(), fileName: 'target.json', named: null, expect: [/✖ --min-width 100 is above --max-width 50\n/] });
cases.push({ name: 'design --max-width below the default --min-width', argv: ['design', 'FILE', '--out', 'DIR/run', '--max-width', '2'], file: baseTarget(), fileName: 'target.json', named: null, expect: [/✖ --max-width 2 is below --min-width \(default \d+\)\n/] });
// The design sample's memory (design-sample.ts MAX_DESIGN_SAMPLE_BYTES): refused before any work, not
// "internal error: Invalid typed array length" minutes in.
cases.push({ name: 'design --ensemble 1e7 with 20 points (a 396 GiB sample)', argv: ['design', 'FILE', '--out', 'DIR/run', '--ensemble', '10000000'], file: edit(baseTarget(), (t) => (t.observables.points = Array.from({ length: 20 }, (_, i) => [(i - 10) / 10]))), fileName: 'target.json', named: null, expect: ['--ensemble', /at most 101058 networks fit/] });
const otherFlagCases: [string, string[], string, Content, string][] = [
  ['target', ['--seed', '-1'], '--seed', baseTarget(), 'target.json'],
  ['target', ['--seed', '1.5'], '--seed', baseTarget(), 'target.json'],
  ['target', ['--width', '0', '--method', 'network'], '--width', baseTarget(), 'target.json'],
  ['target', ['--ensemble', 'abc', '--method', 'network'], '--ensemble', baseTarget(), 'target.json'],
  ['target', ['--checkpoint', ''], '--checkpoint', baseTarget(), 'target.json'],
  ['estimate', ['--ensemble', '1'], '--ensemble', baseSpec(), 'spec.json'],
  ['estimate', ['--ensemble', '1e12'], '--ensemble', baseSpec(), 'spec.json'],
  ['estimate', ['--seed', 'abc'], '--seed', baseSpec(), 'spec.json'],
  ['estimate', ['--workers', '0'], '--workers', baseSpec(), 'spec.json'],
  ['export', ['--count', '0', '--format', 'json', '--out', 'DIR/net'], '--count', baseSpec(), 'spec.json'],
  ['export', ['--count', 'ten', '--format', 'json', '--out', 'DIR/net'], '--count', baseSpec(), 'spec.json'],
  ['export', ['--count', '30', '--pool', '10', '--format', 'json', '--out', 'DIR/net'], '--count', baseSpec(), 'spec.json'],
  ['export', ['--count', '3', '--sweeps', '0', '--format', 'json', '--out', 'DIR/net'], '--sweeps', baseSpec(), 'spec.json'],
  ['export', ['--count', '3', '--seed', '-2', '--format', 'json', '--out', 'DIR/net'], '--seed', baseSpec(), 'spec.json'],
  ['action', ['--replicas', '0'], '--replicas', baseSpec(), 'spec.json'],
  ['action', ['--replicas', '500'], '--replicas', baseSpec(), 'spec.json'],
  ['action', ['--nominal-error', '0'], '--nominal-error', baseSpec(), 'spec.json'],
  ['action', ['--nominal-error', '1'], '--nominal-error', baseSpec(), 'spec.json'],
  ['action', ['--mass', '0'], '--mass', baseSpec(), 'spec.json'],
  ['action', ['--mass', '1e308'], '--mass', baseSpec(), 'spec.json'],
  ['action', ['--mass', 'abc'], '--mass', baseSpec(), 'spec.json'],
  ['action', ['--width-hint', '0'], '--width-hint', baseSpec(), 'spec.json'],
  ['action', ['--ensemble', '1'], '--ensemble', baseSpec(), 'spec.json'],
  ['action', ['--grid=-1,1e308,0.5'], '--grid', baseSpec(), 'spec.json'],
  ['sweep', ['--parallel', '0', '--out', 'DIR/out'], '--parallel', baseSweep(), 'sweep.json'],
  ['sweep', ['--parallel', 'abc', '--out', 'DIR/out'], '--parallel', baseSweep(), 'sweep.json'],
  ['sweep', ['--parallel', '1.5', '--out', 'DIR/out'], '--parallel', baseSweep(), 'sweep.json'],
  ['sweep', ['--shard', '5/2', '--out', 'DIR/out'], 'shard', baseSweep(), 'sweep.json'],
  ['report', ['--out', ''], '--out', baseTarget(), 'target.json'],
];
for (const [command, flags, flag, file, fileName] of otherFlagCases) {
  cases.push({ name: `${command} ${flags.join(' ')}`, argv: [command, 'FILE', ...flags], file, fileName, named: null, expect: [flag], ...(command === 'sweep' ? { extra: { 'target.json': baseTarget() } } : {}) });
}
cases.push({ name: 'doctor --backend gpu', argv: ['doctor', '--backend', 'gpu'], expect: ['backend'] });

// ---- target files: finite-but-absurd numbers, resources, encodings, nesting ------------------------
const targetCases: [string, (target: Json) => void, string][] = [
  ['mass 1e308', (t) => (t.action.free.mass = 1e308), 'action.free.mass'],
  ['denormal mass', (t) => (t.action.free.mass = 5e-324), 'action.free.mass'],
  ['mass 1e-5', (t) => (t.action.free.mass = 1e-5), 'action.free.mass'],
  ['mass 1e5', (t) => (t.action.free.mass = 1e5), 'action.free.mass'],
  ['coupling 1e308', (t) => (t.action.interactions[0].coupling = 1e308), 'action.interactions[0].coupling'],
  ['coupling -1e308', (t) => (t.action.interactions[0].coupling = -1e308), 'action.interactions[0].coupling'],
  ['denormal coupling', (t) => (t.action.interactions[0].coupling = 1e-320), 'action.interactions[0].coupling'],
  ['point at 1e308', (t) => (t.observables.points[1] = [1e308]), 'observables.points[1][0]'],
  ['point at -1e5', (t) => (t.observables.points[2] = [-1e5]), 'observables.points[2][0]'],
  ['cutoff 1e308', (t) => (t.regulator.momentumCutoff = 1e308), 'regulator.momentumCutoff'],
  ['cutoff 1e-10', (t) => (t.regulator.momentumCutoff = 1e-10), 'regulator.momentumCutoff'],
  ['region side 1e308', (t) => (t.regulator.interactionRegion = { kind: 'box', side: 1e308 }), 'regulator.interactionRegion.side'],
  ['kernel width 1e308', (t) => (t.action.interactions = [{ kind: 'nonlocal-quartic', coupling: 0.5, kernel: { kind: 'gaussian', width: 1e308 } }]), 'action.interactions[0].kernel.width'],
  ['kernel width 1e-320', (t) => (t.action.interactions = [{ kind: 'nonlocal-quartic', coupling: 0.5, kernel: { kind: 'gaussian', width: 1e-320 } }]), 'action.interactions[0].kernel.width'],
  ['spectral basis 1e6', (t) => (t.targetCorrelators = { method: 'spectral', basisSize: 1000000 }), 'targetCorrelators.basisSize'],
  ['spectral tolerance 1e-300', (t) => (t.targetCorrelators = { method: 'spectral', tolerance: 1e-300 }), 'targetCorrelators.tolerance'],
  ['lattice 262144 sites', (t) => (t.targetCorrelators = { method: 'lattice', sites: 262144 }), 'targetCorrelators.sites'],
  ['lattice sites not a power of two', (t) => (t.targetCorrelators = { method: 'lattice', sites: 48 }), 'targetCorrelators.sites'],
  ['lattice 4096^3 sites', (t) => {
    t.dimension = 3;
    t.regulator.momentumCutoff = 5;
    t.action.interactions[0].wickOrdered = true;
    t.observables.points = [[0, 0, 0]];
    t.targetCorrelators = { method: 'lattice', sites: 4096, spacing: 0.1 };
  }, 'targetCorrelators.sites'],
  ['lattice spacing 1e-10', (t) => (t.targetCorrelators = { method: 'lattice', spacing: 1e-10 }), 'targetCorrelators.spacing'],
  ['lattice trajectories 1e12', (t) => (t.targetCorrelators = { method: 'lattice', trajectories: 1e12 }), 'targetCorrelators.trajectories'],
  ['lattice seed 1e300', (t) => (t.targetCorrelators = { method: 'lattice', seed: 1e300 }), 'targetCorrelators.seed'],
  ['data value 1e308', (t) => (t.targetCorrelators = { method: 'data', correlators: [{ order: 2, indices: [[0, 0]], values: [1e308], stderr: [0] }] }), 'targetCorrelators.correlators[0].values[0]'],
  ['data stderr 1e308', (t) => (t.targetCorrelators = { method: 'data', correlators: [{ order: 2, indices: [[0, 0]], values: [0.5], stderr: [1e308] }] }), 'targetCorrelators.correlators[0].stderr[0]'],
  ['data G2 at coincident points 0', (t) => (t.targetCorrelators = { method: 'data', correlators: [{ order: 2, indices: [[0, 0]], values: [0], stderr: [0] }] }), 'targetCorrelators.correlators[0].values[0]'],
  ['data index 5000', (t) => (t.targetCorrelators = { method: 'data', correlators: [{ order: 2, indices: [[0, 5000]], values: [0.5], stderr: [0] }] }), 'targetCorrelators.correlators[0].indices[0][1]'],
  ['1001 points', (t) => (t.observables.points = Array.from({ length: 1001 }, (_, i) => [i / 100])), 'observables.points'],
  ['400 points at order 6', (t) => {
    t.observables.points = Array.from({ length: 400 }, (_, i) => [i / 100]);
    t.observables.connected = [2, 6];
    t.action.interactions = [{ kind: 'local', power: 6, coupling: 0.5 }];
  }, 'observables.points'],
];
for (const [name, change, path] of targetCases) {
  cases.push({ name: `validate: ${name}`, argv: ['validate', 'FILE'], file: edit(baseTarget(), change), fileName: 'target.json', expect: [path] });
}
// The same files through the commands that compute with them: refused before any number is computed.
for (const [name, change, path] of targetCases.slice(0, 12)) {
  cases.push({ name: `target: ${name}`, argv: ['target', 'FILE'], file: edit(baseTarget(), change), fileName: 'target.json', expect: [path] });
  cases.push({ name: `design: ${name}`, argv: ['design', 'FILE', '--out', 'DIR/run', '--max-steps', '0'], file: edit(baseTarget(), change), fileName: 'target.json', expect: [path] });
}
const targetText = JSON.stringify(baseTarget());
const encodingCases: [string, Buffer | string, RegExp][] = [
  ['UTF-16LE with BOM', utf16le(targetText, true), /UTF-16/],
  ['UTF-16LE without BOM', utf16le(targetText, false), /UTF-16/],
  ['UTF-16BE with BOM', utf16be(targetText), /UTF-16/],
  ['UTF-32LE with BOM', utf32le(targetText), /UTF-32/],
  ['UTF-32BE without BOM', utf32beNoBom(targetText), /UTF-32/],
  ['Latin-1 bytes', Buffer.concat([Buffer.from('{"nnftTarget": 1, "name": "caf'), Buffer.from([0xe9]), Buffer.from('"}')]), /UTF-8/],
  ['nested 100000 deep', nested(100000), /nested more than 64 levels/],
  ['nested 65 deep in a key', `{"nnftTarget": 1, "description": ${nested(65)}}`, /nested more than 64 levels/],
];
for (const [name, content, message] of encodingCases) {
  cases.push({ name: `validate: ${name}`, argv: ['validate', 'FILE'], file: content, fileName: 'target.json', expect: [message] });
  cases.push({ name: `target --json: ${name}`, argv: ['target', 'FILE', '--json'], file: content, fileName: 'target.json', expect: [message] });
}

// ---- spec files, points files, correlator files -------------------------------------------------
const specCases: [string, (spec: Json) => void, string][] = [
  ['spec mass 1e308', (s) => (s.architecture.mass = 1e308), 'architecture.mass'],
  ['spec denormal mass', (s) => (s.architecture.mass = 5e-324), 'architecture.mass'],
  ['spec width 1e9', (s) => (s.architecture.width = 1e9), 'architecture.width'],
  ['spec point 1e308', (s) => (s.observables.points[0] = [1e308]), 'observables.points[0][0]'],
  ['spec 64 points at order 6', (s) => {
    s.observables.points = Array.from({ length: 64 }, (_, i) => [i / 10]);
    s.observables.connected = [2, 4, 6];
  }, 'observables.points'],
  ['spec ensemble 1e12', (s) => (s.estimation.ensembleSize = 1e12), 'estimation.ensembleSize'],
  ['spec cutoff 1e308', (s) => (s.architecture.momentumCutoff = 1e308), 'architecture.momentumCutoff'],
  ['spec deformation coupling 1e308', (s) => (s.deformation = { terms: [{ kind: 'local', power: 4, coupling: 1e308 }], region: { kind: 'box', side: 4 }, resolvedMomentum: 10 }), 'deformation.terms[0].coupling'],
];
for (const [name, change, path] of specCases) {
  cases.push({ name: `estimate: ${name}`, argv: ['estimate', 'FILE'], file: edit(baseSpec(), change), fileName: 'spec.json', expect: [path] });
}
cases.push({ name: 'export: spec mass 1e308', argv: ['export', 'FILE', '--count', '2', '--format', 'json', '--out', 'DIR/net'], file: edit(baseSpec(), (s) => (s.architecture.mass = 1e308)), fileName: 'spec.json', expect: ['architecture.mass'] });
cases.push({ name: 'action: spec mass 1e308', argv: ['action', 'FILE'], file: edit(baseSpec(), (s) => (s.architecture.mass = 1e308)), fileName: 'spec.json', expect: ['architecture.mass'] });
cases.push({ name: 'estimate: spec in UTF-16', argv: ['estimate', 'FILE'], file: utf16le(JSON.stringify(baseSpec()), true), fileName: 'spec.json', expect: [/UTF-16/] });
cases.push({ name: 'estimate: spec nested 100000 deep', argv: ['estimate', 'FILE'], file: nested(100000), fileName: 'spec.json', expect: [/nested more than 64/] });
cases.push({ name: 'action: correlators nested 100000 deep', argv: ['action', 'FILE'], file: nested(100000), fileName: 'correlators.json', expect: [/nested more than 64/] });
cases.push({ name: 'action: correlators in UTF-32', argv: ['action', 'FILE'], file: utf32le('{"nnftResult": 1}'), fileName: 'correlators.json', expect: [/UTF-32/] });
cases.push({ name: 'estimate --points: a point at 1e308', argv: ['estimate', 'FILE', '--points', 'DIR/points.json'], file: baseSpec(), fileName: 'spec.json', named: 'points.json', extra: { 'points.json': [[0], [1e308]] as never }, expect: ['points.json', 'points'] });
cases.push({ name: 'estimate --points: nested', argv: ['estimate', 'FILE', '--points', 'DIR/points.json'], file: baseSpec(), fileName: 'spec.json', named: 'points.json', extra: { 'points.json': nested(1000) }, expect: ['points.json', /nested more than 64/] });
cases.push({ name: 'estimate --points: UTF-16', argv: ['estimate', 'FILE', '--points', 'DIR/points.json'], file: baseSpec(), fileName: 'spec.json', named: 'points.json', extra: { 'points.json': utf16le('[[0]]', true) }, expect: ['points.json', /UTF-16/] });
cases.push({ name: 'action --points: a point at -1e308', argv: ['action', 'FILE', '--points', 'DIR/points.json'], file: baseSpec(), fileName: 'spec.json', named: 'points.json', extra: { 'points.json': [[0], [-1e308]] as never }, expect: ['points.json', 'points'] });
cases.push({ name: 'target: data file with a value 1e308', argv: ['target', 'FILE'], file: edit(baseTarget(), (t) => (t.targetCorrelators = { method: 'data', file: 'data.json' })), fileName: 'target.json', extra: { 'data.json': { correlators: [{ order: 2, indices: [[0, 0]], values: [1e308], stderr: [0] }] } }, expect: ['targetCorrelators.file'] });

// ---- sweeps: --dry-run loads every point as the run will; a run refuses before creating anything -----
const sweepCases: [string, Json, Json, string][] = [
  ['the documented option alpha', edit(baseSweep(), (s) => (s.options.alpha = 0)), baseTarget(), 'options.alpha'],
  ['a varied unknown option', edit(baseSweep(), (s) => s.vary.parameters.push({ name: 'alpha', pointer: '/options/alpha', values: [0, 1] })), baseTarget(), 'vary.parameters[1].pointer'],
  ['options.ensembleSize 0', edit(baseSweep(), (s) => (s.options.ensembleSize = 0)), baseTarget(), 'options.ensembleSize'],
  ['a varied width of 0', edit(baseSweep(), (s) => (s.vary.parameters = [{ name: 'width', pointer: '/options/width', values: [8, 0] }])), baseTarget(), 'vary.parameters[0].values[1]'],
  ['minWidth above maxWidth', edit(baseSweep(), (s) => Object.assign(s.options, { width: 'auto', minWidth: 100, maxWidth: 50 })), baseTarget(), 'options.minWidth'],
  ['a varied coupling 1e308', edit(baseSweep(), (s) => (s.vary.parameters[0].values = [0.1, 1e308])), baseTarget(), 'vary.parameters[0].values[1]'],
  ['a mass range up to 1e308', edit(baseSweep(), (s) => (s.vary.parameters = [{ name: 'mass', pointer: '/target/action/free/mass', range: { from: 1, to: 1e308, count: 3, scale: 'log' } }])), baseTarget(), 'vary.parameters[0].range'],
  ['a varied point at 1e308', edit(baseSweep(), (s) => (s.vary.parameters = [{ name: 'x', pointer: '/target/observables/points/2/0', values: [0.5, 1e308] }])), baseTarget(), 'vary.parameters[0].values[1]'],
  ['an invalid base target', baseSweep(), edit(baseTarget(), (t) => (t.action.free.mass = -1)), 'action.free.mass'],
  ['a base target at 1e308', baseSweep(), edit(baseTarget(), (t) => (t.observables.points[0] = [1e308])), 'observables.points[0][0]'],
  // Valid targets that nnft design refuses up front (design-setup.ts): refused before the sweep starts.
  ['a lattice base target', baseSweep(), edit(baseTarget(), (t) => (t.regulator.lattice = { spacing: 0.5, sites: 16, boundary: 'periodic' })), 'regulator.lattice'],
  ['a base target asking for G_c6', baseSweep(), edit(baseTarget(), (t) => (t.observables.connected = [2, 4, 6])), 'observables.connected'],
  ['an ensemble whose design sample passes 4 GiB', edit(baseSweep(), (s) => (s.options.ensembleSize = 10000000)), edit(baseTarget(), (t) => (t.observables.points = Array.from({ length: 20 }, (_, i) => [(i - 10) / 10]))), 'options.ensembleSize'],
  ['a varied cutoff under momenta split', edit(baseSweep(), (s) => {
    s.options.momenta = 'split';
    s.vary.parameters = [{ name: 'cutoff', pointer: '/target/regulator/momentumCutoff', values: [null, 5] }];
  }), baseTarget(), 'vary.parameters[0].values[1]'],
];
for (const [name, sweep, target, path] of sweepCases) {
  for (const mode of [['--dry-run'], ['--out', 'DIR/out']]) {
    cases.push({ name: `sweep ${mode[0]}: ${name}`, argv: ['sweep', 'FILE', ...mode], file: sweep, fileName: 'sweep.json', named: path.startsWith('vary') || path.startsWith('options') ? 'sweep.json' : 'target.json', extra: { 'target.json': target }, expect: [path] });
  }
}
cases.push({ name: 'sweep --dry-run: sweep file in UTF-16', argv: ['sweep', 'FILE', '--dry-run'], file: utf16le(JSON.stringify(baseSweep()), true), fileName: 'sweep.json', extra: { 'target.json': baseTarget() }, expect: [/UTF-16/] });
cases.push({ name: 'sweep --out: sweep file nested', argv: ['sweep', 'FILE', '--out', 'DIR/out'], file: nested(100000), fileName: 'sweep.json', expect: [/nested more than 64/] });

// ---- files read back: correlators (result) files, points files, lattice checkpoints, resumed run
// configs, report inputs, shard summaries (src/io/check-result.ts; docs/correlators.md, "Result
// files read back") ------------------------------------------------------------------------------
const baseResult = (): Json => ({
  nnftResult: 1,
  kind: 'ensemble-correlators',
  points: [[0], [0.5]],
  correlators: [
    { order: 2, indices: [[0, 0], [0, 1], [1, 1]], values: [0.5, 0.3, 0.5], stderr: [0.01, 0.01, 0.01] },
    { order: 4, indices: [[0, 0, 0, 0], [0, 0, 0, 1], [0, 0, 1, 1], [0, 1, 1, 1], [1, 1, 1, 1]], values: [-0.1, -0.08, -0.07, -0.08, -0.1], stderr: [0.01, 0.01, 0.01, 0.01, 0.01] },
  ],
});
const resultCases: [string, Content, string][] = [
  ['value 1e308', edit(baseResult(), (r) => (r.correlators[0].values[1] = 1e308)), 'correlators[0].values[1]'],
  ['value -1e101', edit(baseResult(), (r) => (r.correlators[1].values[0] = -1e101)), 'correlators[1].values[0]'],
  ['negative stderr', edit(baseResult(), (r) => (r.correlators[0].stderr[1] = -0.01)), 'correlators[0].stderr[1]'],
  ['stderr 1e308', edit(baseResult(), (r) => (r.correlators[0].stderr[0] = 1e308)), 'correlators[0].stderr[0]'],
  ['denormal stderr', edit(baseResult(), (r) => (r.correlators[0].stderr[1] = 1e-300)), 'correlators[0].stderr[1]'],
  ['one stderr short', edit(baseResult(), (r) => r.correlators[0].stderr.pop()), 'correlators[0].stderr'],
  ['one value too many', edit(baseResult(), (r) => r.correlators[0].values.push(0.1)), 'correlators[0].values'],
  ['an index past the points', edit(baseResult(), (r) => (r.correlators[0].indices[1] = [0, 5])), 'correlators[0].indices[1][1]'],
  ['a tuple of the wrong order', edit(baseResult(), (r) => (r.correlators[0].indices[1] = [0, 1, 1])), 'correlators[0].indices[1]'],
  ['a tuple missing', edit(baseResult(), (r) => {
    r.correlators[1].indices.pop();
    r.correlators[1].values.pop();
    r.correlators[1].stderr.pop();
  }), 'correlators[1].indices'],
  ['a point at 1e308', edit(baseResult(), (r) => (r.points[1] = [1e308])), 'points[1][0]'],
  ['a point written 1e400', JSON.stringify(baseResult()).replace('[0.5]]', '[1e400]]'), 'points[1][0]'],
  ['points of two dimensions', edit(baseResult(), (r) => (r.points[1] = [0.5, 0])), 'points[1]'],
  ['1001 points', edit(baseResult(), (r) => (r.points = Array.from({ length: 1001 }, (_, i) => [i / 100]))), 'points'],
  ['replicate rows short', edit(baseResult(), (r) => (r.correlators[0].replicates = [[0.5, 0.5], [0.3, 0.3]])), 'correlators[0].replicates'],
  ['a replicate 1e308', edit(baseResult(), (r) => (r.correlators[0].replicates = [[1e308, 0.5], [0.3, 0.3], [0.5, 0.5]])), 'correlators[0].replicates[0][0]'],
  ['G2 at coincident points 0', edit(baseResult(), (r) => (r.correlators[0].values = [0, 0, 0])), 'correlators[0].values[0]'],
  ['G2 at coincident points negative', edit(baseResult(), (r) => (r.correlators[0].values[2] = -0.5)), 'correlators[0].values[2]'],
  ['a second order-2 block', edit(baseResult(), (r) => (r.correlators[1] = structuredClone(r.correlators[0]))), 'correlators[1].order'],
  ['no order-4 block', edit(baseResult(), (r) => r.correlators.pop()), 'correlators'],
  ['a design whose target has a value 1e308', edit(baseResult(), (r) => {
    r.kind = 'design';
    r.target = edit(baseResult(), (t) => {
      t.kind = 'target-correlators';
      t.correlators[0].values[0] = 1e308;
    });
  }), 'target.correlators[0].values[0]'],
];
for (const [name, content, path] of resultCases) {
  cases.push({ name: `action correlators: ${name}`, argv: ['action', 'FILE'], file: content, fileName: 'correlators.json', expect: [path] });
}

// nnft observables reads the same result files.
const observablesCases: [string, string[], Content, string | RegExp, string | null][] = [
  ['--cell-volume 0', ['--cell-volume', '0'], baseResult(), '--cell-volume', null],
  ['--cell-volume abc', ['--cell-volume', 'abc'], baseResult(), '--cell-volume', null],
  ['--cell-volume 1e400', ['--cell-volume', '1e400'], baseResult(), '--cell-volume', null],
  ['a value 1e308', [], edit(baseResult(), (r) => (r.correlators[0].values[1] = 1e308)), 'correlators[0].values[1]', 'correlators.json'],
  ['an index past the points', [], edit(baseResult(), (r) => (r.correlators[0].indices[1] = [0, 5])), 'correlators[0].indices[1][1]', 'correlators.json'],
  ['truncated', [], '{"nnftResult": 1, "points": [[0], [0.5', /line 1:\d+/, 'correlators.json'],
  ['in UTF-16', [], utf16le(JSON.stringify(baseResult()), true), /UTF-16/, 'correlators.json'],
  ['nested 100000 deep', [], nested(100000), /nested more than 64/, 'correlators.json'],
];
for (const [name, flags, content, path, named] of observablesCases) {
  cases.push({ name: `observables: ${name}`, argv: ['observables', 'FILE', ...flags], file: content, fileName: 'correlators.json', named, expect: [path] });
}

const pointsCases: [string, string, Content, string][] = [
  ['estimate', 'points of the wrong dimension', [[0, 0], [0.5, 0]] as never, '[0]'],
  ['estimate', 'a coordinate in quotes', { points: [[0], ['1']] } as never, 'points[1][0]'],
  ['estimate', 'no points', [] as never, 'points'],
  ['estimate', 'a denormal coordinate', [[0], [1e-320]] as never, '[1][0]'],
  ['estimate', 'a coordinate written 1e400', '[[0], [1e400]]', '[1][0]'],
  ['action', 'points of the wrong dimension', [[0, 1]] as never, '[0]'],
];
for (const [command, name, content, path] of pointsCases) {
  cases.push({ name: `${command} --points: ${name}`, argv: [command, 'FILE', '--points', 'DIR/points.json'], file: baseSpec(), fileName: 'spec.json', named: 'points.json', extra: { 'points.json': content }, expect: [path] });
}

const latticeTarget = (): Json => edit(baseTarget(), (t) => (t.targetCorrelators = { method: 'lattice', sites: 16, spacing: 0.5, trajectories: 50, thermalization: 10 }));
const baseCheckpoint = (): Json => ({
  nnftLatticeCheckpoint: 1,
  configKey: 'another run',
  nextTrajectory: 12,
  field: new Array(16).fill(0.1),
  fieldHat: { re: new Array(16).fill(0.1), im: new Array(16).fill(0) },
  leapfrogSteps: 8,
  accepted: 10,
  tuning: { acceptance: 1.5, count: 2 },
  measurements: [[1, 2], [1, 2]],
});
const checkpointCases: [string, Content, string | RegExp][] = [
  ['a field value 1e308', edit(baseCheckpoint(), (c) => (c.field[3] = 1e308)), 'field[3]'],
  ['a Fourier mode short', edit(baseCheckpoint(), (c) => c.fieldHat.im.pop()), 'fieldHat.im'],
  ['more accepted than run', edit(baseCheckpoint(), (c) => (c.accepted = 20)), 'accepted'],
  ['a negative acceptance', edit(baseCheckpoint(), (c) => (c.tuning.acceptance = -1)), 'tuning.acceptance'],
  ['a measurement 1e200', edit(baseCheckpoint(), (c) => (c.measurements[1][1] = 1e200)), 'measurements[1][1]'],
  ['a negative trajectory', edit(baseCheckpoint(), (c) => (c.nextTrajectory = -1)), 'nextTrajectory'],
  ['ragged measurements', edit(baseCheckpoint(), (c) => (c.measurements[1] = [1])), 'measurements[1]'],
  ['not JSON', '{"nnftLatticeCheckpoint": 1, "field": [0.1,', /line 1:\d+/],
  ['in UTF-16', utf16le(JSON.stringify(baseCheckpoint()), true), /UTF-16/],
  ['of another run', baseCheckpoint(), 'configKey'],
];
for (const [name, content, path] of checkpointCases) {
  cases.push({ name: `target --checkpoint: ${name}`, argv: ['target', 'FILE', '--checkpoint', 'DIR/lattice-checkpoint.json'], file: latticeTarget(), fileName: 'target.json', named: 'lattice-checkpoint.json', extra: { 'lattice-checkpoint.json': content }, expect: [path] });
}

/** A design run's config.json whose hash matches what it holds (a config rewritten by hand, or by a script). */
const runConfig = (settings: Json, tamper = false): Json => {
  const config = { nnftDesign: 1, targetFile: 'target.json', settings };
  return { nnftRun: 1, configHash: contentHash(tamper ? { ...config, settings: {} } : config), config, createdAt: '2026-01-01T00:00:00.000Z' };
};
const resumeCases: [string, Json, string | RegExp][] = [
  ['an ensemble of 1e12', runConfig({ ensembleSize: 1e12 }), 'config.settings.ensembleSize'],
  ['a tolerance of -1', runConfig({ tolerance: -1 }), 'config.settings.tolerance'],
  ['minWidth above maxWidth', runConfig({ minWidth: 64, maxWidth: 8 }), 'config.settings.minWidth'],
  ['a seed of 1.5', runConfig({ seed: 1.5 }), 'config.settings.seed'],
  ['an unknown amplitude law', runConfig({ amplitudeLaw: 'uniform' }), 'config.settings.amplitudeLaw'],
  ['an edited config', runConfig({ ensembleSize: 1000 }, true), /configHash/],
];
for (const [name, config, path] of resumeCases) {
  cases.push({ name: `design --resume: ${name}`, argv: ['design', '--resume', 'DIR/run'], named: 'config.json', extra: { 'run/config.json': config, 'target.json': baseTarget() }, expect: [path] });
}

// A resumed run's checkpoint.json, rewritten with a fresh state hash (or none): its state is checked
// against the design checkpoint's shape before any work (src/design/design-checkpoint.ts).
const designState = (): Json => ({
  trials: [],
  current: { width: 8, fit: { round: 0, sampleKurtosis: 3, start: [0.5, 1.25], saa: { iteration: 2, parameters: [0.5, 1.25], damping: 0.01, chiSquared: 4.5 } } },
});
const checkpointFor = (state: Json, hashed = true): Json => {
  const config = runConfig({});
  return { nnftCheckpoint: 1, configHash: config.configHash, savedAt: '2026-01-01T00:00:00.000Z', ...(hashed ? { stateHash: contentHash(state) } : {}), state };
};
const checkpointResumeCases: [string, Json, string | RegExp][] = [
  ['string parameters', checkpointFor(edit(designState(), (s) => (s.current.fit.saa.parameters = ['0.5', '1.25']))), 'state.current.fit.saa.parameters[0]'],
  ['a width of -5', checkpointFor(edit(designState(), (s) => (s.current.width = -5))), 'state.current.width'],
  ['a trial list that is not a list', checkpointFor(edit(designState(), (s) => (s.trials = 'none'))), 'state.trials'],
  ['a trial without its fields', checkpointFor(edit(designState(), (s) => (s.trials = [{ width: 8, parameters: { mass: 'heavy' } }]))), 'state.trials[0].relativeError'],
  ['a negative damping', checkpointFor(edit(designState(), (s) => (s.current.fit.saa.damping = -1))), 'state.current.fit.saa.damping'],
  ['an edited state without its hash', checkpointFor(edit(designState(), (s) => (s.current.width = -5)), false), /no stateHash/],
  ['an edited state under its old hash', edit(checkpointFor(designState()), (c) => (c.state.current.width = 16)), /no longer matches its stateHash/],
  ['of another config', edit(checkpointFor(designState()), (c) => (c.configHash = 'b'.repeat(64))), /belongs to another config/],
  ['truncated', JSON.stringify(checkpointFor(designState())).slice(0, 60) as never, /checkpoint\.json is not valid JSON/],
];
for (const [name, checkpoint, path] of checkpointResumeCases) {
  cases.push({ name: `design --resume: checkpoint ${name}`, argv: ['design', '--resume', 'DIR/run'], named: 'checkpoint.json', extra: { 'run/config.json': runConfig({}), 'run/checkpoint.json': checkpoint as Content, 'target.json': baseTarget() }, expect: [path, /damaged/] });
}
cases.push({ name: 'design --resume: config.json truncated', argv: ['design', '--resume', 'DIR/run'], named: 'config.json', extra: { 'run/config.json': JSON.stringify(runConfig({})).slice(0, 80), 'target.json': baseTarget() }, expect: [/damaged: config\.json is not valid JSON/] });

const runFiles = (result: Content): Record<string, Content> => ({ 'run/config.json': runConfig({}), 'run/result.json': result });
const reportRunCases: [string, Content, string][] = [
  ['result value 1e308', edit(baseResult(), (r) => (r.correlators[0].values[1] = 1e308)), 'correlators[0].values[1]'],
  ['result stderr short', edit(baseResult(), (r) => r.correlators[0].stderr.pop()), 'correlators[0].stderr'],
  ['result index past the points', edit(baseResult(), (r) => (r.correlators[1].indices[4] = [1, 1, 1, 9])), 'correlators[1].indices[4][3]'],
];
for (const [name, result, path] of reportRunCases) {
  cases.push({ name: `report run: ${name}`, argv: ['report', 'DIR/run'], named: 'result.json', extra: runFiles(result), expect: [path] });
}
const manifest = (): Json => ({
  nnftSweepRun: 1,
  name: 'corpus-sweep',
  description: '',
  sweepHash: 'a'.repeat(64),
  mode: 'list',
  parameters: [{ name: 'coupling', pointer: '/target/action/interactions/0/coupling', values: [0.1] }],
  extrapolate: null,
  shard: null,
  points: [{ index: 0, id: 'p0', values: { coupling: 0.1 } }],
});
const row = (change: (row: Json) => void = () => {}): string => `${JSON.stringify(edit({ index: 0, id: 'p0', status: 'finished', values: { coupling: 0.1 }, results: { relativeError: 0.1 } }, change))}\n`;
const sweepDirectoryCases: [string, Record<string, Content>, string, string | RegExp][] = [
  ['summary result 1e308', { 'sw/sweep-manifest.json': manifest(), 'sw/summary.jsonl': row((r) => (r.results.relativeError = 1e308)) }, 'summary.jsonl', 'results.relativeError'],
  ['summary status unknown', { 'sw/sweep-manifest.json': manifest(), 'sw/summary.jsonl': row((r) => (r.status = 'done')) }, 'summary.jsonl', 'status'],
  ['summary line torn', { 'sw/sweep-manifest.json': manifest(), 'sw/summary.jsonl': `${row()}{"index": 1, "id` }, 'summary.jsonl', /line 2/],
  ['manifest without points', { 'sw/sweep-manifest.json': edit(manifest(), (m) => delete m.points) }, 'sweep-manifest.json', 'points'],
];
for (const [name, files, named, path] of sweepDirectoryCases) {
  cases.push({ name: `report sweep: ${name}`, argv: ['report', 'DIR/sw'], named, extra: files, expect: [path] });
  cases.push({ name: `sweep merge: ${name}`, argv: ['sweep', 'merge', 'DIR/sw', '--out', 'DIR/merged'], named, extra: files, expect: [path] });
}

// --out into someone else's directory (or onto a file, or a directory where a file is named): refused
// before any work, nothing written (src/io/out-path.ts, io/run-directory.ts checkNewRunDirectory).
const foreign = { 'foreign/notes.txt': 'my notes\n', 'afile': 'not a directory\n' };
const outCases: [string, string[], Content | undefined, string | undefined, Record<string, Content>, RegExp][] = [
  ['design --out a foreign directory', ['design', 'FILE', '--out', 'DIR/foreign'], baseTarget(), 'target.json', {}, /--out .*foreign already exists and is not a run directory \(it holds notes\.txt\)/],
  ['design --out a file', ['design', 'FILE', '--out', 'DIR/afile'], baseTarget(), 'target.json', {}, /--out .*afile is a file, not a directory/],
  ['export --out a foreign directory', ['export', 'FILE', '--count', '2', '--format', 'json', '--out', 'DIR/foreign'], baseSpec(), 'spec.json', {}, /--out .*foreign already exists and is not an export directory/],
  ['export --out a file', ['export', 'FILE', '--count', '2', '--format', 'json', '--out', 'DIR/afile'], baseSpec(), 'spec.json', {}, /--out .*afile is a file, not a directory/],
  ['sweep --out a foreign directory', ['sweep', 'FILE', '--out', 'DIR/foreign'], baseSweep(), 'sweep.json', { 'target.json': baseTarget() }, /--out .*foreign already exists and is not a sweep directory/],
  ['sweep merge --out a foreign directory', ['sweep', 'merge', 'DIR/sw', '--out', 'DIR/foreign'], undefined, undefined, { 'sw/sweep-manifest.json': manifest(), 'sw/summary.jsonl': row() }, /--out .*foreign already exists and is not a sweep directory/],
  ['report --out a directory', ['report', 'DIR/run', '--out', 'DIR/foreign'], undefined, undefined, runFiles(baseResult()), /--out .*foreign is a directory; it names the file to write/],
];
for (const [name, argv, file, fileName, extra, message] of outCases) {
  cases.push({ name, argv, ...(file !== undefined ? { file } : {}), ...(fileName ? { fileName } : {}), named: argv.includes('DIR/afile') ? 'afile' : 'foreign', extra: { ...foreign, ...extra }, expect: [message, '--out'] });
}

const made: string[] = [];
afterAll(() => {
  for (const directory of made) rmSync(directory, { recursive: true, force: true });
});

function listFiles(directory: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(directory)) {
    const path = join(directory, name);
    found.push(path);
    if (statSync(path).isDirectory()) found.push(...listFiles(path));
  }
  return found.sort();
}

function write(path: string, content: Content): void {
  writeFileSync(path, typeof content === 'string' || Buffer.isBuffer(content) ? content : `${JSON.stringify(content, null, 2)}\n`);
}

describe('the bad-input corpus', () => {
  it('has at least 100 cases across every command and file kind', () => {
    expect(cases.length).toBeGreaterThanOrEqual(100);
    const commands = new Set(cases.map((entry) => entry.argv[0]));
    expect([...commands].sort()).toEqual(['action', 'design', 'doctor', 'estimate', 'export', 'observables', 'report', 'sweep', 'target', 'validate']);
    expect(new Set(cases.map((entry) => entry.name)).size).toBe(cases.length);
  });

  it.each(cases.map((entry) => [entry.name, entry] as const))('%s: exit 2, named, located, hinted, nothing written', async (_name, entry) => {
    const directory = mkdtempSync(join(tmpdir(), 'nnft-corpus-'));
    made.push(directory);
    const fileName = entry.fileName ?? 'input.json';
    if (entry.file !== undefined) write(join(directory, fileName), entry.file);
    for (const [name, content] of Object.entries(entry.extra ?? {})) {
      mkdirSync(dirname(join(directory, name)), { recursive: true });
      write(join(directory, name), content);
    }
    mkdirSync(join(directory, 'cwd'));
    const before = listFiles(directory);
    const argv = entry.argv.map((arg) => arg.replace('FILE', join(directory, fileName)).replace('DIR', directory));
    const context = captureCli(join(directory, 'cwd'));
    const code = await runCli(argv, context);
    const output = `${context.out}${context.err}`;
    expect(code, output).toBe(2);
    expect(output).not.toMatch(/internal error|\bNaN\b|Maximum call stack|\n\s+at .*:\d+:\d+/);
    const named = entry.named === undefined ? (entry.file !== undefined ? fileName : null) : entry.named;
    if (named !== null) expect(output).toContain(named);
    for (const wanted of entry.expect) expect(output).toMatch(typeof wanted === 'string' ? new RegExp(wanted.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : wanted);
    expect(output).toMatch(/hint|→/);
    expect(listFiles(directory)).toEqual(before);
  });
});

describe('one table, three places', () => {
  it('the sweep schema states the design options with the ranges the design command checks', () => {
    const options = (loadSchema('sweep') as Json).properties.options;
    expect(options.additionalProperties).toBe(false);
    expect(Object.keys(options.properties).sort()).toEqual(Object.keys(DESIGN_OPTION_RULES).sort());
    for (const [key, rule] of Object.entries(DESIGN_OPTION_RULES)) {
      const property = options.properties[key];
      const numeric = property.oneOf ? property.oneOf[0] : property;
      if (rule.kind === 'integer' || rule.kind === 'number') {
        expect(numeric.maximum, key).toBe(rule.max);
        expect(numeric.minimum ?? numeric.exclusiveMinimum, key).toBe(rule.min);
      } else if (rule.kind === 'choice') {
        expect(property.enum, key).toEqual(rule.choices);
      }
    }
  });
});
