import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { JobView, StudioEvent } from '../../common/api/studio-api.js';
import { clip, scratchDir } from '../../../test/helpers/clips.js';
import { testPreset } from '../../../test/helpers/encode.js';
import { s3Target, startS3Server, uniqueCredentials, type TestS3 } from '../../../test/helpers/s3-server.js';
import { createTestCipher } from '../../../test/helpers/test-cipher.js';
import { waitFor } from '../../../test/helpers/wait-for.js';
import type { SecretCipher } from '../publish/credential-vault.js';
import { StudioBackend } from './studio-backend.js';

const open: StudioBackend[] = [];
afterAll(async () => {
  await Promise.all(open.map((b) => b.close()));
});

async function backendIn(
  dir: string,
  options: { cipher?: SecretCipher; log?: string[]; events?: StudioEvent[] } = {},
): Promise<StudioBackend> {
  const backend = await StudioBackend.open({
    face: 'desktop',
    stateDir: path.join(dir, 'state'),
    outDir: path.join(dir, 'out'),
    packageBaseUrl: '/packages',
    liveBaseUrl: '/api/live',
    ...(options.cipher ? { cipher: options.cipher } : {}),
    log: (line) => options.log?.push(line),
    watch: { pollMs: 100, stableMs: 1000 },
  });
  if (options.events) backend.onEvent((e) => options.events!.push(e));
  open.push(backend);
  return backend;
}

const FAST = { ...testPreset(), id: 'fast-test', name: 'Fast test' };

