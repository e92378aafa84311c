import { createDecipheriv } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { clip, scratchDir } from '../../../test/helpers/clips.js';
import { encodeInto, readPlaylist, testPreset } from '../../../test/helpers/encode.js';
import { ffprobeJson } from '../../../test/helpers/ffprobe.js';
import type { PackageResult } from '../../common/encode-events.js';
import { validatePackage } from '../validate/validate-package.js';

describe('AES-128 packages, keys rotated every segment', () => {
  let result: PackageResult;

  beforeAll(async () => {
    const input = await clip('for-encryption.mp4', { width: 320, height: 180, durationSec: 5 });
    ({ result } = await encodeInto(input, testPreset({ images: { previewDurationSec: 0 } }), {
      encrypt: true,
      keyRotationSegments: 1,
    }));
  });

  it('writes the keys beside the package, never inside it, readable by the owner only', async () => {
    expect(result.keysDir).toBe(`${result.packageDir}.keys`);
    const keys = (await readdir(result.keysDir!)).sort();
    expect(keys).toEqual(['key-0.key', 'key-1.key', 'key-2.key']);
    for (const k of keys) {
      const info = await stat(path.join(result.keysDir!, k));
      expect(info.size).toBe(16);
      expect(info.mode & 0o077).toBe(0);
    }
    const inside = await readdir(result.packageDir, { recursive: true });
    expect(inside.filter((f) => f.endsWith('.key'))).toEqual([]);
  });

  it('a new EXT-X-KEY (with its own IV) starts every segment period', async () => {
    const text = await readFile(path.join(result.packageDir, 'v0-180p/index.m3u8'), 'utf8');
    const ivs = [...text.matchAll(/#EXT-X-KEY:METHOD=AES-128,URI="([^"]+)",IV=0x([0-9a-f]{32})/g)];
    expect(ivs.map((m) => m[1])).toEqual([
      '../../pkg.keys/key-0.key',
      '../../pkg.keys/key-1.key',
      '../../pkg.keys/key-2.key',
    ]);
    expect(new Set(ivs.map((m) => m[2])).size).toBe(3);
  });

  it('a segment decrypted with its key and IV decodes; the encrypted bytes do not', async () => {
    const playlist = await readPlaylist(path.join(result.packageDir, 'v0-180p/index.m3u8'));
    const segment = playlist.segments[1]!;
    const key = await readFile(path.join(result.keysDir!, 'key-1.key'));
    const encrypted = await readFile(path.join(result.packageDir, 'v0-180p', segment.uri));
    const decipher = createDecipheriv('aes-128-cbc', key, Buffer.from(segment.key!.iv!));
    const clear = Buffer.concat([decipher.update(encrypted), decipher.final()]);
    const work = await scratchDir('decrypt-');
    await writeFile(path.join(work, 'clear.ts'), clear);
    await writeFile(path.join(work, 'encrypted.ts'), encrypted);
    const frames = await ffprobeJson(path.join(work, 'clear.ts'), [
      '-select_streams',
      'v:0',
      '-count_frames',
      '-show_streams',
    ]);
    expect(Number((frames.streams![0] as { nb_read_frames: string }).nb_read_frames)).toBeGreaterThan(30);
    await expect(ffprobeJson(path.join(work, 'encrypted.ts'), ['-show_streams'])).rejects.toThrow();
  });

  it('I-frames are separate encrypted files, and the package validates with its keys (rules 4.3.3.6, 5.2)', async () => {
    const iframes = await readFile(path.join(result.packageDir, 'v0-180p/iframes.m3u8'), 'utf8');
    expect(iframes).not.toContain('EXT-X-BYTERANGE');
    expect(iframes).toContain('#EXT-X-KEY:METHOD=AES-128');
    const report = await validatePackage(result.packageDir);
    const byId = Object.fromEntries(report.results.map((r) => [r.id, r.status]));
    expect(byId).toMatchObject({
      'rfc8216-5.2-keys': 'pass',
      'rfc8216-4.3.3.6': 'pass',
      'apple-7.4': 'pass',
    });
    expect(report.valid).toBe(true);
  });
});

describe('burn-in', () => {
  it('a sidecar subtitle burnt in changes the picture at its cue time, and is not a rendition', async () => {
    const input = await clip('for-burn-in.mp4', {
      width: 640,
      height: 360,
      durationSec: 3,
      audioChannels: 0,
    });
    const srt = path.join(await scratchDir('burn-'), 'big.srt');
    await writeFile(srt, '1\n00:00:00,000 --> 00:00:03,000\nBURNT IN SUBTITLE TEXT\n');
    const plain = await encodeInto(
      input,
      testPreset({ images: { previewDurationSec: 0, storyboardIntervalSec: 0 } }),
    );
    const burnt = await encodeInto(
      input,
      testPreset({ images: { previewDurationSec: 0, storyboardIntervalSec: 0 } }),
      {
        burnIn: { file: srt },
      },
    );
    expect(burnt.result.subtitles).toEqual([]);
    expect(burnt.result.notes.join()).toMatch(/burnt in from big\.srt/);
    // Compare the bottom third of the first frame of the top rung, as 8-bit gray pixels.
    const gray = async (pkg: string) => {
      const { execFile } = await import('node:child_process');
      return new Promise<Buffer>((resolve, reject) =>
        execFile(
          'ffmpeg',
          [
            '-v',
            'error',
            '-i',
            path.join(pkg, 'v2-360p/seg_00000.ts'),
            '-frames:v',
            '1',
            '-vf',
            'crop=iw:ih/3:0:ih*2/3,format=gray',
            '-f',
            'rawvideo',
            '-',
          ],
          { encoding: 'buffer', maxBuffer: 16 * 1024 * 1024 },
          (error, stdout) => (error ? reject(error) : resolve(stdout)),
        ),
      );
    };
    const [a, b] = await Promise.all([gray(plain.result.packageDir), gray(burnt.result.packageDir)]);
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff += Math.abs(a[i]! - b[i]!);
    expect(diff / a.length).toBeGreaterThan(2);
  });
});
