/// <reference lib="dom" />
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PackageResult } from '../../src/common/encode-events.js';
import { contentTypeFor } from '../../src/node/server/content-types.js';
import { launchChromium } from '../helpers/chromium.js';
import { clip } from '../helpers/clips.js';
import { encodeInto, testPreset } from '../helpers/encode.js';

/** What the page records of each hls.js ERROR event. */
interface HlsError {
  details: string;
  fatal: boolean;
  at: number;
  hole?: number;
}

const HLS_JS = path.resolve('node_modules/hls.js/dist/hls.min.js');

/** hls.js on a bare page, playing `master.m3u8` of the package served beside it; state on `window`. */
const PAGE = `<!doctype html><video id="v" muted playsinline></video><script src="/hls.min.js"></script>
<script>
  const video = document.getElementById('v');
  window.result = { levels: 0, errors: [] };
  const hls = new Hls({ capLevelToPlayerSize: false, startLevel: 0 });
  hls.on(Hls.Events.MANIFEST_PARSED, (_, d) => { window.result.levels = d.levels.length; video.play(); });
  hls.on(Hls.Events.ERROR, (_, d) => window.result.errors.push({ details: d.details, fatal: d.fatal, at: video.currentTime, hole: d.hole }));
  window.hls = hls;
  hls.loadSource('/pkg/master.m3u8');
  hls.attachMedia(video);
</script>`;

describe('a package encoded in 3 chunks plays in Chromium through hls.js across its joins', () => {
  let browser: Browser;
  let server: Server;
  let base: string;
  let result: PackageResult;

  beforeAll(async () => {
    const input = await clip('chunked-12s.mp4', {
      width: 320,
      height: 180,
      frameRate: '30',
      durationSec: 12,
    });
    // 2 s segments in 3 chunks of 2: joins at 4 s and 8 s. veryfast has B-frames (a decode delay).
    const preset = testPreset({
      video: { speedPreset: 'veryfast' },
      images: { previewDurationSec: 0 },
      rungs: [
        { width: 320, height: 180, bitrateKbps: 300, maxFrameRate: 30 },
        { width: 192, height: 108, bitrateKbps: 120 },
      ],
    });
    result = (await encodeInto(input, preset, {}, { chunks: 3, quality: false })).result;
    browser = await launchChromium();
    server = createServer(async (req, res) => {
      const url = new URL(req.url!, 'http://x').pathname;
      try {
        if (url === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
        const file =
          url === '/hls.min.js' ? HLS_JS : path.join(result.packageDir, url.replace(/^\/pkg\//, ''));
        const body = await readFile(file);
        res.writeHead(200, { 'content-type': contentTypeFor(file) }).end(body);
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
  });

  const clock = (page: Page) => page.evaluate(() => document.querySelector('video')!.currentTime);
  const buffered = (page: Page) =>
    page.evaluate(() => {
      const b = document.querySelector('video')!.buffered;
      return Array.from({ length: b.length }, (_, i) => [b.start(i), b.end(i)]);
    });
  const errors = (page: Page) =>
    page.evaluate(() => (window as unknown as { result: { errors: HlsError[] } }).result.errors);

  it('plays through both joins on either rung, one buffered range from start to end, no error at a join', async () => {
    expect(result.validation.valid).toBe(true);
    expect(result.notes.join('\n')).toContain('encoded in 3 chunks');
    const page = await browser.newPage();
    await page.goto(base);
    // Timestamps that jumped or overlapped at a join would split the buffered range or leave a hole.
    await expect
      .poll(async () => (await buffered(page)).at(-1)?.[1] ?? 0, { timeout: 15_000 })
      .toBeGreaterThan(result.durationSec - 0.2);
    const ranges = await buffered(page);
    expect(ranges, JSON.stringify(ranges)).toHaveLength(1);
    expect(ranges[0]![0]).toBeLessThan(0.1);
    for (const level of [0, 1]) {
      await page.evaluate((l) => {
        (window as unknown as { hls: { currentLevel: number } }).hls.currentLevel = l;
      }, level);
      for (const join of [4, 8]) {
        // From just before each join to past it: the clock runs on over the chunk boundary.
        await page.evaluate((t) => (document.querySelector('video')!.currentTime = t), join - 0.7);
        await expect.poll(() => clock(page), { timeout: 15_000 }).toBeGreaterThan(join + 0.7);
      }
    }
    // A one-pass package of this clip gives the same flow a few non-fatal events at t < 0.2 s (the first
    // append, a hole of a frame before the first picture) and 'aborted' loads when it is seeked: none may
    // come near a join, and none may be fatal.
    const all = await errors(page);
    expect(all.filter((e) => e.fatal)).toEqual([]);
    const nearJoin = all.filter((e) => e.details !== 'aborted' && [4, 8].some((j) => Math.abs(e.at - j) < 1));
    expect(nearJoin, JSON.stringify(all)).toEqual([]);
    await page.close();
  });
});
