#!/usr/bin/env node
/**
 * The design conformance suite (issue 12, item 6): runs `nnft design` on every target in
 * targets/conformance/, one at a time, with default settings, and prints one row per target read from
 * that run's result.json (nothing here is hard-coded but the per-target overrides below, each with its
 * reason in README.md, "Design conformance suite").
 *
 * Usage: node scripts/design-conformance.mjs [options] [-- extra nnft design flags]
 *   --only NAME[,NAME...]   run only these targets (repeatable; the name with or without .json)
 *   --quick                 small budgets for a smoke run (see QUICK_FLAGS); rows then say little
 *                           about conformance
 *   --tolerance X           one tolerance for every target (replaces the per-target tolerances)
 *   --out DIR               where the runs and summary.json go (default runs/conformance)
 *   --target-timeout S      stop a design after S seconds (SIGINT, then SIGKILL 30 s later);
 *                           default none, 300 with --quick
 *   --list                  print the targets and exit
 *   anything else (and everything after --) is passed through to `nnft design`.
 * Needs a build (npx tsc -p tsconfig.json). Exit code 0 when every row is met, 1 otherwise.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, createWriteStream, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TARGET_DIR = join(ROOT, 'targets', 'conformance');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');

/** The issue's acceptance tolerances: 0.05, and 0.1 in d = 3. */
const DEFAULT_TOLERANCE = 0.05;
const TOLERANCE_BY_DIMENSION = { 3: 0.1 };

/**
 * Per-target flag overrides, each with its reason in README.md ("Design conformance suite"); every
 * other target runs with nnft design's defaults. Format:
 *   'conf-x': { flags: ['--max-width', '2048'], reason: 'G_c4 needs N > 1024 because ...' },
 */
/** Per-target flags beyond the defaults (none: every row runs at default settings). */
const OVERRIDES = {};

/** --quick: a smoke run that exercises every target in a minute or two each on two cores (validation capped, so rows are often unresolved). */
const QUICK_FLAGS = ['--ensemble', '10000', '--validation-ensemble', '20000', '--max-validation-ensemble', '40000', '--max-steps', '10', '--max-width', '128', '--time-limit', '60'];
const QUICK_TARGET_TIMEOUT = 300;

/** nnft design's exit codes and the status each one means. */
const STATUS_BY_EXIT = { 0: 'met', 1: 'not met', 2: 'error', 3: 'unresolved', 130: 'interrupted' };
const STATUS_BY_RESULT = { met: 'met', 'not-met': 'not met', unresolved: 'unresolved', interrupted: 'interrupted' };

function usage(message) {
  if (message) process.stderr.write(`design-conformance: ${message}\n`);
  process.stderr.write('usage: node scripts/design-conformance.mjs [--only NAME] [--quick] [--tolerance X] [--out DIR] [--target-timeout S] [--list] [-- nnft design flags]\n');
  process.exit(2);
}

function parseArguments(argv) {
  const options = { only: [], quick: false, tolerance: null, out: join(ROOT, 'runs', 'conformance'), targetTimeout: null, list: false, extra: [] };
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    const [flag, inlineValue] = argument.startsWith('--') && argument.includes('=') ? [argument.slice(0, argument.indexOf('=')), argument.slice(argument.indexOf('=') + 1)] : [argument, undefined];
    const value = () => {
      if (inlineValue !== undefined) return inlineValue;
      if (i + 1 >= argv.length) usage(`${flag} needs a value`);
      return argv[++i];
    };
    if (flag === '--') {
      options.extra.push(...argv.slice(i + 1));
      break;
    } else if (flag === '--only') options.only.push(...value().split(',').filter(Boolean).map((name) => name.replace(/\.json$/, '')));
    else if (flag === '--quick') options.quick = true;
    else if (flag === '--list') options.list = true;
    else if (flag === '--out') options.out = resolve(value());
    else if (flag === '--tolerance') {
      options.tolerance = Number(value());
      if (!(options.tolerance > 0)) usage('--tolerance needs a number > 0');
    } else if (flag === '--target-timeout') {
      options.targetTimeout = Number(value());
      if (!(options.targetTimeout > 0)) usage('--target-timeout needs a number of seconds > 0');
    } else if (flag === '--help' || flag === '-h') usage();
    else {
      // Pass through to nnft design, with its value when the next argument is not a flag.
      options.extra.push(argument);
      if (inlineValue === undefined && i + 1 < argv.length && !argv[i + 1].startsWith('--')) options.extra.push(argv[++i]);
    }
  }
  if (options.targetTimeout === null && options.quick) options.targetTimeout = QUICK_TARGET_TIMEOUT;
  return options;
}

