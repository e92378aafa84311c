import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { clip, scratchDir } from '../../../test/helpers/clips.js';
import { childrenOf, isAlive } from '../../../test/helpers/processes.js';
import { waitFor } from '../../../test/helpers/wait-for.js';
import { parentDeathWrapper } from './parent-death.js';

const MAIN = fileURLToPath(new URL('../../cli/main.ts', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => [])) {
    if (e.isFile()) total += (await stat(path.join(e.parentPath, e.name)).catch(() => ({ size: 0 }))).size;
  }
  return total;
}

/**
 * Starts `hls-studio encode` on a 30 s clip, waits for the packaging ffmpeg, SIGKILLs the CLI (or its
 * whole process group) and returns what was left running.
 */
async function killDuringEncode(killGroup: boolean, extraEnv: NodeJS.ProcessEnv = {}) {
  const input = await clip('kill-30s.mp4', { width: 640, height: 360, durationSec: 30 });
  const out = await scratchDir('kill-');
  const cli = spawn(
    process.execPath,
    ['--import', 'tsx', MAIN, 'encode', input, '--out', out, '--preset', 'mobile-light'],
    {
      stdio: 'ignore',
      detached: killGroup,
      env: { ...process.env, ...extraEnv },
    },
  );
  const ffmpeg = await waitFor(
    () => childrenOf(cli.pid!).find((c) => c.comm === 'ffmpeg' && c.args.includes('hls')),
    'the packaging ffmpeg',
    60_000,
    20,
  );
  if (killGroup) process.kill(-cli.pid!, 'SIGKILL');
  else process.kill(cli.pid!, 'SIGKILL');
  const staging = path.join(
    out,
    (await readdir(out)).find((n) => n.includes('.partial-'))!,
  );
  let alive = true;
  for (let i = 0; i < 40 && alive; i++) {
    await sleep(50);
    alive = isAlive(ffmpeg.pid);
  }
  const before = await folderBytes(staging);
  await sleep(1000);
  const grew = (await folderBytes(staging)) - before;
  if (alive) process.kill(ffmpeg.pid, 'SIGKILL'); // a failed run leaves nothing behind either
  return { alive, grew, out, staging };
}

describe.skipIf(process.platform !== 'linux' || !parentDeathWrapper())(
  'ffmpeg dies with its parent (issue 13)',
  () => {
    it('kill -9 of the CLI: its ffmpeg is gone within 2 s and the staging folder stops growing', async () => {
      const { alive, grew, out, staging } = await killDuringEncode(false);
      expect(alive).toBe(false);
      expect(grew).toBe(0);
      // …and the next encode into the same folder removes the dead run's staging folder (defect 4).
      const small = await clip('kill-next.mp4', { width: 160, height: 90, durationSec: 1 });
      const args = ['encode', small, '--out', out, '--preset', 'mobile-light', '--speed', 'ultrafast'];
      const next = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { encoding: 'utf8' });
      expect(next.status, next.stderr).toBe(0);
      expect(await readdir(out)).toEqual(['kill-next']);
      expect(existsSync(staging)).toBe(false);
    }, 120_000);

    it('kill -9 of the CLI’s process group (ffmpeg has a group of its own): ffmpeg is gone too', async () => {
      const { alive, grew } = await killDuringEncode(true);
      expect(alive).toBe(false);
      expect(grew).toBe(0);
    }, 120_000);
  },
);
