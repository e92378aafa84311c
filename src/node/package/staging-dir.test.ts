import { spawnSync } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDir } from '../../../test/helpers/clips.js';
import { createStagingDir, currentOwner, OWNER_FILE, type StagingOwner } from './staging-dir.js';

/** A pid that belonged to a process which has exited (and been reaped). */
function deadPid(): number {
  return spawnSync('true').pid;
}

async function leftover(parent: string, name: string, owner: StagingOwner | undefined): Promise<string> {
  const dir = path.join(parent, name);
  await mkdir(path.join(dir, 'video-0'), { recursive: true });
  await writeFile(path.join(dir, 'video-0', 'seg_00000.ts'), 'x');
  if (owner) await writeFile(path.join(dir, OWNER_FILE), JSON.stringify(owner));
  return dir;
}

describe('stale staging folders (issue 13: 11 of 14 SIGKILLed runs left one)', () => {
  it('the next encode into the folder removes those of dead owners and keeps live and foreign ones', async () => {
    const parent = await scratchDir('staging-');
    const me = currentOwner();
    await leftover(parent, '.film.partial-dead0001', { pid: deadPid(), hostname: os.hostname() });
    await mkdir(path.join(parent, '.film.partial-dead0001.keys'));
    // Our pid, another start time: the pid was reused after the owner died.
    await leftover(parent, '.film.partial-reused01', { ...me, startTime: '1' });
    await leftover(parent, '.film.partial-live0001', me);
    await leftover(parent, '.film.partial-remote01', { pid: deadPid(), hostname: `not-${os.hostname()}` });
    // No owner file and just made: maybe a run between mkdir and writing its owner.
    await leftover(parent, '.film.partial-young001', undefined);

    const staging = await createStagingDir(path.join(parent, 'other'));
    const names = await readdir(parent);
    expect(names).not.toContain('.film.partial-dead0001');
    expect(names).not.toContain('.film.partial-dead0001.keys');
    expect(names).not.toContain('.film.partial-reused01');
    expect(names).toEqual(
      expect.arrayContaining([
        '.film.partial-live0001',
        '.film.partial-remote01',
        '.film.partial-young001',
        path.basename(staging.path),
      ]),
    );
    await staging.discard();
  });

  it('records its owner inside the folder and leaves no trace of it in the committed package', async () => {
    const parent = await scratchDir('staging-');
    const staging = await createStagingDir(path.join(parent, 'pkg'));
    expect(await readdir(staging.path)).toEqual([OWNER_FILE]);
    await staging.commit();
    expect(await readdir(path.join(parent, 'pkg'))).toEqual([]);
  });
});
