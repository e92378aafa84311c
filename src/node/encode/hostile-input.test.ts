import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDir } from '../../../test/helpers/clips.js';
import { testPreset } from '../../../test/helpers/encode.js';
import { StudioError } from '../../common/errors.js';
import { encodePackage } from './encode-package.js';

/**
 * Watches FIFOs for a reader: a process that opens a FIFO for reading blocks until a writer comes, and
 * opening one for writing without blocking succeeds only while a reader has it open. So any attempt to
 * read `outside.ts` is seen (and unblocked) here; an untouched FIFO never lets a writer in.
 */
function watchFifos(fifos: string[]) {
  const opened = new Set<string>();
  const timer = setInterval(() => {
    for (const fifo of fifos) {
      try {
        closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
        opened.add(fifo);
      } catch {
        // ENXIO: nobody is reading it
      }
    }
  }, 5);
  return {
    opened,
    stop: () => clearInterval(timer),
  };
}

describe('hostile sources (issue 13)', () => {
  it.each(['evil.m3u8', 'innocent.mp4'])(
    'a playlist named %s that names ../outside.ts and file:///…/outside.ts is refused, and neither file is opened',
    async (name) => {
      const root = await scratchDir('hostile-');
      const inside = path.join(root, 'in');
      await mkdir(inside);
      const relative = path.join(root, 'outside.ts');
      const absolute = path.join(root, 'outside-abs.ts');
      execFileSync('mkfifo', [relative, absolute]);
      const playlist = path.join(inside, name);
      await writeFile(
        playlist,
        [
          '#EXTM3U',
          '#EXT-X-TARGETDURATION:2',
          '#EXTINF:1,',
          '../outside.ts',
          '#EXTINF:1,',
          `file://${absolute}`,
          '#EXT-X-ENDLIST',
          '',
        ].join('\n'),
      );
      const watch = watchFifos([relative, absolute]);
      const packageDir = path.join(root, 'out', 'pkg');
      const error = await encodePackage({ input: playlist, packageDir, preset: testPreset() })
        .catch((e: unknown) => e)
        .finally(() => watch.stop());
      expect([...watch.opened]).toEqual([]);
      expect(error).toBeInstanceOf(StudioError);
      expect((error as StudioError).code).toBe('NOT_MEDIA');
      expect((error as StudioError).message).toBe(
        `${playlist}: playlists (HLS) are not accepted as sources: a playlist names other files, which may lie anywhere on the disk; give the video file itself`,
      );
      expect(await readdir(root)).not.toContain('out');
    },
    60_000,
  );
});
