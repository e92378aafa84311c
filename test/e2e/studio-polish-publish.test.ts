/// <reference lib="dom" />
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStudioServer, type StudioServer } from '../../src/node/server/studio-server.js';
import { launchChromium } from '../helpers/chromium.js';
import { clip, scratchDir } from '../helpers/clips.js';
import { buildRenderer } from '../helpers/renderer-build.js';
import { listObjects, startS3Server, type TestS3 } from '../helpers/s3-server.js';
import { createTestCipher } from '../helpers/test-cipher.js';
import { addTarget, shootBoth } from './studio-polish-helpers.js';

/**
 * Publishing polish in real Chromium against `hls-studio serve` and a real S3 server: a watch folder
 * whose badge follows its file to "published", and a publish panel that shows where the package goes,
 * how big it is, and lets the name in the URL be changed first.
 */
describe('publishing polish in Chromium', () => {
  let s3: TestS3;
  let server: StudioServer;
  let browser: Browser;
  let page: Page;
  let watchDir: string;

  beforeAll(async () => {
    const [rendererDir, work, store] = await Promise.all([
      buildRenderer(),
      scratchDir('studio-polish-publish-'),
      startS3Server(),
    ]);
    s3 = store;
    watchDir = path.join(work, 'incoming');
    await mkdir(watchDir);
    server = await startStudioServer({
      outDir: path.join(work, 'out'),
      stateDir: path.join(work, 'state'),
      rendererDir,
      cipher: createTestCipher(),
      watch: { pollMs: 200, stableMs: 400 },
    });
    await server.backend.setDefaultPreset({ id: 'mobile-light' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(server.url);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await s3?.stop();
  });

  it('a watch folder’s badge follows its file: encoded, then published', async () => {
    await page.getByRole('tab', { name: 'Publish targets' }).click();
    await addTarget(page, s3, 'My bucket');
    await page.getByRole('tab', { name: 'Watch folders' }).click();
    const panel = page.getByTestId('watch-folders-panel');
    await panel.getByLabel('Folder', { exact: true }).fill(watchDir);
    await panel.getByRole('button', { name: 'Watch folder' }).click();
    const watchRow = panel.getByTestId('watch-row');
    await watchRow.waitFor();
    const input = await clip('polish-watch.mp4', { width: 480, height: 270, durationSec: 3 });
    await copyFile(input, path.join(watchDir, 'launch video.mp4'));
    const badge = (state: string) => watchRow.locator(`[data-testid="watch-state"][data-state="${state}"]`);
    await badge('encoded').waitFor({ timeout: 120_000 });
    expect(await badge('encoded').textContent()).toBe('1 encoded');
  });

  it('the publish panel shows destination, size and an editable name; the package lands there', async () => {
    await page.getByRole('tab', { name: 'Queue' }).click();
    const row = page.getByTestId('job-row').filter({ hasText: 'launch video.mp4' });
    await row.getByRole('button', { name: 'Publish…' }).click();
    const panel = page.getByTestId('publish-panel');
    const planned = panel.getByTestId('publish-planned-url');
    const base = `${s3.endpoint}/${s3.bucket}/polish`;
    // The default is the package's own name, no hash.
    await expect
      .poll(() => planned.textContent(), { timeout: 30_000 })
      .toBe(`${base}/launch-video/master.m3u8`);
    expect(await panel.getByTestId('publish-location').textContent()).toBe(
      `s3://${s3.bucket}/polish/launch-video/`,
    );
    const job = (await server.backend.listJobs()).find((j) => j.fileName === 'launch video.mp4')!;
    const files = (await readdir(job.result!.packageDir!, { recursive: true, withFileTypes: true })).filter(
      (e) => e.isFile(),
    );
    expect(await panel.getByTestId('publish-size').textContent()).toMatch(
      new RegExp(`^${files.length} files · [\\d.]+ (KiB|MiB) in all`),
    );
    await shootBoth(page, 'publish', panel);

    const name = panel.getByLabel('Name in the bucket');
    await name.fill('spring launch');
    await expect.poll(() => panel.getByText(/no spaces or slashes/).count()).toBe(1);
    expect(await panel.getByRole('button', { name: 'Publish', exact: true }).isDisabled()).toBe(true);
    await name.fill('spring-launch');
    await expect.poll(() => planned.textContent()).toBe(`${base}/spring-launch/master.m3u8`);
    await panel.getByRole('button', { name: 'Publish', exact: true }).click();
    const url = panel.getByTestId('playback-url');
    await url.waitFor({ timeout: 120_000 });
    expect((await url.textContent())!.trim()).toBe(`${base}/spring-launch/master.m3u8`);
    const objects = await listObjects(s3.client(), s3.bucket, 'polish/spring-launch/');
    expect(objects.size).toBe(files.length);

    // Back on the watch folder, the badge says where the file is now: published, not "queued".
    await page.getByRole('tab', { name: 'Watch folders' }).click();
    const watchRow = page.getByTestId('watch-row');
    await watchRow.locator('[data-testid="watch-state"][data-state="published"]').waitFor();
    expect(await watchRow.getByTestId('watch-state').allTextContents()).toEqual(['1 published']);
    await shootBoth(page, 'watch', watchRow);
  });
});
