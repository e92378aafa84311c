/// <reference lib="dom" />
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobResult } from '../../src/common/api/studio-api.js';
import { labUrl, networkProfile } from '../../src/common/lab/network-profiles.js';
import { startStudioServer, type StudioServer } from '../../src/node/server/studio-server.js';
import type { z } from 'zod';
import type { PackageResult } from '../../src/common/encode-events.js';
import { encodePackage } from '../../src/node/encode/encode-package.js';
import type { queueFileSchema } from '../../src/node/studio/queue-file.js';
import { toJobResult } from '../../src/node/studio/job-result.js';
import { launchChromium } from '../helpers/chromium.js';
import { cachedFile, clip, scratchDir } from '../helpers/clips.js';
import { presetFrom } from '../helpers/presets.js';
import { buildRenderer } from '../helpers/renderer-build.js';

const ARTIFACTS = path.resolve('test-artifacts/screenshots');
const TOP = 2;
const JOB_ID = 'lab-job';
// Three rungs far apart, 2 s segments: room for ABR decisions on every network of the table.
const LAB_PRESET = presetFrom({
  id: 'lab',
  name: 'Lab (180/360/720)',
  video: { codec: 'h264', speedPreset: 'ultrafast' },
  segment: { durationSec: 2 },
  // Listed first, so hls.js starts on 360p: with the default 2000 kb/s the 720p rung comes first, and
  // 3G then starts in about 9 s with an empty buffer and stalls twice (what the lab showed).
  startBitrateKbps: 800,
  rungs: [
    { width: 320, height: 180, bitrateKbps: 200 },
    { width: 640, height: 360, bitrateKbps: 800 },
    { width: 1280, height: 720, bitrateKbps: 3000 },
  ],
});

/** The lab's package, encoded by the engine once per machine (with its result beside it). */
async function labPackage(): Promise<{ input: string; dir: string; result: PackageResult }> {
  // Noise in every frame, so each rung really spends its bit rate (testsrc2 alone compresses to little).
  const input = await clip('playback-lab-720p.mp4', {
    width: 1280,
    height: 720,
    frameRate: '24',
    durationSec: 40,
    audioChannels: 0,
    videoArgs: [
      '-vf',
      'noise=alls=24:allf=t',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-crf',
      '18',
      '-pix_fmt',
      'yuv420p',
    ],
  });
  const folder = await cachedFile(
    'playback-lab-package',
    JSON.stringify({ input, LAB_PRESET }),
    async (folder) => {
      const result = await encodePackage({ input, packageDir: path.join(folder, 'pkg'), preset: LAB_PRESET });
      await writeFile(path.join(folder, 'result.json'), JSON.stringify(result));
    },
  );
  const result = JSON.parse(await readFile(path.join(folder, 'result.json'), 'utf8')) as PackageResult;
  return { input, dir: path.join(folder, 'pkg'), result };
}