function loadTargets(only) {
  const files = readdirSync(TARGET_DIR).filter((name) => name.endsWith('.json')).sort();
  const targets = files.map((file) => {
    const json = JSON.parse(readFileSync(join(TARGET_DIR, file), 'utf8'));
    return { name: file.replace(/\.json$/, ''), file: join(TARGET_DIR, file), dimension: json.dimension, method: json.targetCorrelators?.method ?? 'auto' };
  });
  if (only.length === 0) return targets;
  const unknown = only.filter((name) => !targets.some((target) => target.name === name));
  if (unknown.length > 0) usage(`no conformance target ${unknown.join(', ')} (see --list)`);
  return targets.filter((target) => only.includes(target.name));
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

/** The worst pull as a number, whether result.json gives a number or { order, indices, pull }. */
function worstPullOf(consistency) {
  const value = consistency?.worstPull;
  if (typeof value === 'number') return { pull: value, where: null };
  if (value && typeof value.pull === 'number') return { pull: value.pull, where: value.order !== undefined ? `G_c${value.order}[${(value.indices ?? []).join(',')}]` : null };
  return { pull: null, where: null };
}

let current = null;
let stopping = false;
process.on('SIGINT', () => {
  stopping = true;
  if (current) current.kill('SIGINT');
  else process.exit(130);
});

function runDesign(target, runDirectory, flags, timeoutSeconds) {
  return new Promise((resolveRun) => {
    const started = performance.now();
    const args = [CLI, 'design', target.file, '--out', runDirectory, '--json', ...flags];
    const stdoutPath = `${runDirectory}.stdout.json`;
    const logPath = `${runDirectory}.log`;
    const stdout = createWriteStream(stdoutPath);
    const log = createWriteStream(logPath);
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    current = child;
    child.stdout.pipe(stdout);
    child.stderr.pipe(log);
    let timedOut = false;
    let killTimer = null;
    const timer =
      timeoutSeconds === null
        ? null
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGINT');
            killTimer = setTimeout(() => child.kill('SIGKILL'), 30_000);
          }, timeoutSeconds * 1000);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      current = null;
      const seconds = (performance.now() - started) / 1000;
      const finish = () => resolveRun({ code, signal, seconds, timedOut, args: args.slice(1), stdoutPath, logPath });
      let pending = 2;
      const done = () => --pending === 0 && finish();
      stdout.end(done);
      log.end(done);
    });
  });
}

/** The last error of a run's log (NDJSON events, or the CLI's plain "error: ..." lines), for rows without a result. */
function lastProblem(logPath) {
  let text = '';
  try {
    text = readFileSync(logPath, 'utf8');
  } catch {
    return null;
  }
  const lines = text.split('\n').filter(Boolean);
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i];
    if (line.startsWith('error:')) return line.slice(0, 300);
    if (!line.startsWith('{')) continue;
    try {
      const event = JSON.parse(line);
      if (event.type === 'error' || event.error) return `${event.error ?? 'error'}: ${event.message ?? ''}`.trim().slice(0, 300);
    } catch {
      // not an event
    }
  }
  return lines.length ? lines[lines.length - 1].slice(0, 300) : null;
}

