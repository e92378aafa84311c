/// <reference lib="dom" />
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStudioServer, type StudioServer } from '../../src/node/server/studio-server.js';
import { launchChromium } from '../helpers/chromium.js';
import { clip, scratchDir } from '../helpers/clips.js';
import { buildRenderer } from '../helpers/renderer-build.js';

const ARTIFACTS = path.resolve('test-artifacts/screenshots');

describe("the preview's Quality section in real Chromium against hls-studio serve", () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;
  let preview: Locator;
  let panel: Locator;

  const video = () =>
    page.evaluate(() => {
      const v = document.querySelector('[data-testid="preview-video"]') as HTMLVideoElement;
      return { time: v.currentTime, duration: v.duration, paused: v.paused };
    });
  const openPreview = async () => {
    const row = page.getByTestId('job-row').filter({ hasText: 'quality-panel-270p.mp4' });
    await row.getByRole('button', { name: /^(Valid|Invalid)$/ }).click();
    await row.getByRole('button', { name: 'Preview' }).click();
    await preview.and(page.locator('[data-level-count="2"]')).waitFor({ timeout: 30_000 });
  };

  beforeAll(async () => {
    const [rendererDir, work] = await Promise.all([buildRenderer(), scratchDir('quality-panel-')]);
    server = await startStudioServer({
      outDir: path.join(work, 'out'),
      uploadDir: path.join(work, 'uploads'),
      stateDir: path.join(work, 'state'),
      rendererDir,
    });
    // Two small rungs, quick to encode and to measure: studio jobs measure quality by default.
    await server.backend.savePreset({
      preset: {
        id: 'quality-panel',
        name: 'Quality panel (270/180)',
        video: { codec: 'h264', speedPreset: 'ultrafast' },
        // 2 s segments: four per rung on the timeline.
        segment: { durationSec: 2 },
        rungs: [
          { width: 320, height: 180, bitrateKbps: 250 },
          { width: 480, height: 270, bitrateKbps: 500 },
        ],
      },
    });
    await server.backend.setDefaultPreset({ id: 'quality-panel' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await mkdir(ARTIFACTS, { recursive: true });
    await page.goto(server.url);
    const input = await clip('quality-panel-270p.mp4', { width: 480, height: 270, durationSec: 8 });
    await page.getByTestId('file-input').setInputFiles(input);
    const row = page.getByTestId('job-row').filter({ hasText: 'quality-panel-270p.mp4' });
    await row.and(page.locator('[data-status="done"]')).waitFor({ timeout: 120_000 });
    await row.getByRole('button', { name: 'Preview' }).click();
    preview = page.getByTestId('package-preview');
    panel = preview.getByTestId('quality-panel');
    await preview.and(page.locator('[data-level-count="2"]')).waitFor({ timeout: 30_000 });
    await panel.waitFor({ timeout: 30_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('plots one point per rung, under the player, the higher rung no worse than the lower', async () => {
    const points = panel.getByTestId('rate-quality-point');
    expect(await points.count()).toBe(2);
    expect(await points.evaluateAll((ps) => ps.map((p) => p.getAttribute('data-rung')))).toEqual(['1', '2']);
    const labels = await panel.getByTestId('rate-quality-value').allTextContents();
    expect(labels).toHaveLength(2);
    for (const label of labels) expect(label).toMatch(/^\d+\.\d dB$/);
    const [low, high] = labels.map((l) => Number.parseFloat(l));
    expect(high).toBeGreaterThanOrEqual(low!);
    expect(low).toBeGreaterThan(20);
    // The rungs' labels name their sizes; the player sits above the section.
    const text = (await points.allTextContents()).join(' ');
    expect(text).toContain('1 · 320x180');
    expect(text).toContain('2 · 480x270');
    const player = (await preview.getByTestId('preview-video').boundingBox())!;
    expect((await panel.boundingBox())!.y).toBeGreaterThan(player.y + player.height);
  });

  it('says how it was measured (reference size, scaler, frames) and what was not', async () => {
    expect(await panel.getByTestId('quality-method').textContent()).toMatch(
      /^Luma PSNR and SSIM against the source, both scaled to 480x270 \(bicubic\), every frame: \d+ frames per rung, measured in [\d.]+ s/,
    );
    expect(await panel.getByTestId('quality-unmeasured').textContent()).toMatch(/^Not measured: VMAF \(/);
    const rows = panel.getByTestId('quality-row');
    expect(await rows.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-rung')))).toEqual(['2', '1']);
  });

  it("seeks where the timeline is clicked, and to a rung's worst moment on that rung from its marker", async () => {
    await preview.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(async () => (await video()).paused).toBe(true);
    const duration = (await video()).duration;
    const plot = panel.getByTestId('quality-timeline-plot');
    await plot.scrollIntoViewIfNeeded();
    const box = (await plot.boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.75, box.y + box.height / 2);
    await expect.poll(async () => (await video()).time).toBeCloseTo(duration * 0.75, 0);

    const markers = panel.getByTestId('worst-marker');
    expect(await markers.count()).toBe(2);
    for (const rung of [1, 2]) {
      const marker = markers.and(page.locator(`[data-rung="${rung}"]`));
      const time = Number(await marker.getAttribute('data-time'));
      expect(await marker.getAttribute('aria-label')).toMatch(
        new RegExp(`^Rung ${rung} worst: \\d+\\.\\d dB at 0:\\d\\d, seek$`),
      );
      // Away from the marker's time first, so the seek is seen.
      await page.evaluate(
        (t) => {
          (document.querySelector('[data-testid="preview-video"]') as HTMLVideoElement).currentTime = t;
        },
        time < 4 ? 7 : 1,
      );
      await expect.poll(async () => Math.abs((await video()).time - time)).toBeGreaterThan(2);
      // Rung 1 by pointer, rung 2 by keyboard.
      if (rung === 1) await marker.click();
      else {
        await marker.focus();
        await page.keyboard.press('Enter');
      }
      await expect.poll(async () => Math.abs((await video()).time - time)).toBeLessThan(0.5);
      // The chart's play head follows the player to the marker.
      const markerBox = (await marker.boundingBox())!;
      await expect
        .poll(async () => {
          const head = (await panel.getByTestId('quality-playhead').boundingBox())!;
          return Math.abs(head.x + head.width / 2 - (markerBox.x + markerBox.width / 2));
        })
        .toBeLessThan(3);
      await expect
        .poll(() => preview.getByTestId('stats').first().getAttribute('data-rung'), { timeout: 30_000 })
        .toBe(String(rung));
    }
  });

  it('screenshots of the Quality section, light and dark, at 1400x900 and 1024x700', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const dark = (await page.locator('html').getAttribute('data-mantine-color-scheme')) === 'dark';
      if (dark !== (scheme === 'dark'))
        await page.getByRole('button', { name: 'Toggle colour theme' }).click();
      for (const [width, height] of [
        [1400, 900],
        [1024, 700],
      ] as const) {
        await page.setViewportSize({ width, height });
        await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
        await page.mouse.move(1, 300);
        await page.getByRole('tooltip').waitFor({ state: 'detached' });
        await page.evaluate(() =>
          document.querySelector('[data-testid="quality-panel"]')!.scrollIntoView({ block: 'end' }),
        );
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        expect(overflow, `${width}x${height} ${scheme}`).toBeLessThanOrEqual(0);
        await page.screenshot({ path: path.join(ARTIFACTS, `quality-${width}-${scheme}.png`) });
      }
    }
  });

  it('says quietly that quality was not measured when the package has no figures (404 video.json)', async () => {
    await page.route('**/video.json*', (route) =>
      route.fulfill({ status: 404, body: '{"error":"no such file"}' }),
    );
    await openPreview();
    await preview.getByTestId('quality-none').waitFor();
    expect(await preview.getByTestId('quality-none').textContent()).toBe(
      'Quality not measured for this package.',
    );
    expect(await preview.getByTestId('quality-panel').count()).toBe(0);
    await page.unroute('**/video.json*');
  });
});
