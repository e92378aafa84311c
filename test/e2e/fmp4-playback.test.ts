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
import { encodeInto, fmp4TestPreset } from '../helpers/encode.js';

const HLS_JS = path.resolve('node_modules/hls.js/dist/hls.min.js');

/** A bare page: hls.js plays `master.m3u8` of the package served beside it; state goes on `window`. */
const PAGE = `<!doctype html><video id="v" muted playsinline></video><script src="/hls.min.js"></script>
<script>
  const video = document.getElementById('v');
  window.result = { levels: 0, errors: [], switched: [] };
  const hls = new Hls({ capLevelToPlayerSize: false });
  hls.on(Hls.Events.MANIFEST_PARSED, (_, d) => { window.result.levels = d.levels.length; video.play(); });
  hls.on(Hls.Events.LEVEL_SWITCHED, (_, d) => window.result.switched.push(d.level));
  hls.on(Hls.Events.ERROR, (_, d) => window.result.errors.push(d.details + (d.fatal ? ' (fatal)' : '')));
  window.hls = hls;
  hls.loadSource('/pkg/master.m3u8');
  hls.attachMedia(video);
</script>`;

describe('fMP4 packages play in Chromium through hls.js', () => {
  let browser: Browser;
  let server: Server;
  let base: string;
  let packageDir = '';

  beforeAll(async () => {
    browser = await launchChromium();
    server = createServer(async (req, res) => {
      const url = new URL(req.url!, 'http://x').pathname;
      try {
        if (url === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
        const file = url === '/hls.min.js' ? HLS_JS : path.join(packageDir, url.replace(/^\/pkg\//, ''));
        const body = await readFile(file);
        res.writeHead(200, { 'content-type': contentTypeFor(file) }).end(body);
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const encode = async (codec: 'h264' | 'hevc'): Promise<PackageResult> => {
    const input = await clip('fmp4-play.mp4', { width: 640, height: 360, durationSec: 9 });
    const preset = fmp4TestPreset(codec);
    return (await encodeInto(input, preset)).result;
  };

  const open = async (result: PackageResult): Promise<Page> => {
    packageDir = result.packageDir;
    const page = await browser.newPage();
    await page.goto(base);
    return page;
  };
  const state = (page: Page) =>
    page.evaluate(() => (window as unknown as { result: { levels: number; errors: string[] } }).result);
  const clock = (page: Page) => page.evaluate(() => document.querySelector('video')!.currentTime);

  it('H.264 fMP4: plays from the start, through a segment boundary, on both rungs', async () => {
    const result = await encode('h264');
    expect(result.validation.valid).toBe(true);
    const page = await open(result);
    await expect.poll(() => clock(page), { timeout: 20_000 }).toBeGreaterThan(4.5);
    // The other rung: hls.js loads it (with its own init section) and the clock keeps moving.
    await page.evaluate(() => {
      const hls = (window as unknown as { hls: { currentLevel: number; levels: unknown[] } }).hls;
      hls.currentLevel = hls.currentLevel === 0 ? 1 : 0;
    });
    const before = await clock(page);
    await expect.poll(() => clock(page), { timeout: 20_000 }).toBeGreaterThan(before + 1);
    const { levels, errors } = await state(page);
    expect(levels).toBe(2);
    expect(errors.filter((e) => e.includes('fatal'))).toEqual([]);
    await page.close();
  });

  it('HEVC fMP4: Chromium without a hardware decoder reports hvc1 unsupported, and hls.js says so instead of hanging', async () => {
    const result = await encode('hevc');
    expect(result.validation.valid).toBe(true);
    const page = await open(result);
    const codecs = result.variants[0]!.codecs.join(',');
    const supported = await page.evaluate(
      (c) => MediaSource.isTypeSupported(`video/mp4; codecs="${c}"`),
      codecs,
    );
    console.info(`Chromium MediaSource.isTypeSupported(${codecs}): ${supported}`);
    if (supported) {
      await expect.poll(() => clock(page), { timeout: 20_000 }).toBeGreaterThan(1);
    } else {
      // Debian's Chromium decodes HEVC only through a platform (GPU) decoder: headless with
      // --disable-gpu it has none, so the honest outcome is a fatal, named error.
      await expect
        .poll(async () => (await state(page)).errors.join(' '), { timeout: 20_000 })
        .toMatch(/manifestIncompatibleCodecsError|bufferAddCodecError|fatal/);
      expect(await clock(page)).toBe(0);
    }
    await page.close();
  });
});
