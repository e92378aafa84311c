import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { presetFrom } from '../../../test/helpers/presets.js';
import { source } from '../../../test/helpers/sources.js';
import { scratchDir } from '../../../test/helpers/clips.js';
import { livePackage } from '../../common/package/live-playlists.js';
import { planEncode } from '../../common/plan/ladder-plan.js';
import { liveReply, type LiveJob, type LiveReply, type LiveState } from './live-preview.js';

const FAST = { pollMs: 10, settleMs: 150, waitMs: 2000 };

/** A job of three 6 s segments per rendition whose staging and package folders the test fills by hand. */
async function fakeJob(format: 'ts' | 'fmp4', durationSec = 18) {
  const work = await scratchDir('live-preview-');
  const plan = planEncode(
    source({}, { durationSec }),
    presetFrom({
      segment: { durationSec: 6, format },
      rungs: [{ width: 640, height: 360, bitrateKbps: 600 }],
    }),
  );
  let state: LiveState = 'encoding';
  const job: LiveJob = {
    live: livePackage(plan),
    stagingDir: path.join(work, '.pkg.partial-1'),
    packageDir: path.join(work, 'pkg'),
    state: () => state,
    seen: new Map(),
  };
  const video = job.live.renditions[0]!;
  await mkdir(path.join(job.stagingDir, video.id), { recursive: true });
  return {
    job,
    video,
    setState: (s: LiveState) => (state = s),
    stage: (name: string, bytes: Buffer | string) =>
      writeFile(path.join(job.stagingDir, video.id, name), bytes),
  };
}

const ts = (packets: number, fill = 0x47) => Buffer.alloc(188 * packets, fill);
const box = (type: string, payload = 8) => {
  const b = Buffer.alloc(8 + payload);
  b.writeUInt32BE(8 + payload, 0);
  b.write(type, 4, 'latin1');
  return b;
};
const body = async (reply: LiveReply) => {
  expect(reply.status).toBe(200);
  if (reply.status !== 200) return '';
  return 'body' in reply ? reply.body : text(reply.stream);
};