async function waitForJob(backend: StudioBackend, ok: (j: JobView) => boolean, what: string) {
  return waitFor(async () => (await backend.listJobs()).find(ok), what, 90_000);
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe('the preset library', () => {
  it('saves, renames and deletes user presets, keeps built-ins read-only, and survives a restart', async () => {
    const dir = await scratchDir('backend-presets-');
    const backend = await backendIn(dir);
    const builtIn = (await backend.listPresets()).filter((p) => p.builtIn).map((p) => p.id);
    expect(builtIn).toContain('web-compact');

    await backend.savePreset({ preset: { ...FAST, id: 'my-ladder', name: 'My ladder' } });
    await expect(backend.savePreset({ preset: { ...FAST, id: 'web-compact' } })).rejects.toThrow(/built-in/);
    await expect(backend.savePreset({ preset: { ...FAST, id: 'my-ladder' } })).rejects.toThrow(/exists/);
    await expect(
      backend.savePreset({
        preset: { ...FAST, id: 'bad', rungs: [{ width: 321, height: 180, bitrateKbps: 100 }] },
      }),
    ).rejects.toThrow(/rungs\[0\]\.width/);
    await backend.savePreset({ preset: { ...FAST, id: 'renamed', name: 'Renamed' }, replaceId: 'my-ladder' });
    await backend.close();

    const again = await backendIn(dir);
    const user = (await again.listPresets()).filter((p) => !p.builtIn);
    expect(user.map((p) => p.id)).toEqual(['renamed']);
    await expect(again.deletePreset({ id: 'web-compact' })).rejects.toThrow(/built-in/);
    await again.deletePreset({ id: 'renamed' });
    expect((await again.listPresets()).some((p) => p.id === 'renamed')).toBe(false);
  });
});

describe('a queue that survives', () => {
  it('restores interrupted jobs after a crash, re-runs them, and never lists a missing package as done', async () => {
    const dir = await scratchDir('backend-restore-');
    const input = await clip('restore.mp4', { width: 320, height: 180, durationSec: 2 });
    const state = path.join(dir, 'state');
    const out = path.join(dir, 'out');
    await mkdir(state, { recursive: true });
    await mkdir(path.join(out, '.restore-aaaaaa111111.partial-123'), { recursive: true });
    const view = (id: string, status: string) => ({
      id,
      fileName: 'restore.mp4',
      presetId: 'fast-test',
      status,
      notes: [],
      addedAt: 1,
    });
    // What a process killed mid-encode leaves: one job encoding, one "done" whose folder is gone.
    await writeFile(
      path.join(state, 'queue.json'),
      JSON.stringify({
        version: 1,
        jobs: [
          {
            input,
            view: {
              ...view('aaaaaa111111', 'encoding'),
              live: { baseUrl: '/api/live/aaaaaa111111/', multivariantPlaylist: 'master.m3u8' },
            },
            packageDir: path.join(out, 'restore-aaaaaa111111'),
          },
          { input, view: view('bbbbbb222222', 'done'), packageDir: path.join(out, 'gone') },
        ],
      }),
    );
    const first = await backendIn(dir);
    await first.close(); // the preset is not there yet: nothing may run
    await mkdir(path.join(state, 'presets'), { recursive: true });
    await writeFile(path.join(state, 'presets', 'fast-test.json'), JSON.stringify(FAST));

    const events: StudioEvent[] = [];
    const backend = await backendIn(dir, { events });
    const jobs = await backend.listJobs();
    expect(jobs.find((j) => j.id === 'bbbbbb222222')).toMatchObject({ status: 'failed' });
    expect(jobs.find((j) => j.id === 'aaaaaa111111')).toMatchObject({ interrupted: true });
    // The live preview of a run that is gone is not offered again (it lived in memory only).
    expect(jobs.find((j) => j.id === 'aaaaaa111111')?.live).toBeUndefined();
    const done = await waitForJob(
      backend,
      (j) => j.id === 'aaaaaa111111' && j.status === 'done',
      'the re-run',
    );
    expect(done.result?.validation.valid).toBe(true);
    expect((await readdir(out)).filter((e) => e.includes('.partial-'))).toEqual([]);
    // The re-run offered its own live preview while it encoded, and only then.
    const views = events.flatMap((e) => (e.type === 'job' && e.job.id === 'aaaaaa111111' ? [e.job] : []));
    expect(views.find((v) => v.status === 'encoding')?.live?.baseUrl).toBe('/api/live/aaaaaa111111/');
    expect(views.filter((v) => v.live && !['encoding', 'packaging'].includes(v.status))).toEqual([]);
    expect(done.live).toBeUndefined();
    expect(backend.liveJobOf('aaaaaa111111')?.state()).toBe('done');
  });

  it('keeps finished jobs as history, with their settings, across restarts', async () => {
    const dir = await scratchDir('backend-history-');
    const input = await clip('history.mp4', { width: 320, height: 180, durationSec: 2 });
    const backend = await backendIn(dir);
    await backend.savePreset({ preset: FAST });
    await backend.setConcurrency({ jobs: 2 });
    const [job] = await backend.addJobs({ paths: [input], presetId: 'fast-test' });
    await waitForJob(backend, (j) => j.id === job!.id && j.status === 'done', 'the encode');
    await backend.close();

    const again = await backendIn(dir);
    expect(await again.listJobs()).toEqual([expect.objectContaining({ id: job!.id, status: 'done' })]);
    expect((await again.getSettings()).concurrency).toBe(2);
  });
});

describe('publish targets and their secrets', () => {
  let s3: TestS3;
  beforeAll(async () => {
    s3 = await startS3Server();
  });
  afterAll(async () => {
    await s3?.stop();
  });

  it('a saved secret is used to publish and is found nowhere: not in responses, events, settings or logs', async () => {
    const dir = await scratchDir('backend-secrets-');
    const credentials = uniqueCredentials(s3);
    const canary = credentials.secretAccessKey;
    const log: string[] = [];
    const events: StudioEvent[] = [];
    const backend = await backendIn(dir, { cipher: createTestCipher(), log, events });
    const responses: unknown[] = [];
    const call = async <T>(result: Promise<T>) => {
      const value = await result;
      responses.push(value);
      return value;
    };
    await call(backend.savePreset({ preset: FAST }));
    await call(
      backend.saveTarget({
        name: 'local',
        target: s3Target(s3, 'studio'),
        credentials,
      }),
    );
    const [target] = await call(backend.listTargets());
    expect(target).toMatchObject({ name: 'local', hasCredentials: true, isDefault: true });
    const report = await call(backend.testTarget({ name: 'local' }));
    expect(report.steps.filter((s) => s.step !== 'cors')).toEqual(
      ['list', 'put', 'get', 'delete'].map((step) => expect.objectContaining({ step, ok: true })),
    );

    const input = await clip('secret.mp4', { width: 320, height: 180, durationSec: 2 });
    const [job] = await call(backend.addJobs({ paths: [input], presetId: 'fast-test' }));
    await waitForJob(backend, (j) => j.id === job!.id && j.status === 'done', 'the encode');
    await call(backend.publishJob({ id: job!.id }));
    const published = await waitForJob(
      backend,
      (j) => j.id === job!.id && (j.publish?.status === 'published' || j.publish?.status === 'failed'),
      'the publish',
    );
    expect(published.publish?.error).toBeUndefined();
    expect(published.publish?.summary?.playbackUrl).toMatch(/\/studio\/secret\/master\.m3u8$/);
    responses.push(await backend.listJobs(), await backend.getSettings());
    await backend.close();

    expect(JSON.stringify(responses)).not.toContain(canary);
    expect(JSON.stringify(events)).not.toContain(canary);
    expect(log.join('\n')).not.toContain(canary);
    const files = await filesUnder(path.join(dir, 'state'));
    expect(files.map((f) => path.basename(f))).toEqual(
      expect.arrayContaining(['credentials.json', 'targets.json']),
    );
    for (const file of files) expect(await readFile(file, 'utf8'), file).not.toContain(canary);
  });

  it('auto-publish per preset; a publish interrupted by a crash resumes on restart', async () => {
    const dir = await scratchDir('backend-autopublish-');
    // Browser mode: no vault, so the credential chain of the server's user (here its environment).
    process.env.S3_ACCESS_KEY_ID = s3.credentials.accessKeyId;
    process.env.S3_SECRET_ACCESS_KEY = s3.credentials.secretAccessKey;
    onTestFinished(() => {
      delete process.env.S3_ACCESS_KEY_ID;
      delete process.env.S3_SECRET_ACCESS_KEY;
    });
    const backend = await backendIn(dir);
    await backend.saveTarget({
      name: 'auto',
      target: s3Target(s3, 'auto'),
    });
    await backend.savePreset({ preset: { ...FAST, publish: { auto: true, target: 'auto' } } });
    const input = await clip('auto.mp4', { width: 320, height: 180, durationSec: 2 });
    const [job] = await backend.addJobs({ paths: [input], presetId: 'fast-test' });
    const published = await waitForJob(
      backend,
      (j) => j.id === job!.id && (j.publish?.status === 'published' || j.publish?.status === 'failed'),
      'the automatic publish',
    );
    expect(published.publish?.error).toBeUndefined();
    expect(published.publish).toMatchObject({ status: 'published', target: 'auto' });
    await backend.close();

    // As if the app had died mid-publish: the next start resumes it, and finds everything already there.
    const queueFile = path.join(dir, 'state', 'queue.json');
    const saved = JSON.parse(await readFile(queueFile, 'utf8')) as { jobs: { view: JobView }[] };
    saved.jobs[0]!.view.publish = { status: 'publishing', target: 'auto' };
    await writeFile(queueFile, JSON.stringify(saved));
    const again = await backendIn(dir);
    const resumed = await waitForJob(again, (j) => j.publish?.status === 'published', 'the resumed publish');
    expect(resumed.publish?.summary).toMatchObject({ uploaded: 0 });
    expect(resumed.publish?.summary?.skipped).toBeGreaterThan(5);
  });

  it('without a keyring (basic_text) nothing is saved until the user agrees', async () => {
    const dir = await scratchDir('backend-basic-text-');
    const backend = await backendIn(dir, { cipher: createTestCipher('basic_text') });
    expect((await backend.getSettings()).credentialStorage).toMatchObject({ plainText: true });
    const request = {
      name: 'plain',
      target: { store: 's3-compatible', bucket: s3.bucket, endpoint: s3.endpoint },
      credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' },
    };
    await expect(backend.saveTarget(request)).rejects.toThrow(/basic_text/);
    expect(await backend.listTargets()).toEqual([]);
    await backend.saveTarget({ ...request, allowPlainTextStorage: true });
    expect(await backend.listTargets()).toEqual([expect.objectContaining({ hasCredentials: true })]);
  });

  it('browser mode stores no secrets: the AWS chain is used instead', async () => {
    const backend = await backendIn(await scratchDir('backend-browser-'));
    expect((await backend.getSettings()).credentialStorage.available).toBe(false);
    await expect(
      backend.saveTarget({
        name: 'x',
        target: { store: 's3-compatible', bucket: s3.bucket, endpoint: s3.endpoint },
        credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' },
      }),
    ).rejects.toThrow(/credential chain/);
    expect(await backend.listTargets()).toEqual([]);
  });
});

describe('try before you encode', () => {
  it('encodes an excerpt of a queued source with an unsaved preset, outside the queue', async () => {
    const dir = await scratchDir('backend-excerpt-');
    const backend = await backendIn(dir);
    await backend.savePreset({ preset: FAST });
    const input = await clip('excerpt-source.mp4', { width: 640, height: 360, durationSec: 6 });
    const [job] = await backend.addJobs({ paths: [input], presetId: 'fast-test' });
    await waitForJob(backend, (j) => j.id === job!.id && j.status === 'done', 'the encode');
    const edited = { ...FAST, rungs: FAST.rungs.slice(0, 2) };
    // A second request replaces the first (an impatient user): the first says cancelled, the second plays.
    const first = backend.encodeExcerpt({ jobId: job!.id, preset: FAST, startSec: 0, durationSec: 3 });
    const second = backend.encodeExcerpt({ jobId: job!.id, preset: edited, startSec: 1, durationSec: 3 });
    await expect(first).rejects.toMatchObject({ code: 'CANCELLED' });
    const result = await second;
    expect(result.baseUrl).toMatch(/^\/packages\/excerpt-\d+\/$/);
    expect(result.variants).toHaveLength(2);
    expect(result.validation.valid).toBe(true);
    const id = result.baseUrl.split('/')[2]!;
    expect(backend.packageDirOf(id)).toBeDefined();
    expect(await backend.listJobs()).toHaveLength(1);
    await expect(
      backend.encodeExcerpt({ jobId: job!.id, preset: { ...FAST, rungs: [] }, durationSec: 3 }),
    ).rejects.toThrow(/rungs/);
  });
});

describe('watch folders', () => {
  it('a file copied in slowly gives exactly one job, started after the copy finished, never repeated', async () => {
    const dir = await scratchDir('backend-watch-');
    const watched = path.join(dir, 'inbox');
    await mkdir(watched);
    const source = await readFile(await clip('watched.mp4', { width: 320, height: 180, durationSec: 2 }));
    const backend = await backendIn(dir);
    await backend.savePreset({ preset: FAST });
    await backend.addWatchFolder({ path: watched, presetId: 'fast-test' });

    const target = path.join(watched, 'arrived.mp4');
    const chunks = 6;
    let lastWrite = 0;
    for (let i = 0; i < chunks; i++) {
      const part = source.subarray((i * source.length) / chunks, ((i + 1) * source.length) / chunks);
      await writeFile(target, part, { flag: i === 0 ? 'w' : 'a' });
      lastWrite = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    const job = await waitForJob(
      backend,
      (j) => j.fileName === 'arrived.mp4' && j.status === 'done',
      'the job',
    );
    expect(job.addedAt).toBeGreaterThanOrEqual(lastWrite);
    expect(job.result?.validation.valid).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await backend.listJobs()).filter((j) => j.fileName === 'arrived.mp4')).toHaveLength(1);
    expect(await backend.listWatchFolders()).toEqual([expect.objectContaining({ path: watched, queued: 1 })]);
    await backend.close();

    // As if the app died after queueing the file but before recording it: the queue's own record
    // (the job keeps the file's key) still stops a second job.
    const settingsFile = path.join(dir, 'state', 'settings.json');
    const settings = JSON.parse(await readFile(settingsFile, 'utf8')) as { watchProcessed: string[] };
    expect(settings.watchProcessed).toHaveLength(1);
    await writeFile(settingsFile, JSON.stringify({ ...settings, watchProcessed: [] }));
    const again = await backendIn(dir);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await again.listJobs()).filter((j) => j.fileName === 'arrived.mp4')).toHaveLength(1);
  });
});

