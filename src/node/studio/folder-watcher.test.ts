import { mkdir, open, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, it, vi } from 'vitest';
import { scratchDir } from '../../../test/helpers/clips.js';
import {
  watchFolder,
  type FolderWatcher,
  type WatchedFile,
  type WatchFolderOptions,
} from './folder-watcher.js';

const stableMs = 400;
/** Long enough for a finished file to have been reported: stability plus a few polls. */
const settle = stableMs + 400;
const watchers: FolderWatcher[] = [];
afterAll(() => watchers.forEach((w) => w.close()));

function watch(dir: string, options: Partial<WatchFolderOptions> = {}) {
  const reports: (WatchedFile & { at: number })[] = [];
  const problems: (string | undefined)[] = [];
  const watcher = watchFolder({
    dir,
    pollMs: 100,
    stableMs,
    isProcessed: () => false,
    onFile: (file) => void reports.push({ ...file, at: Date.now() }),
    onProblem: (message) => problems.push(message),
    ...options,
  });
  watchers.push(watcher);
  return { watcher, reports, problems };
}

/** Writes `chunks` chunks of 64 KiB, `gapMs` apart; returns when the last one was written. */
async function writeSlowly(file: string, chunks: number, gapMs: number): Promise<number> {
  const handle = await open(file, 'w');
  let last = 0;
  for (let i = 0; i < chunks; i++) {
    if (i > 0) await sleep(gapMs);
    await handle.write(Buffer.alloc(64 * 1024, i));
    last = Date.now();
  }
  await handle.close();
  return last;
}

