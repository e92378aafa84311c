/// <reference lib="dom" />
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { startEncodeWorker, type EncodeWorker } from '../../src/node/farm/encode-worker.js';
import { startStudioServer, type StudioServer } from '../../src/node/server/studio-server.js';
import { launchChromium } from '../helpers/chromium.js';
import { clip, scratchDir } from '../helpers/clips.js';
import { testPreset } from '../helpers/encode.js';
import { NO_REDIS_MESSAGE, REDIS_SERVER, startRedis, type TestRedis } from '../helpers/redis-server.js';
import { buildRenderer } from '../helpers/renderer-build.js';
import { s3Target, startS3Server, type TestS3 } from '../helpers/s3-server.js';

const ARTIFACTS = path.resolve('test-artifacts/screenshots');
const PASSWORD = 'farm-pass-7d1c';

if (!REDIS_SERVER) console.warn(NO_REDIS_MESSAGE);

/**
 * The studio's Farm target end to end: a farm configured in the Farms tab, a dropped clip sent from
 * its queue row through the shared folder to a real BullMQ queue on a real Redis, a cancel while it
 * waits, and an in-process `hls-studio worker` that encodes the next one and publishes it to a real S3
 * server: the row follows it to completed with its playback URL. Then the same farm with an input
 * bucket: a clip uploaded there and run from it, its object deleted with its row.
 */