function rowFor(target, tolerance, run, runDirectory) {
  const result = readJson(join(runDirectory, 'result.json')) ?? readJson(run.stdoutPath);
  const design = result && result.kind === 'design' ? result : null;
  const errorObject = result && result.error ? result : null;
  const exitStatus = STATUS_BY_EXIT[run.code] ?? (run.signal ? `killed (${run.signal})` : `exit ${run.code}`);
  let status;
  const notes = [];
  if (design && typeof design.status === 'string') {
    status = STATUS_BY_RESULT[design.status] ?? design.status;
    if (exitStatus !== status) notes.push(`exit code ${run.code ?? run.signal} means "${exitStatus}" but result.json says "${design.status}"`);
  } else if (design) {
    status = exitStatus;
    notes.push('result.json has no status; status from the exit code');
  } else if (run.code === 130 || run.timedOut) {
    status = 'interrupted';
    notes.push(lastProblem(run.logPath) ?? 'interrupted before a result was written');
  } else {
    status = 'error';
    notes.push(errorObject ? `${errorObject.error}: ${errorObject.message}` : (lastProblem(run.logPath) ?? `no result.json (exit ${run.code ?? run.signal})`));
  }
  if (run.timedOut) notes.push(`stopped by --target-timeout after ${run.seconds.toFixed(0)} s`);
  if (design && Array.isArray(design.reasons) && design.reasons.length > 0 && status !== 'met') notes.push(...design.reasons.map(String));
  const consistency = design?.consistency ?? null;
  const worst = worstPullOf(consistency);
  return {
    name: target.name,
    dimension: target.dimension,
    reference: target.method,
    width: design?.width ?? null,
    status,
    exitCode: run.code,
    tolerance: design?.tolerance ?? tolerance,
    relativeError: design?.comparison?.worstRelativeError ?? design?.relativeError ?? null,
    chiSquaredPerDof: consistency?.chiSquaredPerDof ?? null,
    degreesOfFreedom: consistency?.degreesOfFreedom ?? null,
    pValue: consistency?.pValue ?? null,
    worstPull: worst.pull,
    worstPullAt: worst.where,
    designSeconds: design?.seconds ?? null,
    seconds: run.seconds,
    runDirectory: relative(ROOT, runDirectory),
    command: ['nnft', ...run.args].map((part) => (part.startsWith(ROOT) ? relative(ROOT, part) : part)).join(' '),
    notes,
  };
}

const DASH = '—';
const fixed = (value, digits) => (typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : DASH);
const pValueText = (value) => (typeof value !== 'number' || !Number.isFinite(value) ? DASH : value >= 0.001 ? value.toFixed(3) : value.toExponential(1));
const COLUMNS = [
  ['target', 26, (row) => row.name],
  ['d', 2, (row) => String(row.dimension)],
  ['width', 6, (row) => (row.width === null ? DASH : String(row.width))],
  ['status', 12, (row) => row.status],
  ['tol', 5, (row) => fixed(row.tolerance, 2)],
  ['rel.err', 8, (row) => fixed(row.relativeError, 4)],
  ['chi2/dof', 9, (row) => fixed(row.chiSquaredPerDof, 2)],
  ['p', 8, (row) => pValueText(row.pValue)],
  ['worst pull', 10, (row) => fixed(row.worstPull, 1)],
  ['s', 6, (row) => fixed(row.seconds, 0)],
];
const formatRow = (cells) => cells.map((cell, i) => (i === 0 ? cell.padEnd(COLUMNS[i][1]) : cell.padStart(COLUMNS[i][1]))).join('  ');
const header = () => formatRow(COLUMNS.map(([title]) => title));