describe('references between presets, targets, watch folders and jobs', () => {
  it('a renamed preset is followed by its watch folder; a preset or target in use cannot be deleted', async () => {
    const dir = await scratchDir('backend-refs-');
    const inbox = path.join(dir, 'inbox');
    await mkdir(inbox);
    const backend = await backendIn(dir);
    await backend.savePreset({ preset: { ...FAST, publish: { auto: true, target: 'somewhere' } } });
    await backend.saveTarget({
      name: 'somewhere',
      target: { store: 's3-compatible', bucket: 'some-bucket', endpoint: 'http://127.0.0.1:9' },
    });
    const folder = await backend.addWatchFolder({ path: inbox, presetId: 'fast-test', target: 'somewhere' });
    await expect(backend.deletePreset({ id: 'fast-test' })).rejects.toThrow(/watch folder/);
    await expect(backend.removeTarget({ name: 'somewhere' })).rejects.toThrow(/watch folder/);
    await backend.savePreset({
      preset: { ...FAST, id: 'fast-renamed', publish: { auto: true, target: 'somewhere' } },
      replaceId: 'fast-test',
    });
    await backend.saveTarget({
      name: 'elsewhere',
      replaceName: 'somewhere',
      target: { store: 's3-compatible', bucket: 'some-bucket', endpoint: 'http://127.0.0.1:9' },
    });
    expect(await backend.listWatchFolders()).toEqual([
      expect.objectContaining({ id: folder.id, presetId: 'fast-renamed', target: 'elsewhere' }),
    ]);
    const renamed = (await backend.listPresets()).find((p) => p.id === 'fast-renamed');
    expect(renamed?.preset.publish).toEqual({ auto: true, target: 'elsewhere' });
  });

  it('refuses watch folders that would feed the app its own output, or overlap another', async () => {
    const dir = await scratchDir('backend-overlap-');
    const backend = await backendIn(dir);
    await expect(backend.addWatchFolder({ path: dir, presetId: 'web-compact' })).rejects.toThrow(
      /writes into/,
    );
    await expect(
      backend.addWatchFolder({ path: path.join(dir, 'out'), presetId: 'web-compact' }),
    ).rejects.toThrow(/writes into/);
    const inbox = path.join(dir, 'inbox');
    await mkdir(path.join(inbox, 'sub'), { recursive: true });
    await backend.addWatchFolder({ path: inbox, presetId: 'web-compact' });
    await expect(
      backend.addWatchFolder({ path: path.join(inbox, 'sub'), presetId: 'web-compact' }),
    ).rejects.toThrow(/overlaps/);
  });

  it('removing the running job starts the next one', async () => {
    const dir = await scratchDir('backend-remove-');
    const backend = await backendIn(dir);
    await backend.savePreset({ preset: FAST });
    const long = await clip('remove-long.mp4', { width: 640, height: 360, durationSec: 30 });
    const short = await clip('remove-short.mp4', { width: 320, height: 180, durationSec: 2 });
    const [first] = await backend.addJobs({ paths: [long], presetId: 'fast-test' });
    const [second] = await backend.addJobs({ paths: [short], presetId: 'fast-test' });
    await waitForJob(backend, (j) => j.id === first!.id && j.status === 'encoding', 'the first encode');
    await backend.removeJob({ id: first!.id });
    await waitForJob(backend, (j) => j.id === second!.id && j.status === 'done', 'the second job');
  });
});