describe.skipIf(!REDIS_SERVER)('the Farm target in real Chromium against hls-studio serve', () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;
  let redis: TestRedis;
  let s3: TestS3;
  let shared: string;
  let worker: EncodeWorker | undefined;
  const farmRow = (name: string) => page.getByTestId('farm-job-row').filter({ hasText: name });

  beforeAll(async () => {
    const [rendererDir, work] = await Promise.all([buildRenderer(), scratchDir('farm-target-')]);
    [redis, s3] = await Promise.all([startRedis(), startS3Server()]);
    shared = path.join(work, 'shared');
    await mkdir(shared);
    server = await startStudioServer({
      outDir: path.join(work, 'out'),
      stateDir: path.join(work, 'config'),
      uploadDir: path.join(work, 'config', 'uploads'),
      rendererDir,
    });
    // One small rung keeps the farm's encode to a couple of seconds.
    await server.backend.savePreset({
      preset: {
        ...testPreset({ rungs: [{ width: 320, height: 180, bitrateKbps: 250 }] }),
        id: 'farm-e2e',
        name: 'Farm e2e',
      },
    });
    await server.backend.setDefaultPreset({ id: 'farm-e2e' });
    await server.backend.saveTarget({ name: 'farm-out', target: s3Target(s3, 'farm') });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(15_000);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.goto(server.url);
  }, 60_000);

  afterAll(async () => {
    try {
      await worker?.stop(0);
      await browser?.close();
      await server?.close();
    } finally {
      await Promise.all([redis?.dispose(), s3?.stop()]);
    }
  });

  it('a farm is added in the Farms tab: its password never comes back, and the check reaches Redis', async () => {
    await page.getByRole('tab', { name: 'Farms' }).click();
    const panel = page.getByTestId('farms-panel');
    await panel.getByRole('button', { name: 'Add farm' }).click();
    const form = page.getByTestId('farm-form');
    await form.getByRole('textbox', { name: 'Name', exact: true }).fill('render farm');
    await form.getByLabel('Redis URL').fill(`redis://:${PASSWORD}@127.0.0.1:${redis.port}/0`);
    await form.getByLabel('Workers publish to').click();
    await page.getByRole('option', { name: 'farm-out' }).click();
    await form.getByLabel('Shared folder').fill(path.join(shared, 'missing'));
    await form.getByRole('button', { name: 'Save farm' }).click();
    const row = panel.getByTestId('farm-row').filter({ hasText: 'render farm' });
    await expect
      .poll(() => row.getByTestId('farm-redis-url').textContent())
      .toBe(`redis://:***@127.0.0.1:${redis.port}/0 · queue hls-studio-encode`);
    // A shared folder that is not there: Redis answers, and the check says what is wrong.
    await row.getByRole('button', { name: 'Check connection' }).click();
    const report = row.getByTestId('farm-test-report');
    await expect.poll(() => report.getAttribute('data-ok')).toBe('false');
    expect(await report.textContent()).toMatch(
      /0 workers connected, 0 waiting, 0 active\. But the shared folder .*missing cannot be written here: ENOENT/,
    );
    // Edited with the masked URL left as it is: the saved password stays (and is never in the page).
    await row.getByRole('button', { name: 'Edit' }).click();
    expect(await form.getByLabel('Redis URL').inputValue()).toBe(`redis://:***@127.0.0.1:${redis.port}/0`);
    await shoot('form', form);
    await form.getByLabel('Shared folder').fill(shared);
    await form.getByRole('button', { name: 'Save farm' }).click();
    await expect.poll(() => row.textContent()).toContain(`shared folder ${shared}`);
    await row.getByRole('button', { name: 'Check connection' }).click();
    await expect.poll(() => report.getAttribute('data-ok')).toBe('true');
    expect(await page.content()).not.toContain(PASSWORD);
    await shoot('farms-panel');
  });

  it('"Send to farm" moves a dropped clip to the farm, where it waits; Cancel takes it off the queue', async () => {
    await page.getByRole('tab', { name: 'Queue' }).click();
    await page
      .getByTestId('file-input')
      .setInputFiles(await clip('farm-waits.mp4', { width: 320, height: 180, durationSec: 2 }));
    const local = page.getByTestId('job-row').filter({ hasText: 'farm-waits.mp4' });
    await local.getByTestId('send-to-farm').click();
    await expect.poll(() => local.count(), { timeout: 15_000 }).toBe(0);
    const row = farmRow('farm-waits.mp4');
    // No worker yet: the job waits in the farm's queue, its source copied into the shared folder.
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 10_000 }).toBe('waiting');
    const id = (await row.getAttribute('data-id'))!;
    expect(await readdir(path.join(shared, 'hls-studio-inputs', id))).toEqual(['farm-waits.mp4']);
    await row.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 10_000 }).toBe('cancelled');
    expect(await row.getByRole('button', { name: 'Retry' }).count()).toBe(0);
  });

  it('a worker takes the next one: the row shows it active, then completed with its playback URL', async () => {
    worker = startEncodeWorker({ connection: redis.connection, credentials: s3.credentials });
    await page
      .getByTestId('file-input')
      .setInputFiles(await clip('farm-runs.mp4', { width: 320, height: 180, durationSec: 2 }));
    const local = page.getByTestId('job-row').filter({ hasText: 'farm-runs.mp4' });
    await local.getByTestId('send-to-farm').click();
    const row = farmRow('farm-runs.mp4');
    const seen = new Set<string>();
    await expect
      .poll(
        async () => {
          const state = (await row.getAttribute('data-state')) ?? '';
          seen.add(state);
          return state;
        },
        { timeout: 60_000, interval: 100 },
      )
      .toBe('completed');
    expect([...seen].some((s) => s === 'active' || s === 'waiting')).toBe(true);
    expect(await row.getByTestId('farm-playback-url').textContent()).toBe(
      `${s3.endpoint}/${s3.bucket}/farm/farm-runs/master.m3u8`,
    );
    expect(await row.getByTestId('farm-progress').textContent()).toMatch(/^100%/);
    expect(await row.getByTestId('farm-attempts').textContent()).toBe('attempt 1 of 3');
    // The playback URL serves a real playlist.
    const playlist = await fetch(`${s3.endpoint}/${s3.bucket}/farm/farm-runs/master.m3u8`);
    expect(await playlist.text()).toMatch(/^#EXTM3U/);
    await shoot('queue', page.getByTestId('farm-jobs'));
  });

  it('with an input bucket, a dropped clip is uploaded to it and run from there; ✕ deletes the object', async () => {
    // Browser mode has no credential vault: the back end's own environment reaches the bucket.
    const saved = { id: process.env.S3_ACCESS_KEY_ID, secret: process.env.S3_SECRET_ACCESS_KEY };
    process.env.S3_ACCESS_KEY_ID = s3.credentials.accessKeyId;
    process.env.S3_SECRET_ACCESS_KEY = s3.credentials.secretAccessKey;
    onTestFinished(() => {
      for (const [name, value] of [
        ['S3_ACCESS_KEY_ID', saved.id],
        ['S3_SECRET_ACCESS_KEY', saved.secret],
      ] as const)
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
    });
    // A fresh output prefix: s3rver answers 500 to the workers' truncated preflight listing of farm/.
    await server.backend.saveTarget({ name: 'farm-out-2', target: s3Target(s3, 'farm2') });
    await page.getByRole('tab', { name: 'Farms' }).click();
    const row = page.getByTestId('farm-row').filter({ hasText: 'render farm' });
    await row.getByRole('button', { name: 'Edit' }).click();
    const form = page.getByTestId('farm-form');
    await form.getByLabel('Workers publish to').click();
    await page.getByRole('option', { name: 'farm-out-2' }).click();
    const bucket = form.getByRole('textbox', { name: 'Input bucket' });
    await bucket.fill('https://not-a-bucket-url');
    await expect.poll(() => form.textContent()).toContain('an s3://bucket/prefix or gs://bucket/prefix URL');
    await bucket.fill(`s3://${s3.bucket}/studio-inputs`);
    await shoot('input-bucket-form', form);
    await form.getByRole('button', { name: 'Save farm' }).click();
    await expect
      .poll(() => row.getByTestId('farm-local-files').textContent())
      .toBe(
        `Files from this computer: uploaded to s3://${s3.bucket}/studio-inputs (with target farm-out-2); files already in ${shared} are sent as they are`,
      );
    await shoot('input-bucket-farms-panel');
    await page.getByRole('tab', { name: 'Queue' }).click();
    await page
      .getByTestId('file-input')
      .setInputFiles(await clip('farm-bucket.mp4', { width: 320, height: 180, durationSec: 2 }));
    await page
      .getByTestId('job-row')
      .filter({ hasText: 'farm-bucket.mp4' })
      .getByTestId('send-to-farm')
      .click();
    const job = farmRow('farm-bucket.mp4');
    await expect
      .poll(async () => `${await job.getAttribute('data-state')} ${await job.textContent()}`, {
        timeout: 60_000,
      })
      .toMatch(/^completed /);
    const id = (await job.getAttribute('data-id'))!;
    const key = `studio-inputs/${id}/farm-bucket.mp4`;
    expect(
      (await s3.client().send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key }))).ContentLength,
    ).toBeGreaterThan(0);
    expect(await job.getByTestId('farm-playback-url').textContent()).toBe(
      `${s3.endpoint}/${s3.bucket}/farm2/farm-bucket/master.m3u8`,
    );
    await job.getByRole('button', { name: 'Remove from the list' }).click();
    await expect.poll(() => job.count()).toBe(0);
    await expect(s3.client().send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key }))).rejects.toThrow();
  });

  async function shoot(name: string, target?: ReturnType<Page['getByTestId']>) {
    for (const size of [
      { width: 1400, height: 900 },
      { width: 1024, height: 700 },
    ])
      for (const colorScheme of ['light', 'dark'] as const) {
        await page.setViewportSize(size);
        await page.emulateMedia({ colorScheme });
        await target?.scrollIntoViewIfNeeded();
        await page.evaluate(() => new Promise(requestAnimationFrame));
        await page.screenshot({
          path: path.join(ARTIFACTS, `farm-${name}-${size.width}x${size.height}-${colorScheme}.png`),
        });
      }
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.emulateMedia({ colorScheme: 'light' });
  }
});
