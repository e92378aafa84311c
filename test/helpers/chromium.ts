import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Debian's Chromium, headless, without the background traffic this machine's closed network refuses. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`UI tests need Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}

/** A file made inside the page, so a test can drop it: its bytes are `text`, or `size` bytes after `head`. */
export interface PageFile {
  name: string;
  text?: string;
  /** Leading bytes (binary, e.g. an MP4 `ftyp` box) before random ones up to `size`. */
  head?: number[];
  size?: number;
  lastModified?: number;
}

/**
 * Drops files on an element the way the OS does (a `drop` event carrying a DataTransfer), made and
 * dispatched inside the page; returns the text of `watch` elements once the drop's handlers have run, and
 * in the next frame painted after it, with the time each took.
 */
export async function dropFiles(
  page: Page,
  selector: string,
  files: PageFile[],
  watch = '[data-testid="job-row"]',
): Promise<{ afterDrop: string[]; msToCommit: number; nextFrame: string[]; msToNextFrame: number }> {
  return page.evaluate(
    async ({ selector, specs, watch }) => {
      const transfer = new DataTransfer();
      for (const spec of specs) {
        let parts: BlobPart[];
        if (spec.text !== undefined) parts = [spec.text];
        else {
          const bytes = new Uint8Array(spec.size ?? 0);
          for (let i = 0; i < bytes.length; i += 65536) crypto.getRandomValues(bytes.subarray(i, i + 65536));
          bytes.set((spec.head ?? []).slice(0, bytes.length));
          parts = [bytes];
        }
        transfer.items.add(
          new File(parts, spec.name, { lastModified: spec.lastModified ?? 1_700_000_000_000 }),
        );
      }
      const target = document.querySelector(selector);
      if (!target) throw new Error(`nothing matches ${selector}`);
      const texts = () => [...document.querySelectorAll(watch)].map((e) => e.textContent ?? '');
      const start = performance.now();
      target.dispatchEvent(
        new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: transfer }),
      );
      // React commits what a discrete event set in a microtask queued during the dispatch: this one runs after.
      await Promise.resolve();
      const afterDrop = texts();
      const msToCommit = performance.now() - start;
      await new Promise(requestAnimationFrame);
      return { afterDrop, msToCommit, nextFrame: texts(), msToNextFrame: performance.now() - start };
    },
    { selector, specs: files, watch },
  );
}

/** Slows the page's uploads to `bytesPerSec` (DevTools network throttling); undefined lifts it. */
export async function throttleUploads(page: Page, bytesPerSec: number | undefined): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: bytesPerSec ?? -1,
  });
}