describe('live preview replies', () => {
  it('playlists are there at once, before any segment, and only listed names are served', async () => {
    const { job, video } = await fakeJob('ts');
    expect(await body(await liveReply(job, 'master.m3u8'))).toContain(`${video.id}/index.m3u8`);
    expect(await body(await liveReply(job, `${video.id}/index.m3u8`))).toContain('#EXT-X-ENDLIST');
    expect((await liveReply(job, '../../etc/passwd')).status).toBe(404);
    expect((await liveReply(job, `${video.id}/seg_00009.ts`)).status).toBe(404);
  });

  it('a segment is held until the next one exists, then served from the staging folder', async () => {
    const { job, video, stage } = await fakeJob('ts');
    await stage('seg_00000.ts', ts(3, 0x47));
    const pending = liveReply(job, `${video.id}/seg_00000.ts`, { ...FAST, settleMs: 60_000 });
    let settled = false;
    void pending.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(settled).toBe(false);
    await stage('seg_00001.ts', '');
    expect((await body(await pending)).length).toBe(3 * 188);
  });

  it('a segment whose size held still and whose TS packets are whole is complete without the next one', async () => {
    const { job, video, stage } = await fakeJob('ts');
    await stage('seg_00000.ts', ts(2));
    const started = Date.now();
    expect((await body(await liveReply(job, `${video.id}/seg_00000.ts`, FAST))).length).toBe(376);
    expect(Date.now() - started).toBeGreaterThanOrEqual(FAST.settleMs);
  });

  it('the same segment of the other renditions is watched meanwhile: a switch of rendition finds it settled', async () => {
    const { job, video, stage } = await fakeJob('ts');
    const audio = job.live.renditions.find((r) => r.kind === 'audio')!;
    await mkdir(path.join(job.stagingDir, audio.id));
    await stage('seg_00000.ts', ts(2));
    await writeFile(path.join(job.stagingDir, audio.id, 'seg_00000.ts'), ts(1));
    // A settle time long beside a local read, so a loaded machine cannot make the answer look waited for.
    const slowSettle = { ...FAST, settleMs: 1_000 };
    await body(await liveReply(job, `${video.id}/seg_00000.ts`, slowSettle));
    const started = Date.now();
    expect((await body(await liveReply(job, `${audio.id}/seg_00000.ts`, slowSettle))).length).toBe(188);
    expect(Date.now() - started).toBeLessThan(slowSettle.settleMs);
  });

  it('a torn TS segment (not whole packets) is not served while ffmpeg runs: 503 when the wait is over', async () => {
    const { job, video, stage } = await fakeJob('ts');
    await stage('seg_00000.ts', Buffer.alloc(1000, 0x47));
    expect((await liveReply(job, `${video.id}/seg_00000.ts`, { ...FAST, waitMs: 400 })).status).toBe(503);
  });

  it('fMP4: a segment is complete when its boxes end at the end of the file with an mdat', async () => {
    const { job, video, stage } = await fakeJob('fmp4');
    await stage('seg_00000.m4s', Buffer.concat([box('moof', 40), box('mdat', 100)]).subarray(0, 120));
    expect((await liveReply(job, `${video.id}/seg_00000.m4s`, { ...FAST, waitMs: 400 })).status).toBe(503);
    await stage('seg_00000.m4s', Buffer.concat([box('moof', 40), box('mdat', 100)]));
    expect((await body(await liveReply(job, `${video.id}/seg_00000.m4s`, FAST))).length).toBe(156);
  });

  it("fMP4: the init section is ffmpeg's init_<k>.mp4 once the first segment exists, named init.mp4", async () => {
    const { job, video, stage } = await fakeJob('fmp4');
    await stage('init_0.mp4', 'init');
    expect((await liveReply(job, `${video.id}/init_0.mp4`)).status).toBe(404);
    const pending = liveReply(job, `${video.id}/init.mp4`, FAST);
    await new Promise((r) => setTimeout(r, 50));
    await stage('seg_00000.m4s', '');
    expect(await body(await pending)).toBe('init');
  });

  it('the last segment waits for the finished package, which may have folded a tail into it', async () => {
    const { job, video, stage, setState } = await fakeJob('ts');
    await stage('seg_00002.ts', ts(1));
    await stage('seg_00003.ts', ts(1)); // ffmpeg's 21 ms tail; the packager appends it to seg_00002
    setState('packaging');
    const pending = liveReply(job, `${video.id}/seg_00002.ts`, FAST);
    await new Promise((r) => setTimeout(r, 50));
    await rename(job.stagingDir, job.packageDir);
    await writeFile(path.join(job.packageDir, video.id, 'seg_00002.ts'), ts(2));
    await writeFile(path.join(job.packageDir, video.id, 'seg_00003.ts'), ts(1, 0x48));
    setState('done');
    // A package that kept the tail as its own segment: the preview's last segment carries both.
    expect((await body(await pending)).length).toBe(3 * 188);
  });

  it("while the rungs are measured (media settled) the last segment is served at once, ffmpeg's tail appended", async () => {
    const { job, video, stage, setState } = await fakeJob('ts');
    for (const [i, packets] of [3, 3, 2].entries()) await stage(`seg_0000${i}.ts`, ts(packets));
    await stage('seg_00003.ts', ts(1, 0x48)); // ffmpeg's 21 ms tail; the packager will append it to seg_00002
    await stage(
      'index.m3u8',
      [
        '#EXTM3U',
        '#EXT-X-TARGETDURATION:6',
        ...[6, 6, 6, 0.021].map((d, i) => `#EXTINF:${d},\nseg_0000${i}.ts`),
      ]
        .concat('#EXT-X-ENDLIST')
        .join('\n'),
    );
    setState('settled');
    const last = await body(await liveReply(job, `${video.id}/seg_00002.ts`, { ...FAST, waitMs: 0 }));
    expect(last.length).toBe(3 * 188);
    expect(last.at(-1)).toBe(String.fromCharCode(0x48));
    expect(
      (await body(await liveReply(job, `${video.id}/seg_00001.ts`, { ...FAST, waitMs: 0 }))).length,
    ).toBe(3 * 188);
    // Once the assembly begins the staged files may change under a reader: back to waiting for the package.
    setState('packaging');
    expect((await liveReply(job, `${video.id}/seg_00002.ts`, { ...FAST, waitMs: 0 })).status).toBe(503);
  });

  it('once done, segments come from the package folder; one the package does not have is a 404', async () => {
    const { job, video, setState } = await fakeJob('ts', 12.5);
    expect(job.live.renditions[0]!.segments).toHaveLength(3);
    await mkdir(path.join(job.packageDir, video.id), { recursive: true });
    await writeFile(path.join(job.packageDir, video.id, 'seg_00000.ts'), ts(4));
    setState('done');
    expect((await body(await liveReply(job, `${video.id}/seg_00000.ts`, FAST))).length).toBe(4 * 188);
    expect((await liveReply(job, `${video.id}/seg_00002.ts`, FAST)).status).toBe(404);
  });

  it('a stopped encode answers 404, and a request whose client went away stops waiting', async () => {
    const { job, video, setState } = await fakeJob('ts');
    const gone = new AbortController();
    const pending = liveReply(job, `${video.id}/seg_00000.ts`, { ...FAST, signal: gone.signal });
    gone.abort();
    expect((await pending).status).toBe(503);
    setState('stopped');
    expect((await liveReply(job, `${video.id}/seg_00000.ts`, FAST)).status).toBe(404);
  });
});
