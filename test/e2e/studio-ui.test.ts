/// <reference lib="dom" />
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStudioServer, type StudioServer } from '../../src/node/server/studio-server.js';
import { launchChromium } from '../helpers/chromium.js';
import { clip, scratchDir } from '../helpers/clips.js';
import { buildRenderer } from '../helpers/renderer-build.js';

const ARTIFACTS = path.resolve('test-artifacts/screenshots');

describe('the studio UI in real Chromium against hls-studio serve', () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;
  let outDir: string;

  beforeAll(async () => {
    const [rendererDir, work] = await Promise.all([buildRenderer(), scratchDir('studio-e2e-')]);
    outDir = path.join(work, 'out');
    server = await startStudioServer({
      outDir,
      uploadDir: path.join(work, 'uploads'),
      stateDir: path.join(work, 'state'),
      rendererDir,
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await mkdir(ARTIFACTS, { recursive: true });
    await page.goto(server.url);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('drop a clip: progress moves, the job finishes, and the preview plays every rung', async () => {
    const input = await clip('ui-720p.mp4', { width: 1280, height: 720, durationSec: 8 });
    await page.getByTestId('file-input').setInputFiles(input);
    const row = page.getByTestId('job-row').filter({ hasText: 'ui-720p.mp4' });
    await expect
      .poll(() => row.getByTestId('job-progress').textContent(), { timeout: 60_000 })
      .toMatch(/\d+%/);
    await row
      .locator('[data-status="done"]')
      .or(row.and(page.locator('[data-status="done"]')))
      .first()
      .waitFor({ timeout: 120_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'queue-done.png') });

    await row.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByTestId('package-preview');
    await expect.poll(() => preview.getAttribute('data-level-count'), { timeout: 30_000 }).toBe('3');
    // Real playback: the clock of the <video> moves.
    await page.waitForFunction(
      () => (document.querySelector('[data-testid="preview-video"]') as HTMLVideoElement).currentTime > 1,
      null,
      {
        timeout: 30_000,
      },
    );
    // Pick the lowest rung by hand: hls.js switches to it.
    await page.getByTestId('rung-select').click();
    await page.getByRole('option', { name: /^1 · 640x360 / }).click();
    await expect
      .poll(() => page.getByTestId('stats').first().getAttribute('data-level'), { timeout: 30_000 })
      .toBe('0');
    await page.screenshot({ path: path.join(ARTIFACTS, 'preview.png') });

    // Scrubbing shows the storyboard thumbnail of the time under the pointer.
    const box = (await page.getByTestId('scrub-bar').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
    const thumbnail = page.getByTestId('storyboard-thumbnail');
    await thumbnail.waitFor();
    expect(await thumbnail.evaluate((el) => getComputedStyle(el).backgroundImage)).toMatch(
      /storyboard\/sprite_000\.jpg/,
    );
    await page.mouse.up();

    // A/B: a second player pinned to one rung plays beside the first.
    await page.getByRole('switch', { name: /A\/B/ }).check({ force: true });
    await page.waitForFunction(
      () =>
        ((document.querySelector('[data-testid="ab-video"]') as HTMLVideoElement | null)?.readyState ?? 0) >=
        2,
      null,
      {
        timeout: 30_000,
      },
    );
    await page.screenshot({ path: path.join(ARTIFACTS, 'preview-ab.png') });
  });

  it('cancel a running job: it says cancelled and leaves no package behind', async () => {
    const input = await clip('ui-long.mp4', { width: 1280, height: 720, durationSec: 40 });
    const before = await readdir(outDir);
    await page.getByTestId('file-input').setInputFiles(input);
    const row = page.getByTestId('job-row').filter({ hasText: 'ui-long.mp4' });
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 60_000 }).toBe('encoding');
    await row.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 30_000 }).toBe('cancelled');
    expect((await readdir(outDir)).filter((f) => !before.includes(f))).toEqual([]);
  });

  it('a corrupt file gets a failed row with a clear error', async () => {
    const bad = path.join(await scratchDir('ui-bad-'), 'broken.mp4');
    await writeFile(bad, 'this is not a video\n'.repeat(100));
    await page.getByTestId('file-input').setInputFiles(bad);
    const row = page.getByTestId('job-row').filter({ hasText: 'broken.mp4' });
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 30_000 }).toBe('failed');
    await expect.poll(() => row.getByTestId('job-error').textContent()).toMatch(/not a video or audio file/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'error-row.png') });
  });
});