describe.concurrent('watchFolder', () => {
  it('reports a file copied slowly exactly once, only after its last chunk', async ({ expect }) => {
    const dir = await scratchDir('watch-');
    const { reports } = watch(dir);
    const file = path.join(dir, 'clip.mp4');
    // Gaps shorter than stableMs: a pause in the copy is not its end.
    const lastWrite = await writeSlowly(file, 11, 150);
    await vi.waitFor(() => expect(reports).toHaveLength(1), { timeout: 5000, interval: 20 });
    await sleep(settle);
    expect(reports).toHaveLength(1);
    const [report] = reports;
    expect(report!.at - lastWrite).toBeGreaterThanOrEqual(stableMs);
    expect(report).toMatchObject({ path: file, size: 11 * 64 * 1024 });
    expect(report!.key).toBe(`${file}|${report!.size}|${report!.mtimeMs}`);
  });

  it('reports two files, in subfolders too, once each', async ({ expect }) => {
    const dir = await scratchDir('watch-');
    await mkdir(path.join(dir, 'day 2'));
    await writeFile(path.join(dir, 'a.mov'), 'a');
    await writeFile(path.join(dir, 'day 2/b.mkv'), 'bb');
    const { reports } = watch(dir);
    await vi.waitFor(() => expect(reports).toHaveLength(2), { timeout: 5000, interval: 20 });
    await sleep(settle);
    expect(reports.map((r) => [r.path, r.size])).toEqual([
      [path.join(dir, 'a.mov'), 1],
      [path.join(dir, 'day 2/b.mkv'), 2],
    ]);
  });

  it('ignores hidden entries, unfinished downloads and files that are not media', async ({ expect }) => {
    const dir = await scratchDir('watch-');
    await mkdir(path.join(dir, '.cache'));
    await mkdir(path.join(dir, 'film.mp4.download'));
    for (const name of [
      '.hidden.mp4',
      '.cache/c.mp4',
      'd.mp4.part',
      'e.mov.crdownload',
      'f.mkv.partial',
      'film.mp4.download/film.mp4',
      'notes.txt',
      'ok.mkv',
    ]) {
      await writeFile(path.join(dir, name), 'x');
    }
    const { reports } = watch(dir);
    await vi.waitFor(() => expect(reports).toHaveLength(1), { timeout: 5000, interval: 20 });
    await sleep(settle);
    expect(reports.map((r) => path.basename(r.path))).toEqual(['ok.mkv']);
  });

  it('does not report a file the caller already processed, even after a restart', async ({ expect }) => {
    const dir = await scratchDir('watch-');
    await writeFile(path.join(dir, 'done.mp4'), 'x');
    const processed = new Set<string>();
    const first = watch(dir, { onFile: (file) => void processed.add(file.key) });
    await vi.waitFor(() => expect(processed.size).toBe(1), { timeout: 5000, interval: 20 });
    first.watcher.close();

    await writeFile(path.join(dir, 'new.mp4'), 'y');
    const second = watch(dir, { isProcessed: (key) => processed.has(key) });
    await vi.waitFor(() => expect(second.reports).toHaveLength(1), { timeout: 5000, interval: 20 });
    await sleep(settle);
    expect(second.reports.map((r) => path.basename(r.path))).toEqual(['new.mp4']);
  });

  it('reports a file once when it is renamed from .part after writing', async ({ expect }) => {
    const dir = await scratchDir('watch-');
    const { reports } = watch(dir);
    const part = path.join(dir, 'movie.mp4.part');
    await writeSlowly(part, 4, 100);
    await sleep(settle);
    expect(reports).toHaveLength(0);
    await rename(part, path.join(dir, 'movie.mp4'));
    await vi.waitFor(() => expect(reports).toHaveLength(1), { timeout: 5000, interval: 20 });
    await sleep(settle);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ path: path.join(dir, 'movie.mp4'), size: 4 * 64 * 1024 });
  });

  it('needs two scans that agree, even with stableMs 0', async ({ expect }) => {
    const dir = await scratchDir('watch-');
    const { watcher, reports } = watch(dir, { pollMs: 60_000, stableMs: 0 });
    await sleep(100); // the first poll is over; the next is a minute away
    await writeFile(path.join(dir, 'a.mp4'), 'x');
    await watcher.scanNow();
    expect(reports).toHaveLength(0);
    await watcher.scanNow();
    expect(reports).toHaveLength(1);
  });

  it('reports once while a slow onFile is still running', async ({ expect }) => {
    const dir = await scratchDir('watch-');
    await writeFile(path.join(dir, 'a.mp4'), 'x');
    let calls = 0;
    const { watcher } = watch(dir, {
      pollMs: 20,
      onFile: async () => {
        calls++;
        await sleep(1000);
      },
    });
    await vi.waitFor(() => expect(calls).toBe(1), { timeout: 5000, interval: 20 });
    await sleep(settle);
    await watcher.scanNow();
    expect(calls).toBe(1);
  });

  it('says when the folder is missing, keeps polling, and says when it is back', async ({ expect }) => {
    const dir = path.join(await scratchDir('watch-'), 'usb disk');
    const { reports, problems } = watch(dir);
    await vi.waitFor(() => expect(problems).toHaveLength(1), { timeout: 5000, interval: 20 });
    expect(problems[0]).toContain(dir);
    expect(problems[0]).toMatch(/missing/);
    await sleep(300);
    expect(problems).toHaveLength(1);

    await mkdir(dir);
    await writeFile(path.join(dir, 'a.mp4'), 'x');
    await vi.waitFor(() => expect(reports).toHaveLength(1), { timeout: 5000, interval: 20 });
    expect(problems).toEqual([problems[0], undefined]);
  });

  it('says when the folder is a file', async ({ expect }) => {
    const dir = path.join(await scratchDir('watch-'), 'clip.mp4');
    await writeFile(dir, 'x');
    const { problems } = watch(dir);
    await vi.waitFor(() => expect(problems).toEqual([`Watch folder ${dir} is not a folder`]), {
      timeout: 5000,
      interval: 20,
    });
  });

  it('tells the caller when onFile fails', async ({ expect }) => {
    const dir = await scratchDir('watch-');
    await writeFile(path.join(dir, 'a.mp4'), 'x');
    const { problems } = watch(dir, {
      onFile: () => {
        throw new Error('queue is full');
      },
    });
    await vi.waitFor(() => expect(problems).toHaveLength(1), { timeout: 5000, interval: 20 });
    expect(problems[0]).toBe(
      `Could not take ${path.join(dir, 'a.mp4')} from the watch folder: queue is full`,
    );
  });

  it('stops polling on close() and on abort', async ({ expect }) => {
    const dir = await scratchDir('watch-');
    await writeFile(path.join(dir, 'a.mp4'), 'x');
    const closed = watch(dir);
    await closed.watcher.scanNow();
    closed.watcher.close();
    const controller = new AbortController();
    const aborted = watch(dir, { signal: controller.signal });
    await aborted.watcher.scanNow();
    controller.abort();
    await sleep(settle + 200);
    await closed.watcher.scanNow();
    expect(closed.reports).toHaveLength(0);
    expect(aborted.reports).toHaveLength(0);
  });
});
