import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { scratchDir } from '../../../test/helpers/clips.js';
import { processCounter } from '../ffmpeg/runner.js';
import {
  containerOf,
  decodesAsKeyframe,
  firstPacketDecodesAsKey,
  firstPacketIsKey,
  firstPacketKeyFlags,
  startsWithKeyframe,
  type SegmentCopy,
} from './segment-probe.js';

const run = promisify(execFile);
const ffmpeg = (...args: string[]) => run('ffmpeg', ['-v', 'error', '-y', ...args]);

let dir: string;
/** Two TS segments starting on an IDR, one starting on a P-frame (its SPS comes with the IDR at 0.5 s). */
let keyed: SegmentCopy;
let midGop: SegmentCopy;
let fmp4: SegmentCopy;

beforeAll(async () => {
  dir = await scratchDir('segment-probe-');
  const gop = ['-c:v', 'libx264', '-preset', 'ultrafast', '-bf', '0', '-x264-params', 'keyint=15:scenecut=0'];
  const source = ['-f', 'lavfi', '-i', 'testsrc2=size=96x64:rate=30', '-t', '1'];
  await ffmpeg(...source, ...gop, '-f', 'mpegts', path.join(dir, 'keyed.ts'));
  // Stream copy from 0.2 s, non-keyframes kept: the first packet is a P-frame.
  await ffmpeg(
    '-i',
    path.join(dir, 'keyed.ts'),
    '-ss',
    '0.2',
    '-c',
    'copy',
    '-copyinkf',
    '-f',
    'mpegts',
    path.join(dir, 'mid-gop.ts'),
  );
  await ffmpeg(
    ...source,
    ...gop,
    '-movflags',
    'frag_keyframe+empty_moov',
    '-f',
    'mp4',
    path.join(dir, 'frag.mp4'),
  );
  keyed = { file: path.join(dir, 'keyed.ts'), format: 'mpegts' };
  midGop = { file: path.join(dir, 'mid-gop.ts'), format: 'mpegts' };
  fmp4 = { file: path.join(dir, 'frag.mp4'), format: 'mp4' };
});

describe('firstPacketKeyFlags (one ffmpeg run for many segments)', () => {
  it('answers each segment for itself: only the middle one starts mid-GOP, in one process', async () => {
    const before = processCounter.started;
    const flags = await firstPacketKeyFlags([keyed, midGop, keyed, fmp4, midGop]);
    expect(processCounter.started - before).toBe(1);
    expect(flags).toEqual([true, false, true, true, false]);
    // The same answers ffprobe gives each segment alone.
    for (const [i, copy] of [keyed, midGop, keyed, fmp4, midGop].entries())
      expect(await startsWithKeyframe(copy), `segment ${i}`).toBe(flags[i]);
  });

  it('a segment without video leaves the batch unanswered (never guessed), and its listings are removed', async () => {
    const audio = path.join(dir, 'audio.ts');
    await ffmpeg('-f', 'lavfi', '-i', 'sine', '-t', '0.5', '-f', 'mpegts', audio);
    const flags = await firstPacketKeyFlags([keyed, { file: audio, format: 'mpegts' }]);
    expect(flags).toEqual([undefined, undefined]);
    expect((await readdir(dir)).filter((n) => n.endsWith('.framecrc'))).toEqual([]);
  });
});

describe('firstPacketDecodesAsKey (two ffmpeg runs for many I-frame entries)', () => {
  it('decodes each first packet alone: the mid-GOP P-frame gives no keyframe picture, in two processes', async () => {
    const entries = [keyed, midGop, fmp4, keyed];
    const before = processCounter.started;
    const decodes = await firstPacketDecodesAsKey(entries);
    expect(processCounter.started - before).toBe(2);
    expect(decodes).toEqual([true, false, true, true]);
    for (const [i, copy] of entries.entries())
      expect(await decodesAsKeyframe(copy), `entry ${i}`).toBe(decodes[i]);
    const left = (await readdir(dir)).filter((n) => /\.(framecrc|nut|decoded)$/.test(n));
    expect(left).toEqual([]);
  });
});

describe('firstPacketIsKey', () => {
  it('reads the flags of the first packet line of a framecrc listing', () => {
    const head = '#tb 0: 1/90000\n#media_type 0: video\n';
    expect(
      firstPacketIsKey(`${head}0,          0,          0,     3000,     1441, 0xd6f17cc0, S=1,        1\n`),
    ).toBe(true);
    expect(
      firstPacketIsKey(`${head}0,       3000,       3000,     3000,      412, 0x1b2c3d4e, F=0x0\n`),
    ).toBe(false);
    expect(
      firstPacketIsKey(`${head}0,          0,          0,     3000,     1441, 0xd6f17cc0, F=0x5\n`),
    ).toBe(true);
    expect(firstPacketIsKey(head)).toBeUndefined();
  });
});

describe('containerOf', () => {
  it('names MPEG-TS and ISO BMFF; a playlist posing as a segment is neither', () => {
    const ts = Buffer.alloc(376);
    ts[0] = ts[188] = 0x47;
    expect(containerOf(ts)).toBe('mpegts');
    expect(containerOf(Buffer.from('\0\0\0\x18styp'))).toBe('mp4');
    const playlist = Buffer.from('#EXTM3U\n#EXTINF:1,\n../../etc/passwd\n'.padEnd(400, '\n'));
    expect(containerOf(playlist)).toBeUndefined();
  });
});
