/**
 * examples/cluster/ run as a cluster would run them, here: each sbatch file's command lines with the
 * array variables SLURM sets (SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT, SLURM_CPUS_PER_TASK), the
 * submit scripts against a stand-in sbatch that runs each job at once and honours afterok
 * dependencies, and the Kubernetes Indexed Job's container command with JOB_COMPLETION_INDEX, all on
 * tiny inputs and the built CLI (dist/). The merged results must equal the unsharded ones.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repositoryRoot } from '../helpers/cli-capture.js';

const cluster = join(repositoryRoot, 'examples/cluster');
const cli = join(repositoryRoot, 'dist/cli/main.js');
const NNFT = `${process.execPath} ${cli}`;

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], env: Record<string, string>, cwd = repositoryRoot): Promise<Ran> {
  return new Promise((resolve, reject) => {
    // Only what a job would see: PATH and HOME, plus the job's variables.
    const child = spawn(command, args, { cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => void (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The estimate without what a merge reports differently: timing, thread totals, its own provenance. */
function comparable(result: Record<string, unknown>): Record<string, unknown> {
  const { seconds: _s, workers: _w, shards: _shards, ...rest } = result;
  return rest;
}

async function unsharded(spec: string, ensemble: number, seed: number): Promise<Record<string, unknown>> {
  const ran = await run(process.execPath, [cli, 'estimate', spec, '--ensemble', String(ensemble), '--seed', String(seed), '--backend', 'wasm', '--workers', '1', '--json'], {});
  expect(ran.code, ran.stderr).toBe(0);
  return JSON.parse(ran.stdout) as Record<string, unknown>;
}

/**
 * A stand-in for sbatch: prints a job id (--parsable), runs the script at once (an --array=A-B job
 * once per task, with SLURM's array variables), and refuses a job whose afterok dependency did not
 * succeed. The environment is exported to the job, as sbatch's default --export=ALL does.
 */
const FAKE_SBATCH = `#!/bin/bash
set -uo pipefail
state=\${FAKE_SBATCH_STATE:?}
array= dependency= script=
for arg in "$@"; do
  case $arg in
    --array=*) array=\${arg#--array=} ;;
    --dependency=*) dependency=\${arg#--dependency=} ;;
    -*) ;;
    *) script=$arg; break ;;
  esac
done
echo "$*" >> "$state/calls"
id=$(( $(cat "$state/next" 2>/dev/null || echo 4000) + 1 ))
echo $id > "$state/next"
if [ -n "$dependency" ]; then
  [ "\${dependency%%:*}" = afterok ] || { echo "unsupported dependency $dependency" >&2; exit 1; }
  [ -e "$state/\${dependency#afterok:}.ok" ] || { echo "job $id: dependency $dependency never satisfied" > "$state/$id.never"; echo $id; exit 0; }
fi
ok=1
if [ -n "$array" ]; then
  first=\${array%-*}; last=\${array#*-}
  for ((task = first; task <= last; task++)); do
    SLURM_JOB_ID=$id SLURM_ARRAY_JOB_ID=$id SLURM_ARRAY_TASK_ID=$task SLURM_ARRAY_TASK_COUNT=$((last - first + 1)) SLURM_CPUS_PER_TASK=1 \\
      bash "$script" > "$state/$id-$task.out" 2>&1 || ok=0
  done
else
  SLURM_JOB_ID=$id SLURM_CPUS_PER_TASK=1 bash "$script" > "$state/$id.out" 2>&1 || ok=0
fi
[ $ok = 1 ] && touch "$state/$id.ok"
echo $id
`;

