/// <reference lib="dom" />
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobView } from '../../src/common/api/studio-api.js';
import { startStudioServer, type StudioServer } from '../../src/node/server/studio-server.js';
import { launchChromium } from '../helpers/chromium.js';
import { clip, scratchDir } from '../helpers/clips.js';
import { buildRenderer } from '../helpers/renderer-build.js';
import {
  listObjects,
  objectBytes,
  startS3Server,
  uniqueCredentials,
  type TestS3,
} from '../helpers/s3-server.js';
import { createTestCipher } from '../helpers/test-cipher.js';

const ARTIFACTS = path.resolve('test-artifacts/screenshots');

/**
 * The creator's whole path in real Chromium against `hls-studio serve`: tune a ladder, save it, encode
 * with it, add a target with credentials, publish, play the published copy from the bucket. The server
 * is given a test keyring (as the desktop app has safeStorage), so the credential form is live and the
 * secret's whole journey can be checked.
 */
describe('tune, encode, publish and play, in Chromium', () => {
  let s3: TestS3;
  let server: StudioServer;
  let browser: Browser;
  let page: Page;
  let stateDir: string;
  let logFile: string;
  const responses: string[] = [];
  const frames: string[] = [];

  beforeAll(async () => {
    const [rendererDir, work, store] = await Promise.all([
      buildRenderer(),
      scratchDir('studio-publish-e2e-'),
      startS3Server(),
    ]);
    s3 = store;
    stateDir = path.join(work, 'state');
    logFile = path.join(work, 'studio.log');
    server = await startStudioServer({
      outDir: path.join(work, 'out'),
      stateDir,
      rendererDir,
      logFile,
      cipher: createTestCipher(),
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
    page.on('response', (response) => {
      if (new URL(response.url()).pathname.startsWith('/api/'))
        void response.text().then(
          (text) => responses.push(text),
          () => undefined,
        );
    });
    page.on('websocket', (ws) => ws.on('framereceived', (frame) => frames.push(String(frame.payload))));
    await page.goto(server.url);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await s3?.stop();
  });

  it('edit a preset, save it, encode with it, publish it, play it from the bucket; the secret stays in the back end', async () => {
    // 1. Shape the ladder: add a rung, change a bit rate, watch the estimate follow.
    await page.getByRole('tab', { name: 'Presets' }).click();
    const editor = page.getByTestId('preset-editor');
    const rows = editor.getByTestId('rung-row');
    await rows.first().waitFor();
    const rungsBefore = await rows.count();
    const estimate = editor.getByTestId('estimate-size');
    const estimateBefore = await estimate.textContent();
    await editor.getByRole('button', { name: 'Add rung' }).click();
    await expect.poll(() => rows.count()).toBe(rungsBefore + 1);
    await expect.poll(() => editor.getByTestId('chart-point').count()).toBe(rungsBefore + 1);
    const n = rungsBefore + 1;
    await editor.getByLabel(`Rung ${n} width`, { exact: true }).fill('256');
    await editor.getByLabel(`Rung ${n} height`, { exact: true }).fill('144');
    await editor.getByLabel(`Rung ${n} average kb/s`, { exact: true }).fill('180');
    await editor.getByLabel('Rung 1 average kb/s', { exact: true }).fill('333');
    await expect.poll(() => estimate.textContent()).not.toBe(estimateBefore);
    await editor.getByLabel('Preset name').fill('E2E ladder');
    await editor.getByRole('button', { name: 'Save preset' }).click();
    await expect
      .poll(async () => (await server.backend.listPresets()).find((p) => p.id === 'e2e-ladder'))
      .toBeTruthy();
    const saved = (await server.backend.listPresets()).find((p) => p.id === 'e2e-ladder')!;
    expect(saved.preset.rungs).toHaveLength(n);
    expect(saved.preset.rungs.map((r) => r.bitrateKbps)).toEqual(expect.arrayContaining([333, 180]));
    await page.screenshot({ path: path.join(ARTIFACTS, 'preset-editor.png') });

    // 2. Encode with it.
    await page.getByRole('tab', { name: 'Queue' }).click();
    await page.getByRole('combobox', { name: 'Preset', exact: true }).click();
    await page.getByRole('option', { name: /E2E ladder/ }).click();
    await expect.poll(async () => (await server.backend.getSettings()).defaultPresetId).toBe('e2e-ladder');
    const input = await clip('publish-e2e.mp4', { width: 640, height: 360, durationSec: 4 });
    await page.getByTestId('file-input').setInputFiles(input);
    const row = page.getByTestId('job-row').filter({ hasText: 'publish-e2e.mp4' });
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 120_000 }).toBe('done');
    const job = (await server.backend.listJobs()).find((j) => j.fileName === 'publish-e2e.mp4')!;
    expect(job.presetId).toBe('e2e-ladder');

    // 3. A target with credentials, tested.
    const credentials = uniqueCredentials(s3);
    const canary = credentials.secretAccessKey;
    await page.getByRole('tab', { name: 'Publish targets' }).click();
    const targets = page.getByTestId('targets-panel');
    await targets.getByRole('button', { name: 'Add target' }).click();
    await targets.getByLabel('Name').fill('local');
    await targets.getByLabel('Store').click();
    await page.getByRole('option', { name: /Any S3-compatible store/ }).click();
    await targets.getByLabel('Bucket').fill(s3.bucket);
    await targets.getByLabel('Prefix').fill('e2e');
    await targets.getByLabel('Endpoint').fill(s3.endpoint);
    await targets.getByLabel('Access key ID').fill(credentials.accessKeyId);
    await targets.getByLabel('Secret access key').fill(canary);
    await targets.getByRole('button', { name: 'Save target' }).click();
    const targetRow = targets.getByTestId('target-row').filter({ hasText: 'local' });
    await targetRow.waitFor();
    await expect.poll(() => targetRow.textContent()).toMatch(/credentials saved/i);
    await targetRow.getByRole('button', { name: 'Test' }).click();
    const report = targets.getByTestId('target-test-report');
    await report.waitFor({ timeout: 30_000 });
    await expect.poll(() => report.textContent()).toMatch(/deleted/);

    // 4. One click: publish, then play the published copy from the bucket.
    await page.getByRole('tab', { name: 'Queue' }).click();
    await row.getByRole('button', { name: 'Publish…' }).click();
    const panel = page.getByTestId('publish-panel');
    await panel.getByRole('button', { name: 'Publish', exact: true }).click();
    const url = panel.getByTestId('playback-url');
    await url.waitFor({ timeout: 120_000 });
    const playbackUrl = (await url.textContent())!.trim();
    expect(playbackUrl).toMatch(new RegExp(`^${s3.endpoint}/${s3.bucket}/e2e/publish-e2e/master\\.m3u8$`));
    const fix = panel.getByRole('button', { name: 'Fix CORS' });
    if (await fix.isVisible()) await fix.click();
    await panel.getByTestId('verification-report').waitFor();
    await panel.getByRole('button', { name: 'Play published' }).click();
    await page.waitForFunction(
      () =>
        ((document.querySelector('[data-testid="published-preview"] video') as HTMLVideoElement | null)
          ?.currentTime ?? 0) > 0.5,
      null,
      { timeout: 30_000 },
    );
    await page.screenshot({ path: path.join(ARTIFACTS, 'published.png') });

    // 5. The bucket holds the package byte for byte.
    const packageDir = server.backend.packageDirOf(job.id)!;
    const prefix = `e2e/${path.basename(packageDir)}/`;
    const objects = await listObjects(s3.client(), s3.bucket, prefix);
    const local = (await readdir(packageDir, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => path.relative(packageDir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
      .sort();
    expect([...objects.keys()].map((k) => k.slice(prefix.length)).sort()).toEqual(local);
    for (const rel of local) {
      const stored = await objectBytes(s3.client(), s3.bucket, prefix + rel);
      expect(stored.equals(await readFile(path.join(packageDir, rel))), rel).toBe(true);
    }
    const published = (await server.backend.listJobs()).find((j) => j.id === job.id) as JobView;
    expect(published.publish).toMatchObject({ status: 'published', target: 'local' });

    // 6. The secret went one way: into the back end's vault. Nowhere in the page, its storage, the
    //    API's answers, the event stream, the log or the settings files.
    expect(await targets.count()).toBe(0); // the targets tab (and its form) is gone
    const pageState = await page.evaluate(() =>
      JSON.stringify({
        html: document.documentElement.outerHTML,
        inputs: [...document.querySelectorAll('input')].map((i) => i.value),
        local: { ...localStorage },
        session: { ...sessionStorage },
      }),
    );
    expect(pageState).not.toContain(canary);
    expect(responses.length).toBeGreaterThan(10);
    expect(responses.join('\n')).not.toContain(canary);
    expect(frames.length).toBeGreaterThan(5);
    expect(frames.join('\n')).not.toContain(canary);
    const log = await readFile(logFile, 'utf8');
    expect(log).toMatch(/published/);
    expect(log).not.toContain(canary);
    const stateFiles = (await readdir(stateDir, { recursive: true, withFileTypes: true })).filter((e) =>
      e.isFile(),
    );
    expect(stateFiles.map((e) => e.name)).toEqual(
      expect.arrayContaining(['credentials.json', 'targets.json']),
    );
    for (const e of stateFiles) {
      const file = path.join(e.parentPath, e.name);
      expect(await readFile(file, 'utf8'), file).not.toContain(canary);
    }
  });

  it('try before you encode: an excerpt of the selected source, with the ladder being edited, plays in the editor', async () => {
    await page.getByRole('tab', { name: 'Presets' }).click();
    const editor = page.getByTestId('preset-editor');
    await editor.getByRole('button', { name: 'Try 10 s excerpt' }).click();
    await page.waitForFunction(
      () =>
        ((document.querySelector('[data-testid="excerpt-preview"] video') as HTMLVideoElement | null)
          ?.currentTime ?? 0) > 0.5,
      null,
      { timeout: 90_000 },
    );
    // Outside the queue: still the one job.
    expect(await server.backend.listJobs()).toHaveLength(1);
    await page.screenshot({ path: path.join(ARTIFACTS, 'excerpt.png') });
  });
});
