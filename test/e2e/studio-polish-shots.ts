import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';

const ARTIFACTS = path.resolve('test-artifacts/screenshots');
export const SHOT_SIZES = [
  { width: 1400, height: 900 },
  { width: 1024, height: 700 },
] as const;

/**
 * `polish-<name>-<w>x<h>-<light|dark>.png` at both window sizes in both colour schemes, with `target`
 * scrolled into view; the page is left at 1400x900 in the light scheme.
 */
export async function shootBoth(page: Page, name: string, target?: Locator): Promise<string[]> {
  await mkdir(ARTIFACTS, { recursive: true });
  const files: string[] = [];
  for (const size of SHOT_SIZES)
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.setViewportSize(size);
      await page.emulateMedia({ colorScheme });
      await target?.scrollIntoViewIfNeeded();
      // Mantine switches scheme on the media query's change event: one frame for it to repaint.
      await page.evaluate(() => new Promise(requestAnimationFrame));
      const file = path.join(ARTIFACTS, `polish-${name}-${size.width}x${size.height}-${colorScheme}.png`);
      await page.screenshot({ path: file });
      files.push(file);
    }
  await page.setViewportSize(SHOT_SIZES[0]);
  await page.emulateMedia({ colorScheme: 'light' });
  return files;
}
