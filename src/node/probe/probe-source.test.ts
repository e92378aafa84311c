import { copyFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { clip, scratchDir } from '../../../test/helpers/clips.js';
import { setMp4Rotation } from '../../../test/helpers/mp4-rotation.js';
import { probeSource } from './probe-source.js';

let dir: string;
let valid: string;
beforeAll(async () => {
  dir = await scratchDir('probe-');
  valid = await clip('valid.mp4', { width: 320, height: 180, durationSec: 2 });
});

describe('probeSource: bad input gets a typed error naming the file', () => {
  it('missing file → FILE_NOT_FOUND', async () => {
    const file = path.join(dir, 'missing.mp4');
    await expect(probeSource(file)).rejects.toMatchObject({
      code: 'FILE_NOT_FOUND',
      file,
      message: expect.stringContaining(file),
    });
  });

  it('a cancel, before or while ffprobe runs → CANCELLED, never asked again the slow way', async () => {
    const before = new AbortController();
    before.abort();
    await expect(probeSource(valid, { signal: before.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
    const during = new AbortController();
    const probing = probeSource(valid, { signal: during.signal });
    setTimeout(() => during.abort(), 20);
    await expect(probing).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('zero-byte file → FILE_EMPTY', async () => {
    const file = path.join(dir, 'empty.mp4');
    await writeFile(file, '');
    await expect(probeSource(file)).rejects.toMatchObject({ code: 'FILE_EMPTY', file });
  });

  it('a text file named .mp4 → NOT_MEDIA', async () => {
    const file = path.join(dir, 'notes.mp4');
    await writeFile(file, 'this is not a video\n'.repeat(50));
    await expect(probeSource(file)).rejects.toMatchObject({ code: 'NOT_MEDIA', file });
  });

  it('an mp4 cut before its moov box → TRUNCATED', async () => {
    const file = path.join(dir, 'cut.mp4');
    const whole = await clip('moov-at-end.mp4', { width: 320, height: 180, durationSec: 2 });
    await writeFile(file, (await readFile(whole)).subarray(0, 4000));
    await expect(probeSource(file)).rejects.toMatchObject({
      code: 'TRUNCATED',
      message: expect.stringMatching(/moov atom not found/),
    });
  });

  it('a folder → NOT_A_FILE', async () => {
    await expect(probeSource(dir)).rejects.toMatchObject({ code: 'NOT_A_FILE' });
  });

  it('a missing file named like a protocol (concat:a|b.mp4) is just a missing file', async () => {
    const file = path.join(dir, 'concat:a|b.mp4');
    await expect(probeSource(file)).rejects.toMatchObject({ code: 'FILE_NOT_FOUND', file });
  });
});

describe('probeSource: odd names and odd sources are read correctly', () => {
  it.each(['-x.mp4', 'concat:a|b.mp4', 'with space.mp4', 'ünïcødé 動画.mp4', '100%_%d.mp4'])(
    '%s',
    async (name) => {
      const file = path.join(dir, name);
      await copyFile(valid, file);
      const source = await probeSource(file);
      expect(source.file).toBe(file);
      expect(source.video).toMatchObject({ width: 320, height: 180 });
    },
  );

  it('a phone-style rotation in the tkhd matrix is read as a quarter turn', async () => {
    const file = path.join(dir, 'rotated.mp4');
    await copyFile(valid, file);
    await setMp4Rotation(file, 90);
    const source = await probeSource(file);
    expect(source.video).toMatchObject({ rotation: 90, displayWidth: 180, displayHeight: 320 });
  });

  it('an audio-only file has no video', async () => {
    const file = await clip('tone.m4a', { noVideo: true, durationSec: 2 });
    const source = await probeSource(file);
    expect(source.video).toBeUndefined();
    expect(source.audio).toHaveLength(1);
  });
});
