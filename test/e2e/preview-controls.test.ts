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
/** A menu entry of a rung: "2 · 480x270 · 512 kb/s". */
const RUNG_LABEL = /^\d+ · \d+x\d+ · [\d.]+ (kb|Mb)\/s$/;

describe("the package preview's controls in real Chromium against hls-studio serve", () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;
  let preview: Locator;
  let bar: Locator;
  let durationSec: number;

  const video = () =>
    page.evaluate(() => {
      const v = document.querySelector('[data-testid="preview-video"]') as HTMLVideoElement;
      return { time: v.currentTime, duration: v.duration, paused: v.paused };
    });
  /** Where on the page the scrub bar puts `fraction` of the timeline. */
  const barPoint = async (fraction: number) => {
    await bar.scrollIntoViewIfNeeded();
    const box = (await bar.boundingBox())!;
    return { x: box.x + box.width * fraction, y: box.y + box.height / 2 };
  };
  const centreX = async (locator: Locator) => {
    const box = (await locator.boundingBox())!;
    return box.x + box.width / 2;
  };
  const clock = (sec: number) => `${Math.floor(sec / 60)}:${String(Math.floor(sec) % 60).padStart(2, '0')}`;

  beforeAll(async () => {
    const [rendererDir, work] = await Promise.all([buildRenderer(), scratchDir('preview-controls-')]);
    server = await startStudioServer({
      outDir: path.join(work, 'out'),
      uploadDir: path.join(work, 'uploads'),
      stateDir: path.join(work, 'state'),
      rendererDir,
    });
    // Two small rungs, quick to encode on a busy machine: the preview's controls are what is tested.
    await server.backend.savePreset({
      preset: {
        id: 'preview-controls',
        name: 'Preview controls (270/180)',
        video: { codec: 'h264', speedPreset: 'ultrafast' },
        rungs: [
          { width: 320, height: 180, bitrateKbps: 250 },
          { width: 480, height: 270, bitrateKbps: 500 },
        ],
      },
    });
    await server.backend.setDefaultPreset({ id: 'preview-controls' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await mkdir(ARTIFACTS, { recursive: true });
    await page.goto(server.url);
    // Two rungs, 320x180 and 480x270, and a storyboard (a thumbnail every 5 s).
    const input = await clip('preview-controls-270p.mp4', { width: 480, height: 270, durationSec: 10 });
    await page.getByTestId('file-input').setInputFiles(input);
    const row = page.getByTestId('job-row').filter({ hasText: 'preview-controls-270p.mp4' });
    await row.and(page.locator('[data-status="done"]')).waitFor({ timeout: 120_000 });
    await row.getByRole('button', { name: 'Preview' }).click();
    preview = page.getByTestId('package-preview');
    bar = preview.getByTestId('scrub-bar');
    await preview.and(page.locator('[data-level-count="2"]')).waitFor({ timeout: 30_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('has exactly one scrub control, and it follows playback', async () => {
    await page.waitForFunction(
      () => (document.querySelector('[data-testid="preview-video"]') as HTMLVideoElement).currentTime > 2,
      null,
      { timeout: 30_000 },
    );
    const seen = await preview.evaluate((root) => {
      const v = root.querySelector('[data-testid="preview-video"]') as HTMLVideoElement;
      const slider = root.querySelector('[role="slider"]')!;
      return {
        value: Number(slider.getAttribute('aria-valuenow')),
        time: v.currentTime,
        sliders: root.querySelectorAll('[role="slider"], input[type="range"]').length,
        nativeControls: Array.from(root.querySelectorAll('video')).filter((e) => e.controls).length,
      };
    });
    expect(seen.sliders).toBe(1);
    expect(seen.nativeControls).toBe(0);
    expect(seen.value).toBeGreaterThan(0);
    expect(Math.abs(seen.value - seen.time)).toBeLessThan(0.5);
    durationSec = (await video()).duration;
    expect(durationSec).toBeGreaterThan(9);
  });

  it('seeks where the bar is clicked, and 5 s back with the left arrow', async () => {
    await preview.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(async () => (await video()).paused).toBe(true);
    const half = await barPoint(0.5);
    await page.mouse.click(half.x, half.y);
    await expect.poll(async () => (await video()).time).toBeCloseTo(durationSec / 2, 0);
    expect(Number(await bar.getAttribute('aria-valuenow'))).toBeCloseTo(durationSec / 2, 0);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(async () => (await video()).time).toBeCloseTo(durationSec / 2 - 5, 0);
    await expect.poll(() => preview.getByTestId('preview-time').textContent()).toMatch(/^0:00 \/ 0:1\d$/);
  });

  it('its buttons unmute and fill the screen with the player, and back', async () => {
    const muted = () => preview.getByTestId('preview-video').evaluate((v) => (v as HTMLVideoElement).muted);
    expect(await muted()).toBe(true);
    await preview.getByRole('button', { name: 'Unmute' }).click();
    expect(await muted()).toBe(false);
    await preview.getByRole('button', { name: 'Mute' }).click();
    expect(await muted()).toBe(true);

    const fullscreen = () =>
      page.evaluate(() => (document.fullscreenElement as HTMLElement | null)?.dataset.testid ?? null);
    await preview.getByRole('button', { name: 'Full screen' }).click();
    await expect.poll(fullscreen).toBe('preview-player');
    // The bar is still there, across the screen.
    expect((await bar.boundingBox())!.width).toBeGreaterThan(1000);
    await preview.getByRole('button', { name: 'Exit full screen' }).click();
    await expect.poll(fullscreen).toBe(null);
  });

  it('shows the storyboard thumbnail of the hovered time at the pointer, with the time, moving nothing', async () => {
    const thumbnail = preview.getByTestId('storyboard-thumbnail');
    const hoverTime = preview.getByTestId('scrub-hover-time');
    const layout = () =>
      Promise.all(
        [bar, preview.getByTestId('stats').first(), preview.getByTestId('preview-video'), preview].map((l) =>
          l.boundingBox(),
        ),
      );
    await bar.scrollIntoViewIfNeeded();
    await page.mouse.move(5, 5);
    const before = await layout();

    const early = await barPoint(0.33);
    await page.mouse.move(early.x, early.y);
    await thumbnail.waitFor();
    expect(Math.abs((await centreX(thumbnail)) - early.x)).toBeLessThan(2);
    expect(await hoverTime.textContent()).toBe(clock(durationSec * 0.33));
    expect(Math.abs((await centreX(hoverTime)) - early.x)).toBeLessThan(2);
    expect(await thumbnail.evaluate((el) => getComputedStyle(el).backgroundImage)).toMatch(
      /storyboard\/sprite_000\.jpg/,
    );
    const earlyTile = await thumbnail.evaluate((el) => getComputedStyle(el).backgroundPosition);
    // An overlay: nothing around it moved.
    expect(await layout()).toEqual(before);
    // Over the picture, above the bar.
    const picture = (await preview.getByTestId('preview-video').boundingBox())!;
    const thumbBox = (await thumbnail.boundingBox())!;
    expect(thumbBox.y).toBeGreaterThanOrEqual(picture.y);
    expect(thumbBox.y + thumbBox.height).toBeLessThanOrEqual(picture.y + picture.height);

    // A later time: another tile (one every 5 s), still at the pointer.
    const late = await barPoint(0.77);
    await page.mouse.move(late.x, late.y);
    await expect.poll(() => hoverTime.textContent()).toBe(clock(durationSec * 0.77));
    expect(Math.abs((await centreX(thumbnail)) - late.x)).toBeLessThan(2);
    expect(await thumbnail.evaluate((el) => getComputedStyle(el).backgroundPosition)).not.toBe(earlyTile);

    // At the very start of the bar the thumbnail stops at the picture's left edge.
    const edge = await barPoint(0);
    await page.mouse.move(edge.x + 1, edge.y);
    await expect.poll(() => hoverTime.textContent()).toBe('0:00');
    expect((await thumbnail.boundingBox())!.x).toBeGreaterThanOrEqual(picture.x);

    // Dragging shows it too, at the pointer, and seeks where it is let go.
    const from = await barPoint(0.2);
    const to = await barPoint(0.6);
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(to.x, to.y, { steps: 4 });
    await expect.poll(() => hoverTime.textContent()).toBe(clock(durationSec * 0.6));
    expect(Math.abs((await centreX(thumbnail)) - to.x)).toBeLessThan(2);
    await page.mouse.up();
    await expect.poll(async () => (await video()).time).toBeCloseTo(durationSec * 0.6, 0);

    await page.mouse.move(5, 5);
    await preview.getByTestId('scrub-hover').waitFor({ state: 'detached' });
  });

  it('A/B starts on two different rungs, labelled A and B, with bit rates in both menus', async () => {
    await bar.focus();
    await page.keyboard.press('Home');
    await preview.getByRole('button', { name: 'Play' }).click();
    await preview.getByRole('switch', { name: /A\/B/ }).check({ force: true });
    const labels = preview.getByTestId('pane-label');
    expect(await labels.allTextContents()).toEqual(['A', 'B']);
    for (const label of await labels.all()) expect(await label.isVisible()).toBe(true);

    const a = preview.getByTestId('rung-select');
    const b = preview.getByTestId('b-rung-select');
    // A goes to the top rung (it was on Auto), B to the one below.
    expect(await a.inputValue()).toMatch(/^2 · 480x270 · [\d.]+ (kb|Mb)\/s$/);
    expect(await b.inputValue()).toMatch(/^1 · 320x180 · [\d.]+ (kb|Mb)\/s$/);

    for (const [menu, expected] of [
      [a, ['Auto', RUNG_LABEL, RUNG_LABEL]],
      [b, [RUNG_LABEL, RUNG_LABEL]],
    ] as const) {
      await menu.click();
      const options = await page.getByRole('option').allTextContents();
      expect(options).toHaveLength(expected.length);
      options.forEach((text, i) => expect(text).toMatch(expected[i]!));
      expect(options.filter((o) => o !== 'Auto')[0]).toMatch(/^1 · /);
      await page.keyboard.press('Escape');
      await page.getByRole('listbox').waitFor({ state: 'detached' });
    }

    // Each side really plays its rung.
    const stats = preview.getByTestId('stats');
    await expect.poll(() => stats.nth(0).getAttribute('data-level'), { timeout: 30_000 }).toBe('1');
    await expect.poll(() => stats.nth(1).getAttribute('data-level'), { timeout: 30_000 }).toBe('0');
  });

  it('counts rungs from 1 in the stats, on a line under the picture, not over it', async () => {
    const stats = preview.getByTestId('stats');
    await expect.poll(() => stats.nth(0).getByTestId('stats-rung').textContent()).toBe('rung 2 · 480x270');
    await expect.poll(() => stats.nth(1).getByTestId('stats-rung').textContent()).toBe('rung 1 · 320x180');
    expect(await preview.textContent()).not.toMatch(/rung 0\b/);
    for (const [i, videoId] of [
      [0, 'preview-video'],
      [1, 'ab-video'],
    ] as const) {
      const picture = (await preview.getByTestId(videoId).boundingBox())!;
      expect((await stats.nth(i).boundingBox())!.y).toBeGreaterThanOrEqual(picture.y + picture.height);
    }
  });

  it('screenshots of the preview, light and dark, at 1400x900 and 1024x700', async () => {
    const pause = preview.getByRole('button', { name: 'Pause' });
    if (await pause.count()) await pause.click();
    for (const scheme of ['light', 'dark'] as const) {
      const dark = (await page.locator('html').getAttribute('data-mantine-color-scheme')) === 'dark';
      if (dark !== (scheme === 'dark'))
        await page.getByRole('button', { name: 'Toggle colour theme' }).click();
      // A/B is switched as seldom as can be: each time B starts a player of its own.
      for (const ab of scheme === 'light' ? [false, true] : [true, false]) {
        const toggle = preview.getByRole('switch', { name: /A\/B/ });
        if ((await toggle.isChecked()) !== ab) await toggle.setChecked(ab, { force: true });
        for (const [width, height] of [
          [1400, 900],
          [1024, 700],
        ] as const) {
          await page.setViewportSize({ width, height });
          await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
          // The preview's top just under the sticky header: the A/B menus, the players and the bar in view
          // (the quality section and the lab sit below them).
          await page.evaluate(() => {
            const top = document
              .querySelector('[data-testid="package-preview"]')!
              .getBoundingClientRect().top;
            window.scrollBy(0, top - 72);
          });
          // The pointer off the page first: a tooltip left open by the last hover can sit past the edge.
          await page.mouse.move(0, 0);
          // Polled: the quality section below lays its charts out once video.json has come.
          await expect
            .poll(
              () =>
                page.evaluate(
                  () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
                ),
              { message: `${width}x${height} ${scheme}: the page is wider than the window`, timeout: 10_000 },
            )
            .toBeLessThanOrEqual(0);
          // Paused at 45%, the pointer on the bar there, as a creator looking for a moment would.
          const point = await barPoint(0.45);
          await page.mouse.click(point.x, point.y);
          await preview.getByTestId('storyboard-thumbnail').waitFor();
          await page.getByRole('tooltip').waitFor({ state: 'detached' });
          if (ab)
            await expect
              .poll(() => preview.getByTestId('stats').nth(1).getAttribute('data-level'), { timeout: 30_000 })
              .toBe('0');
          await page.waitForFunction(() =>
            Array.from(document.querySelectorAll('[data-testid="package-preview"] video')).every(
              (v) =>
                (v as HTMLVideoElement).readyState >= 2 &&
                !(v as HTMLVideoElement).seeking &&
                Math.abs((v as HTMLVideoElement).currentTime - (v as HTMLVideoElement).duration * 0.45) < 0.5,
            ),
          );
          await page.screenshot({
            path: path.join(ARTIFACTS, `preview-${ab ? 'ab' : 'single'}-${width}-${scheme}.png`),
          });
        }
      }
    }
  });
});