describe.skipIf(!existsSync(cli))('examples/cluster', () => {
  it('estimate-array.sbatch per task, then estimate-merge.sbatch: the unsharded estimate (deformed spec); a missing shard is refused with exit 2', async () => {
    const spec = join(repositoryRoot, 'examples/specs/cos-net-phi4-1d.json');
    const out = await mkdtemp(join(tmpdir(), 'nnft-cluster-estimate-'));
    const env = { NNFT, SPEC: spec, OUT: out, ENSEMBLE: '2400', SEED: '4', SHARDS: '3', BACKEND: 'wasm', SLURM_ARRAY_TASK_COUNT: '3', SLURM_CPUS_PER_TASK: '1' };
    const outside = await run('bash', [join(cluster, 'estimate-array.sbatch')], env);
    expect(outside.code).not.toBe(0);
    expect(outside.stderr).toMatch(/run this as a job array/);
    for (const task of [0, 1, 2]) {
      const ran = await run('bash', [join(cluster, 'estimate-array.sbatch')], { ...env, SLURM_ARRAY_TASK_ID: String(task) });
      expect(ran.code, ran.stderr).toBe(0);
    }
    expect((await readdir(out)).sort()).toEqual(['estimate-shard-0-of-3.json', 'estimate-shard-1-of-3.json', 'estimate-shard-2-of-3.json']);
    const merged = await run('bash', [join(cluster, 'estimate-merge.sbatch')], { NNFT, OUT: out });
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toMatch(/G_c4:/);
    const result = JSON.parse(await readFile(join(out, 'merged', 'estimate.json'), 'utf8')) as Record<string, unknown>;
    expect(comparable(result)).toEqual(comparable(await unsharded(spec, 2400, 4)));

    await rm(join(out, 'estimate-shard-1-of-3.json'));
    const incomplete = await run('bash', [join(cluster, 'estimate-merge.sbatch')], { NNFT, OUT: out, MERGED: join(out, 'again') });
    expect(incomplete.code).toBe(2);
    expect(incomplete.stderr).toMatch(/1 of 3 shards missing: 1\/3/);
    expect(existsSync(join(out, 'again'))).toBe(false);
  }, 180_000);

  it('submit-estimate.sh: the array job, then the merge job with afterok on it (stand-in sbatch)', async () => {
    const spec = join(repositoryRoot, 'examples/specs/cos-net-free-1d.json');
    const state = await mkdtemp(join(tmpdir(), 'nnft-fake-sbatch-'));
    const sbatch = join(state, 'sbatch');
    await writeFile(sbatch, FAKE_SBATCH);
    await chmod(sbatch, 0o755);
    const out = join(state, 'estimate');
    const ran = await run('bash', [join(cluster, 'submit-estimate.sh')], { SBATCH: sbatch, FAKE_SBATCH_STATE: state, NNFT, SPEC: spec, OUT: out, ENSEMBLE: '3000', SEED: '2', SHARDS: '4', BACKEND: 'wasm' });
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/array job 4001 \(4 shards\), merge job 4002/);
    const calls = (await readFile(join(state, 'calls'), 'utf8')).trim().split('\n');
    expect(calls[0]).toMatch(/^--parsable --array=0-3 .*estimate-array\.sbatch$/);
    expect(calls[1]).toMatch(/^--parsable --dependency=afterok:4001 .*estimate-merge\.sbatch$/);
    expect(existsSync(join(state, '4002.ok')), await readFile(join(state, '4002.out'), 'utf8').catch(() => 'no log')).toBe(true);
    const result = JSON.parse(await readFile(join(out, 'merged', 'estimate.json'), 'utf8')) as Record<string, unknown>;
    expect(comparable(result)).toEqual(comparable(await unsharded(spec, 3000, 2)));
  }, 180_000);

  it('estimate-indexed-job.yaml: its container command per JOB_COMPLETION_INDEX, then estimate-merge-job.yaml', async () => {
    const yaml = await readFile(join(cluster, 'estimate-indexed-job.yaml'), 'utf8');
    expect(yaml).toMatch(/^kind: Job$/m);
    expect(yaml).toMatch(/^ {2}completionMode: Indexed$/m);
    const completions = Number(/^ {2}completions: (\d+)$/m.exec(yaml)![1]);
    const job = containerOf(yaml);
    expect(job.command).toEqual(['/bin/sh', '-c']);
    expect(Number(job.env.SHARDS)).toBe(completions);
    const spec = join(repositoryRoot, 'examples/specs/cos-net-free-1d.json');
    const out = await mkdtemp(join(tmpdir(), 'nnft-cluster-k8s-'));
    // The image's paths replaced by local ones; SHARDS, SEED, BACKEND as the file gives them.
    const env = { ...job.env, NNFT, SPEC: spec, OUT: out, ENSEMBLE: '3200', WORKERS: '1' };
    for (let index = 0; index < completions; index++) {
      const ran = await run('/bin/sh', ['-c', job.script], { ...env, JOB_COMPLETION_INDEX: String(index) });
      expect(ran.code, ran.stderr).toBe(0);
    }
    expect((await readdir(out)).filter((name) => name.startsWith('estimate-shard-'))).toHaveLength(completions);
    const merge = containerOf(await readFile(join(cluster, 'estimate-merge-job.yaml'), 'utf8'));
    const merged = await run('/bin/sh', ['-c', merge.script], { ...merge.env, NNFT, OUT: out });
    expect(merged.code, merged.stderr).toBe(0);
    const result = JSON.parse(await readFile(join(out, 'merged', 'estimate.json'), 'utf8')) as Record<string, unknown>;
    expect(comparable(result)).toEqual(comparable(await unsharded(spec, 3200, Number(job.env.SEED))));
    expect(result.backend).toBe(job.env.BACKEND);
  }, 180_000);

  it('sweep-array.sbatch per task, then sweep-merge.sbatch: the unsharded sweep summary, byte for byte; submit-sweep.sh wires the dependency', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'nnft-cluster-sweep-'));
    const sweep = join(directory, 'tiny.json');
    await writeFile(
      sweep,
      JSON.stringify({
        nnftSweep: 1,
        name: 'tiny',
        target: join(repositoryRoot, 'targets/phi4-local-1d.json'),
        options: { ensembleSize: 1000, validationEnsembleSize: 2000, maxSteps: 0, seed: 1, tolerance: 0.5, backend: 'wasm' },
        vary: { parameters: [{ name: 'width', pointer: '/options/width', values: [8, 12] }] },
      }),
    );
    const reference = await run(process.execPath, [cli, 'sweep', sweep, '--out', join(directory, 'whole')], {});
    expect(reference.code, reference.stderr).toBe(0);
    const out = join(directory, 'sharded');
    const env = { NNFT, SWEEP: sweep, OUT: out, SHARDS: '2', PARALLEL: '1', SLURM_ARRAY_TASK_COUNT: '2', SLURM_CPUS_PER_TASK: '1' };
    for (const task of [0, 1]) {
      const ran = await run('bash', [join(cluster, 'sweep-array.sbatch')], { ...env, SLURM_ARRAY_TASK_ID: String(task) });
      expect(ran.code, ran.stderr).toBe(0);
    }
    const merged = await run('bash', [join(cluster, 'sweep-merge.sbatch')], { NNFT, OUT: out });
    expect(merged.code, merged.stderr).toBe(0);
    for (const name of ['summary.jsonl', 'summary.csv']) {
      expect(await readFile(join(out, 'merged', name), 'utf8'), name).toBe(await readFile(join(directory, 'whole', name), 'utf8'));
    }
    expect((await readFile(join(out, 'merged', 'summary.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(2);

    // submit-sweep.sh with the stand-in sbatch: reruns find every point finished in the shard directories.
    const state = await mkdtemp(join(tmpdir(), 'nnft-fake-sbatch-'));
    await writeFile(join(state, 'sbatch'), FAKE_SBATCH);
    await chmod(join(state, 'sbatch'), 0o755);
    const submitted = await run('bash', [join(cluster, 'submit-sweep.sh')], { SBATCH: join(state, 'sbatch'), FAKE_SBATCH_STATE: state, NNFT, SWEEP: sweep, OUT: out, SHARDS: '2', PARALLEL: '1', MERGED: join(directory, 'again') });
    expect(submitted.code, submitted.stderr).toBe(0);
    const calls = (await readFile(join(state, 'calls'), 'utf8')).trim().split('\n');
    expect(calls[1]).toMatch(/^--parsable --dependency=afterok:4001 .*sweep-merge\.sbatch$/);
    expect(await readFile(join(directory, 'again', 'summary.jsonl'), 'utf8')).toBe(await readFile(join(directory, 'whole', 'summary.jsonl'), 'utf8'));
  }, 300_000);
});

/**
 * The first container of a Job manifest as written in examples/cluster: its env list (`- name:` /
 * `value: "..."` pairs), command, and the `- |` block of its args (the shell script).
 */
function containerOf(yaml: string): { env: Record<string, string>; command: string[]; script: string } {
  const env: Record<string, string> = {};
  for (const match of yaml.matchAll(/- name: (\w+)\n\s+value: "([^"]*)"/g)) env[match[1]!] = match[2]!;
  const command = JSON.parse(/^\s+command: (\[.*\])$/m.exec(yaml)![1]!) as string[];
  const lines = yaml.split('\n');
  const start = lines.findIndex((line) => /^\s+- \|$/.test(line));
  expect(start).toBeGreaterThan(0);
  const indent = /^\s*/.exec(lines[start + 1]!)![0].length;
  const script: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() && /^\s*/.exec(line)![0].length < indent) break;
    script.push(line.slice(indent));
  }
  return { env, command, script: script.join('\n') };
}
