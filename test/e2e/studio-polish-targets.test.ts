/// <reference lib="dom" />
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStudioServer, type StudioServer } from '../../src/node/server/studio-server.js';
import { launchChromium } from '../helpers/chromium.js';
import { scratchDir } from '../helpers/clips.js';
import { buildRenderer } from '../helpers/renderer-build.js';
import { startS3Server, type TestS3 } from '../helpers/s3-server.js';
import { createTestCipher } from '../helpers/test-cipher.js';
import { addTarget, shootBoth } from './studio-polish-helpers.js';

/**
 * Publish targets in real Chromium against `hls-studio serve` and a real S3 server: a name with
 * spaces, and a 403 on the connection test explained in the app's words with the button that fixes it.
 */
describe('publish targets polish in Chromium', () => {
  let s3: TestS3;
  let server: StudioServer;
  let browser: Browser;
  let page: Page;
  /** A "CDN" that refuses anonymous reads, as a private bucket does. */
  let forbidden: http.Server;
  let forbiddenUrl: string;

  beforeAll(async () => {
    const [rendererDir, work, store] = await Promise.all([
      buildRenderer(),
      scratchDir('studio-polish-targets-'),
      startS3Server(),
    ]);
    s3 = store;
    forbidden = http.createServer((_req, res) => res.writeHead(403).end('AccessDenied'));
    await new Promise<void>((resolve) => forbidden.listen(0, '127.0.0.1', resolve));
    forbiddenUrl = `http://127.0.0.1:${(forbidden.address() as AddressInfo).port}`;
    server = await startStudioServer({
      outDir: path.join(work, 'out'),
      stateDir: path.join(work, 'state'),
      rendererDir,
      cipher: createTestCipher(),
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(server.url);
    await page.getByRole('tab', { name: 'Publish targets' }).click();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await s3?.stop();
    await new Promise((resolve) => forbidden?.close(resolve));
  });

  const targets = () => page.getByTestId('targets-panel');
  const fill = (label: string, value: string) => targets().getByLabel(label).fill(value);

  it('a target named with spaces is saved; a name that cannot be one says so while typing', async () => {
    await targets().getByRole('button', { name: 'Add target' }).click();
    await fill('Name', 'videos/2026');
    await expect
      .poll(() =>
        targets()
          .getByText(/letters, digits, spaces and \. _ -/)
          .count(),
      )
      .toBe(1);
    await targets().getByRole('button', { name: 'Cancel' }).click();
    const row = await addTarget(page, s3, 'My bucket');
    expect((await server.backend.listTargets()).map((t) => t.name)).toEqual(['My bucket']);
    await row.getByRole('button', { name: 'Test' }).click();
    const report = row.getByTestId('target-test-report');
    await report.waitFor({ timeout: 30_000 });
    await expect
      .poll(() =>
        row.getByTestId('target-test-step').filter({ hasText: 'Read it back' }).getAttribute('data-ok'),
      )
      .toBe('true');
  });

  it('a 403 when players read back: explained in the app’s words, and its button leads to the fix', async () => {
    const row = await addTarget(page, s3, 'Private CDN', { 'Public base URL': forbiddenUrl });
    await row.getByRole('button', { name: 'Test' }).click();
    const fix = row.locator('[data-testid="target-fix"][data-fix="public-read"]');
    await fix.waitFor({ timeout: 30_000 });
    const text = (await fix.textContent()) ?? '';
    expect(text).toContain('refused (HTTP 403)');
    expect(text).not.toMatch(/--\w/);
    await shootBoth(page, 'targets', fix);
    // The fix here: the public address is wrong. The button opens the form at it.
    await fix.getByRole('button', { name: 'Set a public address…' }).click();
    const address = targets().getByLabel('Public base URL');
    await expect.poll(() => address.evaluate((e) => e === document.activeElement)).toBe(true);
    await address.fill('');
    await targets().getByRole('button', { name: 'Save target' }).click();
    await expect
      .poll(
        async () =>
          (await server.backend.listTargets()).find((t) => t.name === 'Private CDN')?.target.publicBaseUrl,
      )
      .toBeUndefined();
    await row.getByRole('button', { name: 'Test' }).click();
    await expect
      .poll(
        () => row.getByTestId('target-test-step').filter({ hasText: 'Read it back' }).getAttribute('data-ok'),
        { timeout: 30_000 },
      )
      .toBe('true');
    expect(await row.getByTestId('target-fix').count()).toBe(0);
    await row.getByRole('button', { name: 'Remove' }).click();
    await row.getByRole('button', { name: 'Yes, remove' }).click();
    await expect.poll(async () => (await server.backend.listTargets()).length).toBe(1);
  });
});