function summaryLine(rows, seconds) {
  const count = (status) => rows.filter((row) => row.status === status).length;
  const parts = ['met', 'not met', 'unresolved', 'interrupted', 'error'].map((status) => [status, count(status)]).filter(([status, n]) => n > 0 || status === 'met');
  const other = rows.length - parts.reduce((sum, [, n]) => sum + n, 0);
  return `${count('met')}/${rows.length} met (${parts.map(([status, n]) => `${n} ${status}`).join(', ')}${other ? `, ${other} other` : ''}) in ${seconds.toFixed(0)} s`;
}

function gitCommit() {
  try {
    const head = readFileSync(join(ROOT, '.git', 'HEAD'), 'utf8').trim();
    if (!head.startsWith('ref: ')) return head;
    const ref = head.slice(5);
    const loose = join(ROOT, '.git', ref);
    if (existsSync(loose)) return readFileSync(loose, 'utf8').trim();
    const packed = readFileSync(join(ROOT, '.git', 'packed-refs'), 'utf8').split('\n').find((line) => line.endsWith(` ${ref}`));
    return packed ? packed.split(' ')[0] : null;
  } catch {
    return null;
  }
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  const targets = loadTargets(options.only);
  if (options.list) {
    for (const target of targets) console.log(`${target.name.padEnd(28)} d = ${target.dimension}  reference: ${target.method}`);
    return 0;
  }
  if (!existsSync(CLI)) usage(`no build at ${relative(ROOT, CLI)}: run npx tsc -p tsconfig.json first`);
  mkdirSync(options.out, { recursive: true });
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const rows = [];
  const summaryPath = join(options.out, 'summary.json');
  const writeSummary = (complete) =>
    writeFileSync(
      summaryPath,
      `${JSON.stringify(
        {
          kind: 'design-conformance',
          startedAt,
          complete,
          quick: options.quick,
          commit: gitCommit(),
          node: process.version,
          settings: { quickFlags: options.quick ? QUICK_FLAGS : [], extraFlags: options.extra, tolerance: options.tolerance, targetTimeout: options.targetTimeout, overrides: OVERRIDES },
          summary: summaryLine(rows, (performance.now() - started) / 1000),
          rows,
        },
        null,
        2,
      )}\n`,
    );
  console.log(`design conformance: ${targets.length} target(s)${options.quick ? ' (--quick: small budgets, a smoke run)' : ''}; runs in ${relative(ROOT, options.out) || '.'}`);
  console.log(header());
  for (const target of targets) {
    if (stopping) break;
    const tolerance = options.tolerance ?? TOLERANCE_BY_DIMENSION[target.dimension] ?? DEFAULT_TOLERANCE;
    const override = OVERRIDES[target.name]?.flags ?? [];
    const flags = ['--tolerance', String(tolerance), ...(options.quick ? QUICK_FLAGS : []), ...override, ...options.extra];
    const runDirectory = join(options.out, target.name);
    // A previous run of this suite is replaced (only a run directory: it holds config.json).
    if (existsSync(runDirectory)) {
      if (statSync(runDirectory).isDirectory() && (existsSync(join(runDirectory, 'config.json')) || readdirSync(runDirectory).length === 0)) rmSync(runDirectory, { recursive: true, force: true });
      else usage(`${relative(ROOT, runDirectory)} exists and is not a design run directory; choose another --out`);
    }
    const run = await runDesign(target, runDirectory, flags, options.targetTimeout);
    const row = rowFor(target, tolerance, run, runDirectory);
    rows.push(row);
    console.log(formatRow(COLUMNS.map(([, , cell]) => cell(row))));
    for (const note of row.notes) console.log(`    ${note}`);
    writeSummary(false);
  }
  const seconds = (performance.now() - started) / 1000;
  writeSummary(!stopping && rows.length === targets.length);
  console.log(summaryLine(rows, seconds));
  console.log(`table: ${relative(ROOT, summaryPath)}`);
  if (stopping) return 130;
  return rows.every((row) => row.status === 'met') ? 0 : 1;
}

process.exitCode = await main();