describe('the playback lab in real Chromium against hls-studio serve, through its throttled package route', () => {
  let server: StudioServer;
  let browser: Browser;
  let result: JobResult;
  const pages = new Map<string, Page>();

  beforeAll(async () => {
    const [rendererDir, work, pkg] = await Promise.all([
      buildRenderer(),
      scratchDir('playback-lab-'),
      labPackage(),
    ]);
    // The package is put in place as a finished job of the queue (its queue.json), as a restart finds it.
    const stateDir = path.join(work, 'state');
    await mkdir(stateDir, { recursive: true });
    const persisted: z.input<typeof queueFileSchema> = {
      version: 1,
      jobs: [
        {
          input: pkg.input,
          packageDir: pkg.dir,
          view: {
            id: JOB_ID,
            fileName: path.basename(pkg.input),
            presetId: LAB_PRESET.id,
            status: 'done',
            notes: [],
            result: toJobResult(`/packages/${JOB_ID}/`, pkg.result),
          },
        },
      ],
    };
    await writeFile(path.join(stateDir, 'queue.json'), JSON.stringify(persisted));
    server = await startStudioServer({
      outDir: path.join(work, 'out'),
      uploadDir: path.join(work, 'uploads'),
      stateDir,
      rendererDir,
    });
    result = (await server.backend.listJobs()).find((j) => j.id === JOB_ID)!.result!;
    browser = await launchChromium();
    await mkdir(ARTIFACTS, { recursive: true });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("throttles the package route to each profile's rate, behind the token like every route", async () => {
    // The top rung's first segment: about 750 kB, several seconds of 3G.
    const top = result.variants.at(-1)!.uri;
    const playlist = await (
      await fetch(`http://127.0.0.1:${server.port}${result.baseUrl}${top}?token=${server.token}`)
    ).text();
    const segment = path.posix.join(
      path.posix.dirname(top),
      playlist.split('\n').find((l) => l && !l.startsWith('#'))!,
    );
    const route = (profile: string, session: string) =>
      `http://127.0.0.1:${server.port}${labUrl(profile, session, `${result.baseUrl}${segment}`)}`;
    expect((await fetch(route('3g', 'no-token'))).status).toBe(401);
    expect((await fetch(`${route('5g', 'x')}?token=${server.token}`)).status).toBe(404);
    const measured = [];
    for (const id of ['3g', '4g', 'cable'])
      measured.push({
        id,
        ...(await measure(`${route(id, `m-${id}`)}?token=${server.token}`, networkProfile(id)!.latencyMs)),
      });
    const unthrottled = await measure(
      `http://127.0.0.1:${server.port}${result.baseUrl}${segment}?token=${server.token}`,
    );
    console.log(
      [
        ...measured.map(
          (m) =>
            `${m.id}: ${Math.round(m.bytesPerSec)} B/s measured, ${networkProfile(m.id)!.trace[0]!.bitsPerSec / 8} B/s configured, first byte after ${Math.round(m.firstByteMs)} ms`,
        ),
        `unthrottled /packages: ${Math.round(unthrottled.bytesPerSec)} B/s`,
      ].join('\n'),
    );
    for (const m of measured) {
      const configured = networkProfile(m.id)!.trace[0]!.bitsPerSec / 8;
      expect(m.bytesPerSec, m.id).toBeLessThan(configured * 1.15);
      // The ceiling is the throttle's promise; the floor is loose: on a loaded machine the server's own
      // timers and Chromium's reads lag (4G measured 884 kB/s of 1,125 with two such files at once).
      expect(m.bytesPerSec, m.id).toBeGreaterThan(configured * 0.6);
      expect(m.firstByteMs, m.id).toBeGreaterThanOrEqual(networkProfile(m.id)!.latencyMs);
    }
    // The plain route is not throttled: well above 4G's rate. (Not against cable's 25 Mb/s: with CI and a
    // benchmark on two cores, loopback itself measured 23.6 Mb/s for this segment once.)
    expect(unthrottled.bytesPerSec).toBeGreaterThan((networkProfile('4g')!.trace[0]!.bitsPerSec / 8) * 1.5);
  });

  it('plays the package through 3G, cable and a short drop side by side: hls.js follows each network', async () => {
    // Three pages, one lab session each: the server gives each its own link.
    for (const profile of ['3g', 'cable', 'short-drop']) pages.set(profile, await openLab(profile));
    await Promise.all(
      [...pages.values()].map((page) =>
        page.getByTestId('playback-lab').getByRole('button', { name: 'Start' }).click(),
      ),
    );
    const state = (page: Page) =>
      page.getByTestId('playback-lab').evaluate((el) => ({
        state: el.getAttribute('data-state'),
        levels: (el.getAttribute('data-levels-played') ?? '').split(',').filter(Boolean).map(Number),
        stalls: Number(el.querySelector('[data-testid="lab-stalls"]')?.getAttribute('data-count')),
        emptyBufferStalls: Number(
          el.querySelector('[data-testid="lab-stalls"]')?.getAttribute('data-empty-buffer-count'),
        ),
        stallText: el.querySelector('[data-testid="lab-stalls"]')?.textContent,
        estimateNow: Number(el.querySelector('[data-testid="lab-estimate"]')?.getAttribute('data-now')),
        estimateLowest: Number(el.querySelector('[data-testid="lab-estimate"]')?.getAttribute('data-lowest')),
        startup: el.querySelector('[data-testid="lab-startup"]')?.textContent,
        secondsOnRung: [...el.querySelectorAll('[data-testid="lab-rung-time"]')].map((r) =>
          Number(r.getAttribute('data-sec')),
        ),
        summary: el.querySelector('[data-testid="lab-summary"] p')?.textContent,
      }));
    // Each run ends with the media (40 s) and shows its summary.
    for (const page of pages.values()) await page.getByTestId('lab-summary').waitFor({ timeout: 90_000 });
    const runs = Object.fromEntries(
      await Promise.all([...pages].map(async ([profile, page]) => [profile, await state(page)] as const)),
    );
    console.log(JSON.stringify(runs));
    for (const run of Object.values(runs)) expect(run.state).toBe('done');
    // 3G (1.6 Mb/s): hls.js may open on the rung the playlist lists first, then settles low. Its stalls
    // are reported, not judged: whether hls.js's buffer runs dry on a link this close to the 360p rung's
    // 0.9 Mb/s peak depends on the machine. With three pages decoding at once, a 1080p live preview and
    // an encode beside them on two cores, a CI run saw one 1.2 s empty-buffer stall at 13 s although
    // hls.js never measured the link below 1.2 Mb/s (the throttle's own rate is tested above). What the
    // lab must get right is the telling: every stall counted once, the empty-buffer ones among them.
    for (const run of Object.values(runs)) {
      expect(run.stallText?.match(/at [\d.]+ s for/g) ?? [], run.stallText).toHaveLength(run.stalls);
      expect(run.stallText?.match(/buffer empty/g) ?? []).toHaveLength(run.emptyBufferStalls);
    }
    expect(runs['3g']!.levels.at(-1)).toBeLessThan(TOP);
    expect(runs['3g']!.secondsOnRung[TOP]).toBeLessThanOrEqual(4);
    // Cable (25 Mb/s): the top rung, to the end.
    expect(runs.cable!.levels.at(-1)).toBe(TOP);
    // (Its stalls are not asserted: on this shared machine (load 22 on 2 cores) Chromium once waited 0.2 s
    // at the switch to 720p right after startup, with a segment being transmuxed rather than downloaded.)
    // The drop: hls.js's estimate falls with the link and rises again after it, and the rung goes down
    // from where it was. Back up is likely but not certain within a 40 s clip: hls.js weighs each sample by
    // its download time, so the seconds spent on the slow link take many quick downloads to outweigh, and
    // once the rest of the clip is buffered no more decisions are made (seen back up in 5 of 8 runs).
    // Only the drop's page is needed further (its screenshots): the others' players go.
    for (const profile of ['3g', 'cable']) await pages.get(profile)!.close();
    const drop = runs['short-drop']!;
    // How far the estimate falls depends on how full the buffer was when the link dropped (a full one
    // fetches little during the 8 s): below half the 4G rate it went in every run, 0.26–2.0 Mb/s.
    expect(drop.estimateLowest).toBeLessThan(4_500_000);
    expect(drop.estimateNow).toBeGreaterThan(1.5 * drop.estimateLowest);
    const down = drop.levels.findIndex((l, i) => i > 0 && l < drop.levels[i - 1]!);
    expect(down).toBeGreaterThan(0);
  }, 150_000);

  it('screenshots of the lab after a run, light and dark, at 1400x900 and 1024x700', async () => {
    const page = pages.get('short-drop')!;
    for (const scheme of ['light', 'dark'] as const) {
      const dark = (await page.locator('html').getAttribute('data-mantine-color-scheme')) === 'dark';
      if (dark !== (scheme === 'dark'))
        await page.getByRole('button', { name: 'Toggle colour theme' }).click();
      for (const [width, height] of [
        [1400, 900],
        [1024, 700],
      ] as const) {
        await page.setViewportSize({ width, height });
        await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
        await page.mouse.move(1, 300);
        await page.getByRole('tooltip').waitFor({ state: 'detached' });
        await page.getByTestId('playback-lab').evaluate((el) => el.scrollIntoView({ block: 'end' }));
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        expect(overflow, `${width}x${height} ${scheme}`).toBeLessThanOrEqual(0);
        await page.screenshot({ path: path.join(ARTIFACTS, `lab-short-drop-${width}-${scheme}.png`) });
      }
    }
  });

  /** Opens the job's preview in a page of its own, turns the lab on and picks `profile`. */
  async function openLab(profile: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    try {
      await page.goto(server.url);
      const row = page.getByTestId('job-row').filter({ hasText: 'playback-lab-720p.mp4' });
      await row.getByRole('button', { name: 'Preview' }).click();
      // The preview's own player is paused at once, not after all three pages are open: each page decodes
      // only its lab's picture, and no open page's 720p preview competes with the next page's opening.
      await page.getByTestId('preview-video').evaluate((v: HTMLVideoElement) => {
        v.pause();
        v.addEventListener('playing', () => v.pause());
      });
      // Under CI load a job update can re-render the preview as the switch is clicked: try until it holds.
      const lab = page.getByRole('switch', { name: /Playback lab/ });
      await expect
        .poll(
          async () => {
            if (!(await lab.isChecked())) await lab.click({ force: true, timeout: 5_000 }).catch(() => {});
            await page.waitForTimeout(300);
            return lab.isChecked();
          },
          { timeout: 30_000 },
        )
        .toBe(true);
      await page.getByTestId('lab-profile').click();
      await page.getByRole('option', { name: networkProfile(profile)!.label }).click();
      return page;
    } catch (error) {
      await page.screenshot({ path: path.join(ARTIFACTS, 'lab-failed-open.png') });
      throw error;
    }
  }
});

/** Reads `url` for up to 1.5 s: the bytes per second after the latency, and when the first byte came. */
async function measure(url: string, latencyMs = 0): Promise<{ bytesPerSec: number; firstByteMs: number }> {
  const start = performance.now();
  const response = await fetch(url);
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  let first = 0;
  let last = 0;
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const now = performance.now();
    if (!first) first = now;
    bytes += value.length;
    last = now;
    if (now - first > 1500) break;
  }
  await reader.cancel().catch(() => undefined);
  // Everything read, over the time since the request less the latency: a late event loop cannot make a
  // window look fast.
  return { bytesPerSec: (bytes / (last - start - latencyMs)) * 1000, firstByteMs: first - start };
}
