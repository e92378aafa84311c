/// <reference lib="dom" />
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBE_CRFS } from '../../src/common/ffmpeg/probe-encode-args.js';
import { launchChromium } from '../helpers/chromium.js';
import { clip } from '../helpers/clips.js';
import { waitFor } from '../helpers/wait-for.js';
import { startTinyLadderStudio, type TinyLadderStudio } from './tiny-ladder-studio.js';

const ARTIFACTS = path.resolve('test-artifacts/screenshots');
const ID = 'per-title-e2e';
const SHOT_SIZES = [
  { width: 1400, height: 900 },
  { width: 1024, height: 700 },
];

/**
 * Issue 15 §2 in the studio: the preset editor's "Auto (per-title)" on the real page against
 * `hls-studio serve`, with the engine's real analysis (ffmpeg probe encodes) of a tiny queued clip.
 */
describe('the preset editor’s Auto (per-title) view in Chromium', () => {
  let studio: TinyLadderStudio;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const editor = () => page.getByTestId('preset-editor');
  const panel = () => page.getByTestId('per-title-panel');

  beforeAll(async () => {
    studio = await startTinyLadderStudio(ID);
    const input = await clip('per-title-e2e-270p.mp4', { width: 480, height: 270, durationSec: 2 });
    const [job] = await studio.server.backend.addJobs({ paths: [input], presetId: ID });
    // The editor analyses a probed source; the queue's own encode is not needed, so it is stopped.
    await waitFor(
      async () => (await studio.server.backend.listJobs()).find((j) => j.id === job!.id && j.source),
      'the job to be probed',
    );
    await studio.server.backend.cancelJob({ id: job!.id });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: SHOT_SIZES[0] });
    page.setDefaultTimeout(30_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageErrors.push(m.text());
    });
    await mkdir(ARTIFACTS, { recursive: true });
    await page.goto(studio.server.url);
    await page.getByRole('tab', { name: 'Presets' }).click();
    await editor().getByRole('combobox', { name: 'Start from preset' }).click();
    await page.getByRole('option', { name: `${ID} (180/270)`, exact: true }).click();
    await waitFor(
      async () =>
        (await editor().getByRole('textbox', { name: 'Rung 2 average kb/s' }).inputValue()) === '500',
      'the tiny preset in the editor',
    );
    // Generous for a loaded machine (the renderer build and the S3 server); about 15 s when idle.
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await studio?.close();
  });

  it('analyses the source, shows the hull and both ladders, and an accepted (moved) ladder becomes the draft’s', async () => {
    await editor().getByRole('button', { name: 'Auto (per-title)' }).click();
    // The choice is the saved preset's setting for queue jobs (settings.json).
    await expect
      .poll(async () => (await studio.server.backend.getSettings()).autoLadderPresets)
      .toEqual([ID]);
    await panel().getByRole('button', { name: 'Analyse source' }).click();
    await page.getByTestId('hull-chart').waitFor({ timeout: 45_000 });

    // Both sizes of the preset at every probe CRF, their hull, the two fixed rungs and the chosen ones.
    expect(await page.getByTestId('probe-point').count()).toBe(2 * PROBE_CRFS.length);
    expect((await page.getByTestId('hull-line').getAttribute('points'))!.split(' ').length).toBeGreaterThan(
      1,
    );
    expect(await page.getByTestId('fixed-rung-point').count()).toBe(2);
    const chosen = await page.getByTestId('auto-rung-point').count();
    expect(chosen).toBeGreaterThanOrEqual(1);
    expect(await page.getByTestId('compare-row').count()).toBe(2);
    expect(await page.getByTestId('per-title-size').textContent()).toMatch(
      /^Package \d+ KiB → \d+ KiB \([−+±]\d+%\)$/,
    );
    expect(await page.getByTestId('per-title-cost').textContent()).toMatch(/^Analysis \d+\.\d s/);

    await shoot('analysis');

    // Move the top per-title rung to 450 kb/s (its PSNR follows), then accept: the draft takes it.
    const top = panel().getByRole('textbox', { name: 'Per-title rung 1 kb/s' });
    const psnrBefore = await page.getByTestId('auto-psnr').first().textContent();
    await top.fill('450');
    await expect.poll(() => page.getByTestId('auto-psnr').first().textContent()).not.toBe(psnrBefore);

    // A rung dragged sideways with the mouse takes a higher rate, in 50 kb/s steps.
    const point = page.getByTestId('auto-rung-point').first();
    await point.scrollIntoViewIfNeeded();
    const dragged = Number(await point.getAttribute('aria-valuenow'));
    const box = (await point.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 30, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await expect.poll(async () => Number(await point.getAttribute('aria-valuenow'))).toBeGreaterThan(dragged);
    expect(Number(await point.getAttribute('aria-valuenow')) % 50).toBe(0);

    await top.fill('450');
    const auto = await page.getByTestId('auto-resolution').allTextContents();
    await panel().getByRole('button', { name: 'Accept per-title ladder' }).click();
    await panel().getByRole('button', { name: '✓ Per-title rungs are in the draft' }).waitFor();
    const rows = editor().getByTestId('rung-row');
    expect(await rows.count()).toBe(chosen);
    const topRung = editor().getByRole('textbox', { name: `Rung ${chosen} average kb/s` });
    expect(await topRung.inputValue()).toBe('450');
    // The table's rows are lowest first; the comparison's from the top.
    const height = Number(auto[0]!.split('x')[1]);
    expect(
      await editor()
        .getByRole('textbox', { name: `Rung ${chosen} height` })
        .inputValue(),
    ).toBe(String(height));

    // Undo brings the fixed ladder back, like any edit.
    await editor().getByRole('button', { name: '↶ Undo' }).click();
    await expect
      .poll(() => editor().getByRole('textbox', { name: 'Rung 2 average kb/s' }).inputValue())
      .toBe('500');
    expect(pageErrors).toEqual([]);
  }, 90_000);

  /** Light and dark at both sizes, the per-title panel scrolled under the header; the layout must hold. */
  async function shoot(name: string) {
    await page.mouse.move(0, 0);
    for (const size of SHOT_SIZES)
      for (const colorScheme of ['light', 'dark'] as const) {
        await page.setViewportSize(size);
        await page.emulateMedia({ colorScheme });
        await page.waitForFunction(
          (scheme) => document.documentElement.getAttribute('data-mantine-color-scheme') === scheme,
          colorScheme,
        );
        await panel().evaluate((el) => window.scrollBy(0, el.getBoundingClientRect().top - 110));
        const file = `per-title-editor-${name}-${size.width}x${size.height}-${colorScheme}.png`;
        await page.screenshot({ path: path.join(ARTIFACTS, file) });
        const overflow = await page.evaluate(() => {
          const over = document.documentElement.scrollWidth - document.documentElement.clientWidth;
          // Name the widest culprit in the message.
          const wide = [...document.querySelectorAll('[data-testid="preset-editor"] *')]
            .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth)
            .map((el) => `${el.tagName}.${el.className}`.slice(0, 80));
          return over > 0 ? `${over}px: ${wide.slice(-3).join(' | ')}` : '';
        });
        expect(overflow, `${file}: wider than the window`).toBe('');
      }
    await page.setViewportSize(SHOT_SIZES[0]!);
    await page.emulateMedia({ colorScheme: 'light' });
  }
});
