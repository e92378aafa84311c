import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { probeCapabilities, resolveBinaries } from './binaries.js';

describe('resolveBinaries', () => {
  it('finds ffmpeg and ffprobe from the same build on PATH here, and reports libx264 and aac', async () => {
    const bins = await resolveBinaries({ PATH: process.env.PATH });
    expect(path.dirname(bins.ffprobe.path)).toBe(path.dirname(bins.ffmpeg.path));
    const caps = await probeCapabilities(bins);
    expect(caps.version).toMatch(/^ffmpeg version/);
    expect(caps.encoders).toEqual(expect.arrayContaining(['libx264', 'aac']));
  });

  it('FFMPEG_PATH wins, and ffprobe is taken from beside it', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'bins-'));
    for (const name of ['ffmpeg', 'ffprobe']) {
      await writeFile(path.join(dir, name), '#!/bin/sh\n');
      await chmod(path.join(dir, name), 0o755);
    }
    const bins = await resolveBinaries({ PATH: process.env.PATH, FFMPEG_PATH: path.join(dir, 'ffmpeg') });
    expect(bins.ffmpeg).toEqual({ path: path.join(dir, 'ffmpeg'), source: 'env' });
    expect(bins.ffprobe).toEqual({ path: path.join(dir, 'ffprobe'), source: 'sibling' });
  });

  it('a FFMPEG_PATH that is not executable is a clear error, not a silent fallback', async () => {
    await expect(resolveBinaries({ FFMPEG_PATH: '/nonexistent/ffmpeg' })).rejects.toMatchObject({
      code: 'FFMPEG_MISSING',
      message: expect.stringContaining('FFMPEG_PATH'),
    });
  });

  it('nothing anywhere: FFMPEG_MISSING with install advice', async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), 'empty-'));
    // The bundled npm binaries may exist; only assert the message when nothing is found.
    const result = await resolveBinaries({ PATH: empty }).catch((e: unknown) => e);
    if (result instanceof Error) expect(result.message).toMatch(/apt-get install ffmpeg|brew install ffmpeg/);
    else expect((result as { ffmpeg: { source: string } }).ffmpeg.source).toBe('bundled');
  });
});
