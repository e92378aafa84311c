/// <reference lib="dom" />
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStudioServer, type StudioServer } from '../../src/node/server/studio-server.js';
import { launchChromium } from '../helpers/chromium.js';
import { scratchDir } from '../helpers/clips.js';
import { buildRenderer } from '../helpers/renderer-build.js';

/**
 * Issue 10 on the real page: typing a bit rate key by key (4, 5, 0; Backspace on 365) turned the whole
 * studio into a white page (React error #301). Every key here is a real key press in Chromium against
 * `hls-studio serve`; after each one the editor is still on screen and the field shows what was typed.
 */
describe('typing into the preset editor in Chromium (issue 10)', () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const [rendererDir, work] = await Promise.all([buildRenderer(), scratchDir('preset-typing-e2e-')]);
    server = await startStudioServer({
      outDir: path.join(work, 'out'),
      stateDir: path.join(work, 'state'),
      rendererDir,
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
    // A white page has no field to read: fail well before playwright's default 30 s (a loaded 2-core
    // machine still needs a few seconds for a reload).
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // React's errors and the panel boundary's log; not the favicon the server does not have.
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageErrors.push(m.text());
    });
    await page.goto(server.url);
    await page.getByRole('tab', { name: 'Presets' }).click();
    await page.getByTestId('preset-editor').getByTestId('rung-row').first().waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const editor = () => page.getByTestId('preset-editor');
  const field = (label: string) => editor().getByRole('textbox', { name: label, exact: true });

  /** Presses each key ("Backspace" by name; a longer text is pasted) and checks the field after each. */
  async function typeKeys(input: Locator, keys: string[], opts: { replace?: boolean } = {}) {
    await input.click();
    if (opts.replace ?? true) await page.keyboard.press('ControlOrMeta+A');
    let text = opts.replace === false ? await input.inputValue() : '';
    for (const key of keys) {
      if (key === 'Backspace') {
        await page.keyboard.press('End');
        await page.keyboard.press('Backspace');
        text = text.slice(0, -1);
      } else if (key.length > 1) {
        await page.keyboard.insertText(key);
        text += key;
      } else {
        await page.keyboard.press(key);
        text += key;
      }
      expect(await input.inputValue(), `after ${JSON.stringify(key)}`).toBe(text);
    }
    expect(await editor().isVisible()).toBe(true);
    expect(await page.getByTestId('panel-error').count()).toBe(0);
    return text;
  }

  it('a bit rate typed key by key, Backspace on it, and values off the chart keep the page', async () => {
    const avg = field('Rung 2 average kb/s');
    const start = await avg.inputValue();
    // Backspace on the value (365 in Apple's ladder: 36, 3, empty), with the rung's slider showing.
    await typeKeys(
      avg,
      [...start].map(() => 'Backspace'),
      { replace: false },
    );
    await page.getByRole('slider', { name: 'Rung 2 bit rate slider' }).waitFor();
    expect(await editor().getByTestId('preset-issues').textContent()).toMatch(/rungs\[1\]\.bitrateKbps/);

    for (const keys of [
      ['4'],
      ['0'],
      ['9', '0', '0', '0', '0', '0'],
      ['-', '5'],
      ['4', '.', '5'],
      ['4,500 kb/s'],
    ])
      await typeKeys(avg, keys);

    // Below the chart: drawn at its floor, the value stays 4, and a key on the handle steps from there.
    await typeKeys(avg, ['4']);
    const point = editor().getByTestId('chart-point').nth(1);
    expect(await point.getAttribute('data-kbps')).toBe('4');
    expect(await point.getAttribute('data-off-chart')).toBe('true');
    await point.focus();
    await page.keyboard.press('ArrowUp');
    expect(await avg.inputValue()).toBe('100');

    await typeKeys(avg, ['4', '5', '0']);
    expect(await point.getAttribute('data-kbps')).toBe('450');
    expect(await editor().getByTestId('preset-issues').count()).toBe(0);
  });

  it('every other number field takes a minus, 0, decimals and text without breaking', async () => {
    // The segmented control's radio is hidden under its label: click what a user clicks.
    await editor().locator('label').filter({ hasText: /^CRF$/ }).click();
    expect(await field('CRF').isEnabled()).toBe(true);
    const labels = [
      'Rung 1 width',
      'Rung 1 height',
      'Rung 1 max kb/s',
      'Rung 1 frame-rate cap',
      'Segment duration',
      'CRF',
      'Audio kb/s',
      'Start variant kb/s',
      'Storyboard interval',
      'Minutes of video',
      'Full views',
      'Storage $/GB-month',
      'Egress $/GB',
    ];
    for (const label of labels) {
      const input = field(label);
      await input.click();
      // One pass through 0, empty, a lone minus, a decimal point and a letter:
      // "0", "", "-", "-0", "-0.", "-0.5", "-0.5x".
      await page.keyboard.press('ControlOrMeta+A');
      for (const key of ['0', 'Backspace', '-', '0', '.', '5', 'x']) await page.keyboard.press(key);
      // A key rewritten on the way (-0. to 0, a dropped minus) would leave other text here.
      expect(await input.inputValue(), label).toBe('-0.5x');
    }
    expect(await editor().isVisible()).toBe(true);
    expect(await page.getByTestId('panel-error').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it('a reload of the page brings the unsaved ladder back', async () => {
    const avg = field('Rung 2 average kb/s');
    await typeKeys(avg, ['7', '7', '7']);
    await page.reload();
    await page.getByRole('tab', { name: 'Presets' }).click();
    await expect.poll(() => field('Rung 2 average kb/s').inputValue()).toBe('777');
    expect(pageErrors).toEqual([]);
  });
});
