/// <reference lib="dom" />
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStudioServer, type StudioServer } from '../../src/node/server/studio-server.js';
import { launchChromium } from '../helpers/chromium.js';
import { clip, scratchDir } from '../helpers/clips.js';
import { buildRenderer } from '../helpers/renderer-build.js';
import { shootBoth } from './studio-polish-helpers.js';
import { readZip } from './studio-polish-zip-reader.js';

/**
 * The studio's small things, in real Chromium against `hls-studio serve`: the token leaves the address
 * bar, the header's labelled and bounded controls, the tab title during an encode, the notification when
 * the queue finishes, and a finished package downloaded as a .zip.
 */
describe('studio polish in Chromium', () => {
  let server: StudioServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const titles: string[] = [];

  beforeAll(async () => {
    const [rendererDir, work] = await Promise.all([buildRenderer(), scratchDir('studio-polish-')]);
    server = await startStudioServer({
      outDir: path.join(work, 'out'),
      stateDir: path.join(work, 'state'),
      rendererDir,
    });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
    await context.grantPermissions(['notifications'], { origin: new URL(server.url).origin });
    // Notifications the page shows are recorded (and still shown): headless Chromium has no tray to look in.
    await context.addInitScript(() => {
      const Real = window.Notification;
      const shown: { title: string; body?: string }[] = [];
      (window as unknown as { shownNotifications: typeof shown }).shownNotifications = shown;
      class Recorded extends Real {
        constructor(title: string, options?: NotificationOptions) {
          super(title, options);
          shown.push({ title, ...(options?.body ? { body: options.body } : {}) });
        }
      }
      window.Notification = Recorded as typeof Notification;
    });
    page = await context.newPage();
    await page.exposeFunction('recordTitle', (title: string) => titles.push(title));
    await page.goto(server.url);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('the token leaves the address bar, and the page still works after a reload', async () => {
    await page.getByTestId('app-header').waitFor();
    await expect.poll(() => page.url()).toBe(`http://127.0.0.1:${server.port}/`);
    expect(page.url()).not.toContain(server.token);
    await page.reload();
    // The cookie carries on: the API answers (presets listed) and the event stream connects.
    await page.getByRole('combobox', { name: 'Preset', exact: true }).waitFor();
    await expect
      .poll(() => page.getByRole('combobox', { name: 'Preset', exact: true }).inputValue())
      .toMatch(/^Compact web ladder/);
    expect(await page.getByTestId('connection-refused').count()).toBe(0);
    expect(page.url()).not.toContain('token');
  });

  it('the header controls have visible labels; Jobs at once stays within 1..8, in the page and the server', async () => {
    const header = page.getByTestId('app-header');
    for (const text of ['Preset', 'Jobs at once']) {
      const label = header.locator('label', { hasText: text });
      expect(await label.isVisible(), text).toBe(true);
    }
    const jobs = page.getByLabel('Jobs at once');
    await jobs.fill('3');
    await expect.poll(async () => (await server.backend.getSettings()).concurrency).toBe(3);
    // 99 cannot be typed: the field keeps a number the server accepts.
    await jobs.fill('99');
    await jobs.blur();
    expect(Number(await jobs.inputValue())).toBeLessThanOrEqual(8);
    expect((await server.backend.getSettings()).concurrency).toBeLessThanOrEqual(8);
    await jobs.fill('1');
    await expect.poll(async () => (await server.backend.getSettings()).concurrency).toBe(1);
    // The server refuses out of range itself, whatever a page sends.
    const answer = await page.evaluate(async () => {
      const response = await fetch('/api/call/setConcurrency', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ jobs: 99 }),
      });
      return (await response.json()) as { ok: boolean; error?: { code: string } };
    });
    expect(answer).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect((await server.backend.getSettings()).concurrency).toBe(1);
  });

  it('the tab title shows the encode’s progress, then plain again; a notification when the queue finishes', async () => {
    expect(await page.title()).toBe('HLS Studio');
    // Asked on a click, not on load.
    await page.getByTestId('queue-notice-toggle').click();
    await expect
      .poll(() => page.getByTestId('queue-notice-toggle').getAttribute('aria-pressed'))
      .toBe('true');
    await page.evaluate(() => {
      new MutationObserver(() =>
        (window as unknown as { recordTitle(t: string): void }).recordTitle(document.title),
      ).observe(document.querySelector('title')!, { childList: true, characterData: true, subtree: true });
    });
    // A light ladder keeps the encode short on a busy machine (long enough for a few progress ticks).
    await server.backend.setDefaultPreset({ id: 'mobile-light' });
    const input = await clip('polish-title.mp4', { width: 480, height: 270, durationSec: 5 });
    await page.getByTestId('file-input').setInputFiles(input);
    const row = page.getByTestId('job-row').filter({ hasText: 'polish-title.mp4' });
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 120_000 }).toBe('done');
    await expect.poll(() => page.title()).toBe('HLS Studio');
    // While it ran: "N% · 1 encoding — HLS Studio", and the percentage went up.
    const running = titles
      .map((t) => /^(\d+)% · 1 encoding — HLS Studio$/.exec(t))
      .filter((m) => m !== null)
      .map((m) => Number(m[1]));
    expect(running.length).toBeGreaterThan(0);
    expect(Math.max(...running)).toBeGreaterThan(Math.min(...running));
    const shown = await page.evaluate(
      () =>
        (window as unknown as { shownNotifications: { title: string; body?: string }[] }).shownNotifications,
    );
    expect(shown).toEqual([{ title: 'Queue finished', body: '1 done' }]);
  });

  it('Download .zip: the package as one archive, master playlist and segments inside', async () => {
    const row = page.getByTestId('job-row').filter({ hasText: 'polish-title.mp4' });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      row.getByRole('link', { name: 'Download .zip' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('polish-title.zip');
    const zip = readZip(await readFile((await download.path())!));
    const names = zip.map((e) => e.name);
    expect(names).toContain('polish-title/master.m3u8');
    expect(names.filter((n) => /\.(ts|m4s)$/.test(n)).length).toBeGreaterThan(1);
    expect(zip.every((e) => e.crcOk)).toBe(true);
    const job = (await server.backend.listJobs()).find((j) => j.fileName === 'polish-title.mp4')!;
    const master = zip.find((e) => e.name === 'polish-title/master.m3u8')!;
    expect(master.data.equals(await readFile(path.join(job.result!.packageDir!, 'master.m3u8')))).toBe(true);
    await shootBoth(page, 'header');
  });
});
