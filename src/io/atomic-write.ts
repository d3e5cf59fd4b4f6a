/**
 * Atomic file writes: write a temp file beside the destination, flush it to disk, then rename over
 * the destination, so readers (and a resumed run) never see a half-written file: a kill at any
 * instant leaves the old contents or the new, never part of either.
 *
 * The temp file (".<name>.<pid>.<random>.tmp") is the only thing an interruption can leave behind:
 * a process that exits normally, or on a signal nnft handles (docs/ensemble.md, "Interrupts"),
 * removes its temp files in an exit hook; after a SIGKILL or a power cut, removeStaleTemporaries()
 * (run when a run directory is opened) removes those of processes that are gone.
 */
import { mkdir, open, rename, rm, readdir } from 'node:fs/promises';
import { unlinkSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** Temp files being written by this process, removed by the exit hook if the process ends mid-write. */
const inFlight = new Set<string>();
let exitHookInstalled = false;

function track(temp: string): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const path of inFlight) {
        try {
          unlinkSync(path);
        } catch {
          // Renamed or removed meanwhile.
        }
      }
    });
  }
  inFlight.add(temp);
}

const TEMP_PATTERN = /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/;

/** Whether `name` is a temp file of writeFileAtomic (and the pid that wrote it). */
export function atomicTemporaryPid(name: string): number | null {
  const match = TEMP_PATTERN.exec(name);
  return match ? Number(match[1]) : null;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Remove temp files in `directory` left by writers that are no longer running. Returns their names. */
export async function removeStaleTemporaries(directory: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = atomicTemporaryPid(name);
    if (pid === null || (pid !== process.pid && processAlive(pid)) || (pid === process.pid && inFlight.has(join(directory, name)))) continue;
    await rm(join(directory, name), { force: true });
    removed.push(name);
  }
  return removed;
}

export async function writeFileAtomic(path: string, contents: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  // The temp name only needs to be unique, not unpredictable; crypto avoids Math.random.
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  track(temp);
  try {
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(contents);
      // Flushed before the rename, so a crash after it cannot leave an empty or short file.
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  } finally {
    inFlight.delete(temp);
  }
}

export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}
