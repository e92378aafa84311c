import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { uniqueCredentials, type TestS3 } from '../helpers/s3-server.js';

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

/**
 * Adds a target on the test S3 server through the Publish targets tab (which must be open), with
 * fresh keys and the prefix `polish`; `extra` fills more fields by label. Resolves with its row.
 */
export async function addTarget(
  page: Page,
  s3: TestS3,
  name: string,
  extra: Record<string, string> = {},
): Promise<Locator> {
  const targets = page.getByTestId('targets-panel');
  const fill = (label: string, value: string) => targets.getByLabel(label).fill(value);
  await targets.getByRole('button', { name: 'Add target' }).click();
  await fill('Name', name);
  await targets.getByLabel('Store').click();
  await page.getByRole('option', { name: /Any S3-compatible store/ }).click();
  await fill('Bucket', s3.bucket);
  await fill('Prefix', 'polish');
  await fill('Endpoint', s3.endpoint);
  for (const [label, value] of Object.entries(extra)) await fill(label, value);
  const credentials = uniqueCredentials(s3);
  await fill('Access key ID', credentials.accessKeyId);
  await fill('Secret access key', credentials.secretAccessKey);
  await targets.getByRole('button', { name: 'Save target' }).click();
  const row = targets.locator(`[data-testid="target-row"][data-name="${name}"]`);
  await row.waitFor();
  return row;
}
