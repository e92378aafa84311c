/// <reference lib="dom" />
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudioServer } from '../../src/node/server/studio-server.js';
import { launchChromium } from '../helpers/chromium.js';
import { clip } from '../helpers/clips.js';
import { SHOT_SIZES } from './studio-polish-helpers.js';
import { startTinyLadderStudio, type TinyLadderStudio } from './tiny-ladder-studio.js';

const ARTIFACTS = path.resolve('test-artifacts/screenshots');
const DONE = 'panels-done.mp4';
const RUNNING = 'panels-running.mp4';
const BROKEN = 'panels-broken.mp4';
/** The first bytes of an MP4 (a `ftyp` box) and nothing after: ffprobe finds no `moov`, the job fails. */
const MP4_HEAD = Buffer.from([
  0,
  0,
  0,
  0x18,
  ...Buffer.from('ftypisom\0\0\x02\0isomiso2'),
  ...Buffer.alloc(4096),
]);

/**
 * Every panel in both colour schemes at 1400x900 and 1024x700 (`panels-<panel>-<w>x<h>-<scheme>.png`),
 * each checked for a page wider than the window and for a badge that cuts its word short.
 */
describe('every panel, light and dark, wide and narrow', () => {
  let studio: TinyLadderStudio;
  let server: StudioServer;
  let browser: Browser;
  let page: Page;
  const row = (name: string) => page.getByTestId('job-row').filter({ hasText: name });
  const shots: string[] = [];

  /** Screenshots at both sizes in both schemes, `target` scrolled to the top; asserts the layout holds. */
  const shoot = async (name: string, target?: Locator) => {
    // No hover effect from the last click in the pictures.
    await page.mouse.move(0, 0);
    for (const size of SHOT_SIZES)
      for (const colorScheme of ['light', 'dark'] as const) {
        const where = `${name} ${size.width}x${size.height} ${colorScheme}`;
        await page.setViewportSize(size);
        await page.emulateMedia({ colorScheme });
        await page.evaluate(() => window.scrollTo(0, 0));
        // The panel's top just under the fixed header (60 px), not behind it.
        await target?.evaluate((el) => window.scrollBy(0, el.getBoundingClientRect().top - 76));
        // Mantine switches scheme on the media query's change event, a frame or more later on a busy machine.
        await page.waitForFunction(
          (scheme) => document.documentElement.getAttribute('data-mantine-color-scheme') === scheme,
          colorScheme,
        );
        // The theme button offers the other scheme, also when the one shown comes from the system.
        expect(await page.getByRole('button', { name: 'Toggle colour theme' }).textContent(), where).toBe(
          colorScheme === 'dark' ? '☀' : '☾',
        );
        const layout = await page.evaluate(() => ({
          overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
          cutBadges: [...document.querySelectorAll('.mantine-Badge-root')]
            .filter((badge) => (badge as HTMLElement).offsetParent !== null)
            .filter((badge) =>
              [badge, badge.querySelector('.mantine-Badge-label') ?? badge].some(
                (el) => el.scrollWidth > el.clientWidth,
              ),
            )
            .map((badge) => badge.textContent),
        }));
        expect(layout.overflow, `${where}: the page is wider than the window`).toBeLessThanOrEqual(0);
        expect(layout.cutBadges, `${where}: badges cut short`).toEqual([]);
        const file = path.join(ARTIFACTS, `panels-${name}-${size.width}x${size.height}-${colorScheme}.png`);
        await page.screenshot({ path: file });
        shots.push(file);
      }
    await page.setViewportSize(SHOT_SIZES[0]);
    await page.emulateMedia({ colorScheme: 'light' });
  };

  beforeAll(async () => {
    studio = await startTinyLadderStudio('panels');
    server = studio.server;
    await studio.addTarget('Screenshots bucket', 'panels');
    const watchDir = path.join(studio.work, 'incoming');
    await mkdir(watchDir);
    await server.backend.addWatchFolder({ path: watchDir, presetId: 'panels', target: 'Screenshots bucket' });
    await mkdir(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: SHOT_SIZES[0] });
    await page.goto(server.url);
    // The long clip is made now, while the short one encodes.
    const [done] = await Promise.all([
      clip(DONE, { width: 480, height: 270, durationSec: 2 }),
      clip(RUNNING, { width: 480, height: 270, durationSec: 120 }),
    ]);
    await page.getByTestId('file-input').setInputFiles(done);
    await row(DONE).and(page.locator('[data-status="done"]')).waitFor({ timeout: 120_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await studio?.close();
  });

  it('the queue with a finished, a failed and a running job', async () => {
    await page
      .getByTestId('file-input')
      .setInputFiles([{ name: BROKEN, mimeType: 'video/mp4', buffer: MP4_HEAD }]);
    await row(BROKEN).and(page.locator('[data-status="failed"]')).waitFor({ timeout: 30_000 });
    await page
      .getByTestId('file-input')
      .setInputFiles(await clip(RUNNING, { width: 480, height: 270, durationSec: 120 }));
    await row(RUNNING).and(page.locator('[data-status="encoding"]')).waitFor({ timeout: 30_000 });
    await shoot('queue');
    // Still running once the shots are taken, so every one of them shows a running row.
    expect(await row(RUNNING).getByTestId('job-status').textContent()).toMatch(/^(encoding|packaging)$/);
    expect(await row(DONE).getByTestId('job-status').textContent()).toBe('done');
    expect(await row(BROKEN).getByTestId('job-status').textContent()).toBe('failed');
    const running = (await server.backend.listJobs()).find((j) => j.fileName === RUNNING)!;
    await server.backend.cancelJob({ id: running.id });
  });

  it('the source inspector, preview, validation report and publish panel of the finished job', async () => {
    const done = row(DONE);
    await done.click();
    await shoot('inspector', page.getByTestId('source-inspector'));
    await done.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByTestId('package-preview');
    await preview.and(page.locator('[data-level-count="2"]')).waitFor({ timeout: 30_000 });
    await shoot('preview', preview);
    await done.getByRole('button', { name: 'Valid' }).click();
    await shoot('report', page.getByTestId('validation-report'));
    await done.getByRole('button', { name: 'Publish…' }).click();
    const publish = page.getByTestId('publish-panel');
    await publish.getByTestId('publish-planned-url').waitFor({ timeout: 30_000 });
    await shoot('publish', publish);
  });

  it('the presets editor, publish targets and watch folders tabs', async () => {
    await page.getByRole('tab', { name: 'Presets' }).click();
    await page.getByTestId('preset-editor').waitFor();
    await shoot('presets');
    await page.getByRole('tab', { name: 'Publish targets' }).click();
    await page.getByTestId('target-row').waitFor();
    await shoot('targets');
    await page.getByRole('tab', { name: 'Watch folders' }).click();
    await page.getByTestId('watch-row').waitFor();
    await shoot('watch');
    expect(shots).toHaveLength(8 * 4);
  });
});
