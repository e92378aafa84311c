/// <reference lib="dom" />
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStudioServer, type StudioServer } from '../../src/node/server/studio-server.js';
import { dropFiles, launchChromium } from '../helpers/chromium.js';
import { scratchDir } from '../helpers/clips.js';
import { buildRenderer } from '../helpers/renderer-build.js';

const ARTIFACTS = path.resolve('test-artifacts/screenshots');
const APPLE = 'Apple HLS H.264 (9 rungs)';
const COPY = `${APPLE} (copy)`;
const WEB = 'Compact web ladder (1080/720/480/360)';
/** The first bytes of an MP4: enough for the page to take the drop and the back end to make a job. */
const MP4_HEAD = [0, 0, 0, 0x18, ...Buffer.from('ftypisom\0\0\x02\0isomiso2')];

/**
 * Issue 14 (the editor part) on the real page: undo and redo, the prompt before unsaved changes are
 * replaced, "Use for new jobs", the bits-inversion problem beside its rung, and Apple's own ladder
 * raising notes only. Chromium against `hls-studio serve`; the tests run in order on one page.
 */
describe('preset editor safety in Chromium', () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const [rendererDir, work] = await Promise.all([buildRenderer(), scratchDir('preset-safety-e2e-')]);
    server = await startStudioServer({
      outDir: path.join(work, 'out'),
      stateDir: path.join(work, 'state'),
      rendererDir,
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageErrors.push(m.text());
    });
    await mkdir(ARTIFACTS, { recursive: true });
    await page.goto(server.url);
    await page.getByRole('tab', { name: 'Presets' }).click();
    await editor().getByTestId('rung-row').first().waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const editor = () => page.getByTestId('preset-editor');
  const field = (label: string) => editor().getByRole('textbox', { name: label, exact: true });
  const rows = () => editor().getByTestId('rung-row');
  const undoButton = () => editor().getByRole('button', { name: '↶ Undo' });
  const redoButton = () => editor().getByRole('button', { name: 'Redo ↷' });
  const presetName = () => field('Preset name').inputValue();

  async function pick(name: string) {
    await editor().getByRole('combobox', { name: 'Start from preset' }).click();
    await page.getByRole('option', { name, exact: true }).click();
  }

  async function typeInto(label: string, text: string) {
    await field(label).click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type(text);
  }

  it("Apple's own ladder shows notes only: no problem in the checks, none beside a rung", async () => {
    await pick(APPLE);
    await expect.poll(presetName).toBe(APPLE);
    const notes = editor().getByTestId('analysis-note');
    await expect.poll(() => notes.count()).toBeGreaterThan(0);
    expect(await editor().locator('[data-testid="analysis-note"][data-severity="problem"]').count()).toBe(0);
    expect(await editor().getByTestId('rung-problem').count()).toBe(0);
    expect(await editor().getByTestId('analysis-notes').textContent()).toContain('No problems.');
    // The tight top steps of Apple's ladder (1.3x) are there, as a note.
    expect(
      await editor()
        .locator('[data-testid="analysis-note"][data-code="spacing-tight"]')
        .first()
        .getAttribute('data-severity'),
    ).toBe('note');
    expect(await undoButton().isDisabled()).toBe(true);
  });

  it('a rung edit is undone and redone with the keyboard (in the field) and the buttons', async () => {
    await typeInto('Rung 2 average kb/s', '500');
    expect(await field('Rung 2 average kb/s').inputValue()).toBe('500');
    // The edit forked the built-in; undo brings the built-in back, redo the copy.
    expect(await presetName()).toBe(COPY);

    // Focus is still in the field: the whole typed value is one step.
    await page.keyboard.press('ControlOrMeta+Z');
    await expect.poll(() => field('Rung 2 average kb/s').inputValue()).toBe('365');
    expect(await presetName()).toBe(APPLE);
    expect(await undoButton().isDisabled()).toBe(true);
    await page.keyboard.press('ControlOrMeta+Shift+Z');
    await expect.poll(() => field('Rung 2 average kb/s').inputValue()).toBe('500');
    expect(await presetName()).toBe(COPY);
    await page.keyboard.press('ControlOrMeta+Z');
    await expect.poll(() => field('Rung 2 average kb/s').inputValue()).toBe('365');
    await page.keyboard.press('Control+Y');
    await expect.poll(() => field('Rung 2 average kb/s').inputValue()).toBe('500');

    await undoButton().click();
    await expect.poll(() => field('Rung 2 average kb/s').inputValue()).toBe('365');
    await redoButton().click();
    await expect.poll(() => field('Rung 2 average kb/s').inputValue()).toBe('500');
    expect(await redoButton().isDisabled()).toBe(true);
  });

  it('a rung removal is undone and redone with the keyboard and the buttons', async () => {
    expect(await rows().count()).toBe(9);
    await editor().getByRole('button', { name: 'Remove rung 9' }).click();
    await expect.poll(() => rows().count()).toBe(8);
    // The ✕ went with its row: focus is on the page, and the keys still reach the editor.
    await page.keyboard.press('ControlOrMeta+Z');
    await expect.poll(() => rows().count()).toBe(9);
    expect(await field('Rung 9 width').inputValue()).toBe('1920');
    await page.keyboard.press('Control+Y');
    await expect.poll(() => rows().count()).toBe(8);
    await undoButton().click();
    await expect.poll(() => rows().count()).toBe(9);
    await redoButton().click();
    await expect.poll(() => rows().count()).toBe(8);
    await undoButton().click();
    await expect.poll(() => rows().count()).toBe(9);
    // The earlier rung edit is still there, one more step back.
    expect(await field('Rung 2 average kb/s').inputValue()).toBe('500');
  });

  it('a smaller rung with more bits than a larger one is a problem beside that rung', async () => {
    await typeInto('Rung 1 average kb/s', '1500');
    const flagged = rows().nth(0).getByTestId('rung-problem');
    await flagged.waitFor();
    expect(await flagged.getAttribute('data-code')).toBe('bits-inversion');
    // 416x234 at 1500 kb/s outspends 640x360 (500), 768x432 (730) and 768x432 (1100).
    expect(await flagged.getAttribute('aria-label')).toMatch(
      /^Rung 1 \(416x234, 1500 kb\/s\) gets more bits than the larger rungs 2 \(640x360, 500 kb\/s\), 3 .*, 4 /,
    );
    expect(await rows().nth(1).getByTestId('rung-problem').count()).toBe(0);
    const problem = editor().locator('[data-testid="analysis-note"][data-severity="problem"]');
    expect(await problem.getAttribute('data-code')).toBe('bits-inversion');
    expect(await problem.textContent()).toMatch(/Rung 1 \(416x234, 1500 kb\/s\) gets more bits than/);
  });

  it('switching preset with unsaved changes asks first; Cancel keeps the edits', async () => {
    await pick(WEB);
    const dialog = page.getByRole('dialog', { name: 'Unsaved changes' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(`“${COPY}” has changes that are not saved`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'editor-leave-prompt.png') });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await presetName()).toBe(COPY);
    expect(await field('Rung 1 average kb/s').inputValue()).toBe('1500');
    expect(await rows().count()).toBe(9);

    // Save in the prompt saves the copy, then opens what was picked.
    await pick(WEB);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(presetName).toBe(WEB);
    expect((await server.backend.listPresets()).map((p) => p.id)).toContain('apple-h264-copy');
  });

  it('Use for new jobs: a file dropped next is queued with the saved preset', async () => {
    await pick(COPY);
    await expect.poll(presetName).toBe(COPY);
    await editor().getByRole('button', { name: 'Use for new jobs' }).click();
    await editor().getByTestId('used-for-new-jobs').waitFor();
    // The header's picker is the same setting.
    await expect
      .poll(() => page.getByRole('combobox', { name: 'Preset', exact: true }).inputValue())
      .toBe(`${COPY} (mine)`);
    expect((await server.backend.getSettings()).defaultPresetId).toBe('apple-h264-copy');

    await page.getByRole('tab', { name: 'Queue' }).click();
    await dropFiles(page, '[data-testid="drop-zone"]', [{ name: 'next.mp4', head: MP4_HEAD, size: 4096 }]);
    await expect
      .poll(async () => (await server.backend.listJobs()).find((j) => j.fileName === 'next.mp4')?.presetId, {
        timeout: 20_000,
      })
      .toBe('apple-h264-copy');
    await page.getByRole('tab', { name: 'Presets' }).click();
  });

  it('reloading or closing the tab with unsaved changes asks first (beforeunload)', async () => {
    await typeInto('Rung 1 average kb/s', '145');
    await expect.poll(() => field('Rung 1 average kb/s').inputValue()).toBe('145');
    const asked = new Promise<string>((resolve) => {
      page.once('dialog', (dialog) => {
        resolve(dialog.type());
        void dialog.dismiss();
      });
      setTimeout(() => resolve('no dialog in 10 s'), 10_000);
    });
    await page.evaluate(() => void location.reload());
    expect(await asked).toBe('beforeunload');
    // Dismissed ("Stay"): the same page, edits and all.
    expect(await field('Rung 1 average kb/s').inputValue()).toBe('145');
  });

  it('screenshots of the editor at 1400x900 and 1024x700, light and dark', async () => {
    // Undo the fix above: the screenshots show the inversion beside rung 1, and notes below it.
    await page.keyboard.press('ControlOrMeta+Z');
    await expect.poll(() => field('Rung 1 average kb/s').inputValue()).toBe('1500');
    for (const scheme of ['light', 'dark'] as const) {
      const dark = (await page.locator('html').getAttribute('data-mantine-color-scheme')) === 'dark';
      if (dark !== (scheme === 'dark'))
        await page.getByRole('button', { name: 'Toggle colour theme' }).click();
      await page.mouse.move(5, 890);
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await page.getByRole('tooltip').waitFor({ state: 'detached' });
      for (const [width, height] of [
        [1400, 900],
        [1024, 700],
      ] as const) {
        await page.setViewportSize({ width, height });
        await page.evaluate(() => window.scrollTo(0, 0));
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        expect(overflow, `${width}x${height} ${scheme}`).toBeLessThanOrEqual(0);
        await page.screenshot({ path: path.join(ARTIFACTS, `editor-${width}-${scheme}.png`) });
        await editor()
          .getByText('Checks', { exact: true })
          .evaluate((el) => el.scrollIntoView({ block: 'start' }));
        await page.screenshot({ path: path.join(ARTIFACTS, `editor-checks-${width}-${scheme}.png`) });
      }
    }
    expect(pageErrors).toEqual([]);
  });
});
