import { execFile } from 'node:child_process';
import { cp, mkdir, readdir, readFile, rm, appendFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { clip, scratchDir } from '../../../test/helpers/clips.js';
import { encodeInto, testPreset } from '../../../test/helpers/encode.js';
import { startFaultProxy } from '../../../test/helpers/fault-proxy.js';
import { richClip } from '../../../test/helpers/rich-clip.js';
import type { ValidationReport } from '../../common/validate/validation-report.js';
import { validatePackage } from './validate-package.js';

/** ffmpeg for breaking a package by hand (quiet, overwriting). */
const ffmpeg = (args: string[]) =>
  new Promise<void>((resolve, reject) =>
    execFile('ffmpeg', ['-v', 'error', '-y', ...args], (e) => (e ? reject(e) : resolve())),
  );

let good: string;
/** The fixtures' images: none (no rule reads them, and a storyboard is one more ffmpeg run per encode). */
const NO_IMAGES = { storyboardIntervalSec: 0, previewDurationSec: 0 };

beforeAll(async () => {
  const preset = testPreset({
    images: NO_IMAGES,
    rungs: [
      { width: 320, height: 180, bitrateKbps: 250, maxFrameRate: 30 },
      { width: 640, height: 360, bitrateKbps: 900 },
    ],
  });
  good = (await encodeInto(await richClip(), preset)).result.packageDir;
});

const status = (report: ValidationReport, id: string) => report.results.find((r) => r.id === id)?.status;

/** A copy of the good package with one thing broken. */
async function broken(breakIt: (dir: string) => Promise<void>): Promise<ValidationReport> {
  const dir = path.join(await scratchDir('broken-'), 'pkg');
  await cp(good, dir, { recursive: true });
  await breakIt(dir);
  return validatePackage(dir);
}

const edit = async (file: string, change: (text: string) => string) =>
  writeFile(file, change(await readFile(file, 'utf8')));

describe('validatePackage on a good package', () => {
  it('passes every MUST (a 2 s target only misses the 6 s SHOULD)', async () => {
    const report = await validatePackage(good);
    expect(report.results.filter((r) => r.status === 'fail').map((r) => r.id)).toEqual(['apple-7.5']);
    expect(report.valid).toBe(true);
  });
});

describe('temporary files', () => {
  it('segment copies for ffprobe go to the given tempDir and are removed afterwards', async () => {
    const temp = path.join(await scratchDir('temp-'), 'staging');
    await mkdir(temp);
    const seen = new Set<string>();
    const watcher = setInterval(() => {
      readdir(temp).then(
        (names) => names.forEach((n) => seen.add(n)),
        () => {},
      );
    }, 5);
    try {
      const report = await validatePackage(good, { tempDir: temp });
      expect(report.valid).toBe(true);
    } finally {
      clearInterval(watcher);
    }
    expect([...seen].some((n) => n.startsWith('hls-studio-validate-'))).toBe(true);
    expect(await readdir(temp)).toEqual([]);
  });
});

describe('each rule fails on a package broken in exactly its way', () => {
  it('rfc8216-6.2.1: "every segment a playlist names must be downloadable" — a deleted segment', async () => {
    const report = await broken((d) => rm(path.join(d, 'v1-360p/seg_00001.ts')));
    expect(status(report, 'rfc8216-6.2.1')).toBe('fail');
    expect(report.valid).toBe(false);
  });

  it('rfc8216-parse: a playlist that is not a playlist', async () => {
    const report = await broken((d) => writeFile(path.join(d, 'v0-180p/index.m3u8'), 'not a playlist\n'));
    expect(status(report, 'rfc8216-parse')).toBe('fail');
  });

  it('rfc8216-parse: hls-parser objections are findings, never stderr ("EXT-X-TARGETDURATION is REQUIRED")', async () => {
    const printed: unknown[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...args) => void printed.push(args));
    try {
      const report = await broken((d) =>
        edit(path.join(d, 'audio-0/index.m3u8'), (t) => t.replace(/^#EXT-X-TARGETDURATION:\d+\n/m, '')),
      );
      const parse = report.results.find((r) => r.id === 'rfc8216-parse')!;
      expect(parse.status).toBe('fail');
      expect(parse.message).toContain('audio-0/index.m3u8: the EXT-X-TARGETDURATION tag is REQUIRED');
      // A garbage "playlist" is a finding too, not hls-parser's TypeError.
      const garbage = await broken((d) =>
        writeFile(path.join(d, 'master.m3u8'), '#EXTM3U\nroot:x:0:0::/root\n'),
      );
      expect(garbage.results.find((r) => r.id === 'rfc8216-parse')!.message).not.toMatch(/Cannot|TypeError/);
    } finally {
      spy.mockRestore();
    }
    expect(printed).toEqual([]);
  });

  it('rfc8216-6.2.4-duration: "each Variant Stream MUST present the same content" — 3,038 s of audio beside 2.5 s of video', async () => {
    const report = await broken(async (d) => {
      // Defect 5 of issue 13: a damaged source gave 1,519 two-second audio segments beside the video.
      await edit(path.join(d, 'audio-0/index.m3u8'), (t) => {
        const last = /^(#EXTINF:[^\n]*\n[^\n#][^\n]*\n)(?![\s\S]*#EXTINF)/m.exec(t)!;
        return t.replace(
          '#EXT-X-ENDLIST',
          last[1]!.replace(/EXTINF:[\d.]+/, 'EXTINF:2.000').repeat(1519) + '#EXT-X-ENDLIST',
        );
      });
    });
    const rule = report.results.find((r) => r.id === 'rfc8216-6.2.4-duration')!;
    expect(rule.status).toBe('fail');
    expect(rule.message).toMatch(/audio-0\/index\.m3u8 lasts 30\d\d\.\d s where the video lasts \d\.\d s/);
    expect(report.valid).toBe(false);
  });

  it('rfc8216-6.2.4-duration: one segment more in one rendition (within one target duration) still passes', async () => {
    const report = await broken((d) =>
      edit(path.join(d, 'audio-0/index.m3u8'), (t) => {
        const last = /^(#EXTINF:[^\n]*\n[^\n#][^\n]*\n)(?![\s\S]*#EXTINF)/m.exec(t)!;
        return t.replace(
          '#EXT-X-ENDLIST',
          last[1]!.replace(/EXTINF:[\d.]+/, 'EXTINF:1.500') + '#EXT-X-ENDLIST',
        );
      }),
    );
    expect(status(report, 'rfc8216-6.2.4-duration')).toBe('pass');
  });

  it('apple-1.26: "AVERAGE-BANDWIDTH within 10% of measured" — a doubled declaration', async () => {
    const report = await broken((d) =>
      edit(path.join(d, 'master.m3u8'), (t) =>
        t.replace(/AVERAGE-BANDWIDTH=(\d+)/, (_, n) => `AVERAGE-BANDWIDTH=${Number(n) * 2}`),
      ),
    );
    expect(status(report, 'apple-1.26')).toBe('fail');
  });

  it('apple-1.27: "BANDWIDTH within 10% of the measured peak" — a halved declaration', async () => {
    const report = await broken((d) =>
      edit(path.join(d, 'master.m3u8'), (t) =>
        t.replace(/(STREAM-INF:BANDWIDTH=)(\d+)/, (_, k, n) => `${k}${Math.round(Number(n) / 2)}`),
      ),
    );
    expect(status(report, 'apple-1.27')).toBe('fail');
  });

  it('apple-1.30: "peak at most 200% of average" — one segment padded to 5x its size', async () => {
    const report = await broken(async (d) => {
      const file = path.join(d, 'v1-360p/seg_00001.ts');
      const size = (await readFile(file)).length;
      await appendFile(file, Buffer.alloc(size * 4, 0xff));
    });
    expect(status(report, 'apple-1.30')).toBe('fail');
  });

  it('apple-9.x-attributes: "every EXT-X-STREAM-INF has CODECS" — CODECS dropped', async () => {
    const report = await broken((d) =>
      edit(path.join(d, 'master.m3u8'), (t) => t.replace(/,CODECS="[^"]*"(?=,RESOLUTION=\d+x\d+,FRAME)/, '')),
    );
    expect(status(report, 'apple-9.x-attributes')).toBe('fail');
  });

  it('apple-7.4: "every segment starts with an IDR" — a segment cut mid-GOP', async () => {
    const report = await broken(async (d) => {
      const file = path.join(d, 'v1-360p/seg_00001.ts');
      const cut = path.join(d, 'cut.ts');
      // Stream copy from 0.5 s into the segment: the first packet is not a keyframe.
      await ffmpeg(['-i', file, '-ss', '0.5', '-c', 'copy', '-f', 'mpegts', cut]);
      await cp(cut, file);
      await rm(cut);
    });
    expect(status(report, 'apple-7.4')).toBe('fail');
  });

  it('apple-7.4: only the middle segment starts mid-GOP (still demuxable) — flagged for exactly that segment', async () => {
    const report = await broken(async (d) => {
      const file = path.join(d, 'v1-360p/seg_00001.ts');
      const regop = path.join(d, 'regop.ts');
      const cut = path.join(d, 'cut.ts');
      // A keyframe every 15 frames, then a copy from 0.2 s with the leading P-frames kept: the segment
      // starts on a P-frame, yet its SPS (with the next IDR) lets every demuxer set it up.
      const x264 = [
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        '-bf',
        '0',
        '-x264-params',
        'keyint=15:scenecut=0',
      ];
      await ffmpeg(['-i', file, '-map', '0', ...x264, '-c:a', 'copy', '-copyts', '-f', 'mpegts', regop]);
      await ffmpeg(['-i', regop, '-ss', '0.2', '-map', '0', '-c', 'copy', '-copyinkf', '-f', 'mpegts', cut]);
      await cp(cut, file);
      await Promise.all([rm(cut), rm(regop)]);
    });
    const rule = report.results.find((r) => r.id === 'apple-7.4')!;
    expect(rule.status).toBe('fail');
    expect(rule.message).toBe('v1-360p/index.m3u8: seg_00001.ts does not start with a keyframe');
  });

  it('rfc8216-4.3.3.1: "EXTINF rounded at most the target duration" — a segment declared too long', async () => {
    const report = await broken((d) =>
      edit(path.join(d, 'v0-180p/index.m3u8'), (t) => t.replace(/#EXTINF:[\d.]+,/, '#EXTINF:4.000000,')),
    );
    expect(status(report, 'rfc8216-4.3.3.1')).toBe('fail');
    expect(status(report, 'apple-7.7')).toBe('fail');
  });

  it('apple-8.6: "one target duration for audio and video" — the audio playlist says 3', async () => {
    const report = await broken((d) =>
      edit(path.join(d, 'audio-0/index.m3u8'), (t) => t.replace(/TARGETDURATION:\d+/, 'TARGETDURATION:3')),
    );
    expect(status(report, 'apple-8.6')).toBe('fail');
  });

  it('apple-8.x-vod: "VOD playlists end with EXT-X-ENDLIST" — the end tag removed', async () => {
    const report = await broken((d) =>
      edit(path.join(d, 'v0-180p/index.m3u8'), (t) => t.replace('#EXT-X-ENDLIST', '')),
    );
    expect(status(report, 'apple-8.x-vod')).toBe('fail');
  });

  it('apple-9.11: "EXT-X-INDEPENDENT-SEGMENTS" — the tag removed', async () => {
    const report = await broken((d) =>
      edit(path.join(d, 'master.m3u8'), (t) => t.replace('#EXT-X-INDEPENDENT-SEGMENTS\n', '')),
    );
    expect(status(report, 'apple-9.11')).toBe('fail');
  });

  it('apple-6.1: "I-frame playlists must exist" — their lines removed', async () => {
    const report = await broken((d) =>
      edit(path.join(d, 'master.m3u8'), (t) => t.replace(/^#EXT-X-I-FRAME-STREAM-INF.*\n/gm, '')),
    );
    expect(status(report, 'apple-6.1')).toBe('fail');
  });

  it('rfc8216-4.3.3.6: I-frame byte ranges must point at keyframes — ranges shifted', async () => {
    const report = await broken((d) =>
      edit(path.join(d, 'v1-360p/iframes.m3u8'), (t) =>
        t.replace(/#EXT-X-BYTERANGE:(\d+)@(\d+)/g, (_, n, o) => `#EXT-X-BYTERANGE:${n}@${Number(o) + 1000}`),
      ),
    );
    expect(status(report, 'rfc8216-4.3.3.6')).toBe('fail');
  });

  it('rfc8216-4.3.4.1.1: "at most one DEFAULT=YES per group" — both audio renditions DEFAULT', async () => {
    const report = await broken((d) =>
      edit(path.join(d, 'master.m3u8'), (t) =>
        t.replace(/DEFAULT=NO(?=,AUTOSELECT=YES,LANGUAGE="de")/, 'DEFAULT=YES'),
      ),
    );
    expect(status(report, 'rfc8216-4.3.4.1.1')).toBe('fail');
  });

  it('rfc8216-4.3.4.2-codecs: CODECS must list the audio codec of the AUDIO group', async () => {
    const report = await broken((d) =>
      edit(path.join(d, 'master.m3u8'), (t) => t.replaceAll(',mp4a.40.2"', '"')),
    );
    expect(status(report, 'rfc8216-4.3.4.2-codecs')).toBe('fail');
  });

  it('apple-5.x-subtitles: "WebVTT segments carry X-TIMESTAMP-MAP" — the header line removed', async () => {
    const report = await broken(async (d) => {
      for (const f of ['seg_00000.vtt', 'seg_00001.vtt', 'seg_00002.vtt', 'seg_00003.vtt']) {
        await edit(path.join(d, 'sub-0', f), (t) => t.replace(/^X-TIMESTAMP-MAP=.*\n/m, '')).catch(
          () => undefined,
        );
      }
    });
    expect(status(report, 'apple-5.x-subtitles')).toBe('fail');
  });

  it('rfc8216-7-version: "EXT-X-BYTERANGE needs version 4" — an I-frame playlist claiming version 3', async () => {
    const report = await broken((d) =>
      edit(path.join(d, 'v0-180p/iframes.m3u8'), (t) => t.replace(/EXT-X-VERSION:\d+/, 'EXT-X-VERSION:3')),
    );
    expect(status(report, 'rfc8216-7-version')).toBe('fail');
  });
});

describe('fMP4 structure (RFC 8216 3.3)', () => {
  let fmp4: string;
  beforeAll(async () => {
    const preset = testPreset({
      images: NO_IMAGES,
      segment: { durationSec: 2, format: 'fmp4' },
      rungs: [{ width: 320, height: 180, bitrateKbps: 250, maxFrameRate: 30 }],
    });
    fmp4 = (await encodeInto(await richClip(), preset)).result.packageDir;
  });
  const brokenFmp4 = async (breakIt: (dir: string) => Promise<void>) => {
    const dir = path.join(await scratchDir('broken-fmp4-'), 'pkg');
    await cp(fmp4, dir, { recursive: true });
    await breakIt(dir);
    return validatePackage(dir);
  };
  const mapOf = async (dir: string) =>
    /#EXT-X-MAP:URI="([^"]+)"/.exec(await readFile(path.join(dir, 'v0-180p/index.m3u8'), 'utf8'))![1]!;

  it('the good fMP4 package passes the structure rules', async () => {
    const report = await validatePackage(fmp4);
    for (const id of ['rfc8216-3.3-init', 'rfc8216-3.3-fragments', 'rfc8216-4.3.2.2'])
      expect(status(report, id), id).toBe('pass');
  });

  it('rfc8216-3.3-init: "the Media Initialization Section carries no samples" — a fragment appended to it', async () => {
    const report = await brokenFmp4(async (d) => {
      const segment = await readFile(path.join(d, 'v0-180p/seg_00000.m4s'));
      await appendFile(path.join(d, 'v0-180p', await mapOf(d)), segment.subarray(24));
    });
    expect(status(report, 'rfc8216-3.3-init')).toBe('fail');
    expect(report.valid).toBe(false);
  });

  it('rfc8216-3.3-fragments: "each segment carries its own moof" — a segment cut to its styp', async () => {
    const report = await brokenFmp4(async (d) => {
      const file = path.join(d, 'v0-180p/seg_00001.m4s');
      await writeFile(file, (await readFile(file)).subarray(0, 24));
    });
    expect(status(report, 'rfc8216-3.3-fragments')).toBe('fail');
  });

  it('rfc8216-4.3.2.2: "a byte range has a length" — a negative I-frame range', async () => {
    const report = await brokenFmp4((d) =>
      edit(path.join(d, 'v0-180p/iframes.m3u8'), (t) => t.replace(/BYTERANGE:(\d+)@/, 'BYTERANGE:-$1@')),
    );
    expect(status(report, 'rfc8216-4.3.2.2')).toBe('fail');
  });

  it('rfc8216-4.3.2.2: a byte range that ends past its file', async () => {
    const report = await brokenFmp4((d) =>
      edit(path.join(d, 'v0-180p/iframes.m3u8'), (t) => t.replace(/BYTERANGE:(\d+)@/, 'BYTERANGE:99999999@')),
    );
    expect(status(report, 'rfc8216-4.3.2.2')).toBe('fail');
  });
});

describe('keys (RFC 8216 5.2)', () => {
  it('an encrypted package whose key is gone fails the key rule and the keyframe checks', async () => {
    const input = await clip('for-key-loss.mp4', { width: 320, height: 180, durationSec: 3 });
    const { result } = await encodeInto(input, testPreset({ images: NO_IMAGES }), {
      encrypt: true,
    });
    expect(result.validation.valid).toBe(true);
    await rm(result.keysDir!, { recursive: true });
    const report = await validatePackage(result.packageDir);
    expect(status(report, 'rfc8216-5.2-keys')).toBe('fail');
    expect(status(report, 'apple-7.4')).toBe('fail');
  });

  it('rfc8216-3.3-fragments reads an AES-128 fMP4 segment decrypted (its boxes are ciphertext as stored)', async () => {
    const input = await clip('for-fmp4-key.mp4', { width: 320, height: 180, durationSec: 3 });
    const preset = testPreset({ images: NO_IMAGES, segment: { durationSec: 2, format: 'fmp4' } });
    const { result } = await encodeInto(input, preset, { encrypt: true });
    for (const id of ['rfc8216-3.3-fragments', 'apple-7.4', 'rfc8216-4.3.3.6'])
      expect(result.validation.results.find((r) => r.id === id)?.status, id).toBe('pass');
    expect(result.validation.valid).toBe(true);
  });
});

describe('over HTTP', () => {
  let server: Server;
  let base: string;
  let root: string;

  beforeAll(async () => {
    root = await scratchDir('http-');
    await cp(good, path.join(root, 'pkg'), { recursive: true });
    // A plain static server with Range support, like a bucket behind a CDN.
    server = createServer(async (req, res) => {
      const file = path.join(root, decodeURIComponent(new URL(req.url!, 'http://x').pathname));
      try {
        const data = await readFile(file);
        const range = /bytes=(\d+)-(\d+)/.exec(req.headers.range ?? '');
        if (range) {
          const [start, end] = [Number(range[1]), Number(range[2])];
          res.writeHead(206, { 'content-length': end - start + 1 });
          res.end(req.method === 'HEAD' ? undefined : data.subarray(start, end + 1));
        } else {
          res.writeHead(200, { 'content-length': data.length });
          res.end(req.method === 'HEAD' ? undefined : data);
        }
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/pkg`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('the same rules pass on the published copy', async () => {
    const report = await validatePackage(`${base}/master.m3u8`);
    expect(report.results.filter((r) => r.status === 'fail').map((r) => r.id)).toEqual(['apple-7.5']);
  });

  const FAST = { attempts: 6, baseDelayMs: 20, maxDelayMs: 200 };

  it('through a faulty network (15% 503 SlowDown or dropped connections, latency): the same result, retries counted', async () => {
    const proxy = await startFaultProxy(base.replace(/\/pkg$/, ''), {
      seed: 13,
      drop: 0.08,
      error503: 0.07,
      latency: 1,
      latencyMs: [20, 20],
    });
    try {
      const report = await validatePackage(`${proxy.url}/pkg/master.m3u8`, { retry: FAST });
      expect(report.results.filter((r) => r.status === 'fail').map((r) => r.id)).toEqual(['apple-7.5']);
      const faults = proxy.log.filter((e) => e.fault);
      expect(faults.length).toBeGreaterThan(0);
      expect(report.network!.requests).toBe(proxy.log.length - faults.length + report.network!.failed);
      expect(report.network!.retried).toBeGreaterThan(0);
      expect(report.network!.retries).toBe(faults.length);
      expect(report.network!.failed).toBe(0);
    } finally {
      await proxy.stop();
    }
  });

  it('a segment that always answers 503 SlowDown is reported failed, with its attempts', async () => {
    const proxy = await startFaultProxy(base.replace(/\/pkg$/, ''), {
      error503: 1,
      match: ({ path: p }) => p === '/pkg/v1-360p/seg_00001.ts',
    });
    try {
      const report = await validatePackage(`${proxy.url}/pkg/master.m3u8`, { retry: FAST });
      const exists = report.results.find((r) => r.id === 'rfc8216-6.2.1')!;
      expect(exists.status).toBe('fail');
      // (A HEAD answer has no body, so S3's "SlowDown" code cannot be named there.)
      expect(exists.message).toMatch(/seg_00001\.ts is unreadable \(HTTP 503( SlowDown)? after 6 attempts\)/);
      expect(report.network!.failed).toBeGreaterThan(0);
      expect(
        proxy.log.filter((e) => e.path === '/pkg/v1-360p/seg_00001.ts' && e.method === 'HEAD'),
      ).toHaveLength(6);
    } finally {
      await proxy.stop();
    }
  });

  it('a segment missing on the server fails rfc8216-6.2.1', async () => {
    await rm(path.join(root, 'pkg/v0-180p/seg_00002.ts'));
    const report = await validatePackage(`${base}/master.m3u8`);
    expect(status(report, 'rfc8216-6.2.1')).toBe('fail');
  });
});
