import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { StudioError } from '../../common/errors.js';

/** Hidden folders a package is built in; anything with this marker is unfinished by definition. */
export const PARTIAL_MARKER = '.partial-';

/**
 * A package is built in a hidden sibling folder and renamed into place only when complete, so a cancel,
 * crash or failure never leaves a folder under the final name (rename is atomic on one filesystem).
 */
export interface StagingDir {
  path: string;
  finalPath: string;
  /** AES-128 keys are staged here and land beside the package as `<name>.keys`, never inside it. */
  keysPath: string;
  finalKeysPath: string;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

export async function createStagingDir(
  finalPath: string,
  options: { overwrite?: boolean } = {},
): Promise<StagingDir> {
  const parent = path.dirname(finalPath);
  const name = path.basename(finalPath);
  if (!options.overwrite && (await exists(finalPath))) {
    throw new StudioError('OUTPUT_EXISTS', `${finalPath} already exists (use --overwrite to replace it)`, {
      file: finalPath,
    });
  }
  await mkdir(parent, { recursive: true });
  await removeStaleStagingDirs(parent);
  const staging = path.join(parent, `.${name}${PARTIAL_MARKER}${randomBytes(4).toString('hex')}`);
  await mkdir(staging);
  const ownerFile = path.join(staging, OWNER_FILE);
  await writeFile(ownerFile, JSON.stringify(currentOwner()));
  const keysPath = `${staging}.keys`;
  const finalKeysPath = `${finalPath}.keys`;
  return {
    path: staging,
    finalPath,
    keysPath,
    finalKeysPath,
    async commit() {
      // Keys first: the package folder appearing under its name is the sign that all is in place.
      if (await exists(keysPath)) {
        if (await exists(finalKeysPath)) await rm(finalKeysPath, { recursive: true, force: true });
        await rename(keysPath, finalKeysPath);
      }
      // The package leaves the owner's mark behind (a hidden file: video.json never listed it).
      await rm(ownerFile, { force: true });
      if (await exists(finalPath)) {
        if (!options.overwrite) {
          throw new StudioError(
            'OUTPUT_EXISTS',
            `${finalPath} appeared while encoding; the new package is kept at ${staging}`,
          );
        }
        const old = path.join(parent, `.${name}.old-${randomBytes(4).toString('hex')}`);
        await rename(finalPath, old);
        await rename(staging, finalPath);
        await rm(old, { recursive: true, force: true });
        return;
      }
      await rename(staging, finalPath);
    },
    async discard() {
      await rm(staging, { recursive: true, force: true });
      await rm(keysPath, { recursive: true, force: true });
    },
  };
}

/** Who is building a staging folder: enough to tell a live run from a dead one, on this host or another. */
export interface StagingOwner {
  pid: number;
  /** Field 22 of /proc/PID/stat (clock ticks since boot): a reused pid has another. Absent off Linux. */
  startTime?: string;
  hostname: string;
}

/** Hidden, so video.json never lists it; removed just before the folder takes the package's name. */
export const OWNER_FILE = '.hls-studio-owner.json';

/** A staging folder without an owner file older than this is a leftover of a version that wrote none. */
const ORPHAN_AGE_MS = 10 * 60 * 1000;

export function currentOwner(): StagingOwner {
  const startTime = processStartTime(process.pid);
  return { pid: process.pid, ...(startTime ? { startTime } : {}), hostname: os.hostname() };
}

/**
 * Removes the staging folders (and their `.keys` siblings) that runs killed with SIGKILL or a power cut
 * left in `parent`: those whose owner is dead. One of a live process is never touched, nor one made on
 * another host (a shared folder: we cannot see its processes). Returns the folders removed.
 */
export async function removeStaleStagingDirs(parent: string): Promise<string[]> {
  const names = await readdir(parent).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith('.') || !name.includes(PARTIAL_MARKER) || name.endsWith('.keys')) continue;
    const dir = path.join(parent, name);
    if (!(await isStale(dir))) continue;
    await rm(dir, { recursive: true, force: true });
    await rm(`${dir}.keys`, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}

async function isStale(dir: string): Promise<boolean> {
  let info;
  try {
    info = await stat(dir);
  } catch {
    return false;
  }
  if (!info.isDirectory()) return false;
  let owner: Partial<StagingOwner>;
  try {
    owner = JSON.parse(await readFile(path.join(dir, OWNER_FILE), 'utf8')) as Partial<StagingOwner>;
  } catch {
    // Unreadable or not written yet (the instant between mkdir and writeFile): judge by age alone.
    return Date.now() - info.mtimeMs > ORPHAN_AGE_MS;
  }
  if (typeof owner.pid !== 'number' || owner.hostname !== os.hostname()) return false;
  return !isLive(owner.pid, owner.startTime);
}

/** The process runs and, where /proc tells, is the same one (not a later process given the same pid). */
function isLive(pid: number, startTime: string | undefined): boolean {
  if (processState(pid) === 'Z') return false; // killed, not yet reaped
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const now = processStartTime(pid);
  return !(startTime && now && now !== startTime);
}

/** Fields 3… of /proc/PID/stat (after the parenthesised command name, which may hold spaces). */
function statFields(pid: number): string[] | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}
const processState = (pid: number) => statFields(pid)?.[0];
const processStartTime = (pid: number) => statFields(pid)?.[19];

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}
