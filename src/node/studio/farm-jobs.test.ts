import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { FarmJobView } from '../../common/api/farm-api.js';
import type { StudioEvent } from '../../common/api/studio-api.js';
import { clip, scratchDir } from '../../../test/helpers/clips.js';
import { testPreset } from '../../../test/helpers/encode.js';
import {
  NO_REDIS_MESSAGE,
  REDIS_SERVER,
  startRedis,
  type TestRedis,
} from '../../../test/helpers/redis-server.js';
import { s3Target, uniqueCredentials, useTestS3 } from '../../../test/helpers/s3-server.js';
import { createTestCipher } from '../../../test/helpers/test-cipher.js';
import { waitFor } from '../../../test/helpers/wait-for.js';
import { startFaultProxy } from '../../../test/helpers/fault-proxy.js';
import { DEFAULT_QUEUE_NAME } from '../farm/encode-job.js';
import { startEncodeWorker, type EncodeWorker } from '../farm/encode-worker.js';
import { FarmQueue } from '../farm/farm-queue.js';
import { FARM_INPUTS_FOLDER } from './farm-source.js';
import { StudioBackend } from './studio-backend.js';

if (!REDIS_SERVER) console.warn(NO_REDIS_MESSAGE);

const ONE_RUNG = testPreset({ rungs: [{ width: 320, height: 180, bitrateKbps: 250 }] });

describe.skipIf(!REDIS_SERVER)("the studio's farm target (real Redis, real S3 server, real worker)", () => {
  const s3 = useTestS3();
  let redis: TestRedis;
  let backend: StudioBackend;
  let dir: string;
  let shared: string;
  let source: string;
  const events: StudioEvent[] = [];
  const logs: string[] = [];
  let worker: EncodeWorker | undefined;

  beforeAll(async () => {
    redis = await startRedis();
    dir = await scratchDir('farm-jobs-');
    shared = path.join(dir, 'shared');
    source = await clip('farm-studio.mp4', { width: 320, height: 180, durationSec: 2 });
    backend = await StudioBackend.open({
      face: 'desktop',
      stateDir: path.join(dir, 'state'),
      outDir: path.join(dir, 'out'),
      packageBaseUrl: '/packages',
      farmPollMs: 200,
      cipher: createTestCipher(),
      log: (line) => logs.push(line),
    });
    backend.onEvent((e) => events.push(e));
    await backend.savePreset({ preset: { ...ONE_RUNG, id: 'farm-test', name: 'Farm test' } });
    await backend.saveTarget({ name: 'farm-out', target: s3Target(s3, 'farm') });
  });
  afterAll(async () => {
    try {
      await worker?.stop(0);
      await backend?.close();
    } finally {
      await redis?.dispose();
    }
  });

  const queued = async () => {
    const [job] = await backend.addJobs({ paths: [source], presetId: 'farm-test' });
    return job!;
  };
  const farmJob = (id: string, ok: (j: FarmJobView) => boolean, what: string, timeoutMs = 60_000) =>
    waitFor(
      async () => (await backend.listFarmJobs()).find((j) => j.id === id && ok(j)),
      `${what}: ${JSON.stringify((backend as unknown as { farmJobs: { list(): unknown } }).farmJobs.list())}\n${logs.join('\n')}`,
      timeoutMs,
    );

  it('saves a farm with its Redis password kept back, and checks the connection with a clear error', async () => {
    const withPassword = `redis://:s3cret-pass@127.0.0.1:${redis.port}/0`;
    const saved = await backend.saveFarm({
      name: 'lab',
      redisUrl: withPassword,
      out: { target: 'farm-out' },
    });
    expect(saved).toMatchObject({
      name: 'lab',
      redisUrl: `redis://:***@127.0.0.1:${redis.port}/0`,
      queueName: DEFAULT_QUEUE_NAME,
      out: { target: 'farm-out' },
    });
    expect(saved.sourceProblem).toMatch(/no shared folder/);
    expect(JSON.stringify(await backend.listFarms())).not.toContain('s3cret-pass');
    // Sent back masked (an edit of another field): the saved password stays, and is used.
    await backend.saveFarm({
      name: 'lab',
      replaceName: 'lab',
      redisUrl: saved.redisUrl,
      out: { target: 'farm-out' },
    });
    // In the main process's settings.json whole (the renderer never gets it back).
    await waitFor(
      async () =>
        (await readFile(path.join(dir, 'state', 'settings.json'), 'utf8').catch(() => '')).includes(
          's3cret-pass',
        ),
      'the password kept in settings.json',
    );
    // This Redis asks for no password (ioredis only warns): the check reaches it.
    await expect(backend.testFarm({ name: 'lab' })).resolves.toMatchObject({ ok: true, workers: 0 });

    await backend.saveFarm({
      name: 'lab',
      replaceName: 'lab',
      redisUrl: redis.url,
      out: { target: 'farm-out' },
      sharedFolder: shared,
    });
    await expect(backend.testFarm({ name: 'lab' })).resolves.toMatchObject({
      ok: false,
      message: expect.stringMatching(
        /0 workers connected.*shared folder .*shared cannot be written here: ENOENT/,
      ),
    });
    await mkdir(shared);
    await backend.saveFarm({ name: 'dead', redisUrl: 'redis://127.0.0.1:1/0', out: { url: 's3://b/p' } });
    const dead = await backend.testFarm({ name: 'dead' });
    expect(dead).toMatchObject({ ok: false });
    expect(dead.message).toMatch(/cannot reach the queue's Redis: .*ECONNREFUSED/);
    await backend.removeFarm({ name: 'dead' });
    await expect(
      backend.saveFarm({ name: 'x', redisUrl: 'http://127.0.0.1/0', out: { url: 's3://b/p' } }),
    ).rejects.toThrow(/not a redis:\/\/ or rediss:\/\/ URL/);
    expect((await backend.listFarms()).map((f) => f.name)).toEqual(['lab']);
    // The farm follows a rename of its publish target, and the target cannot go while a farm uses it.
    await backend.saveTarget({
      name: 'farm-out-renamed',
      replaceName: 'farm-out',
      target: s3Target(s3, 'farm'),
    });
    expect((await backend.listFarms())[0]?.out).toEqual({ target: 'farm-out-renamed' });
    await backend.saveTarget({
      name: 'farm-out',
      replaceName: 'farm-out-renamed',
      target: s3Target(s3, 'farm'),
    });
    await expect(backend.removeTarget({ name: 'farm-out' })).rejects.toThrow(
      /the farm "lab" publishes to "farm-out": change it first/,
    );
  });

  it('a Redis that asks for a password: a wrong one is named as such, the right one gets in', async () => {
    // Port 46390 is this test's own (the machine is shared); the server is gone when the test ends.
    const child = spawn(
      REDIS_SERVER!,
      [
        '--port',
        '46390',
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--requirepass',
        'right',
      ],
      { stdio: 'ignore' },
    );
    onTestFinished(() => void child.kill('SIGTERM'));
    const url = (password: string) => `redis://:${password}@127.0.0.1:46390/0`;
    await backend.saveFarm({ name: 'locked', redisUrl: url('wrong'), out: { target: 'farm-out' } });
    const refused = await waitFor(async () => {
      const report = await backend.testFarm({ name: 'locked' });
      return /ECONNREFUSED/.test(report.message) ? undefined : report;
    }, 'redis-server on port 46390');
    expect(refused.ok).toBe(false);
    expect(refused.message).toMatch(/WRONGPASS/);
    expect(refused.message).not.toContain('wrong');
    await backend.saveFarm({
      name: 'locked',
      replaceName: 'locked',
      redisUrl: url('right'),
      out: { target: 'farm-out' },
    });
    await expect(backend.testFarm({ name: 'locked' })).resolves.toMatchObject({ ok: true, workers: 0 });
    await backend.removeFarm({ name: 'locked' });
  });

  it('a farm without a shared folder refuses a local file and keeps the job here', async () => {
    await backend.saveFarm({ name: 'no-share', redisUrl: redis.url, out: { target: 'farm-out' } });
    const job = await queued();
    await expect(backend.sendToFarm({ jobId: job.id, farm: 'no-share' })).rejects.toThrow(
      /farm-studio\.mp4 is on this computer and farm "no-share" has neither a shared folder nor an input bucket/,
    );
    expect((await backend.listJobs()).some((j) => j.id === job.id)).toBe(true);
    await backend.removeJob({ id: job.id });
    await backend.removeFarm({ name: 'no-share' });
  });

  it('sends a queued job (source copied into the shared folder), shows it waiting, and cancels it', async () => {
    const job = await queued();
    const sent = await backend.sendToFarm({ jobId: job.id, farm: 'lab' });
    expect(sent).toMatchObject({
      farm: 'lab',
      fileName: 'farm-studio.mp4',
      presetId: 'farm-test',
      state: 'waiting',
    });
    // The local row is gone: the farm has it now.
    expect((await backend.listJobs()).some((j) => j.id === job.id)).toBe(false);
    const copy = path.join(shared, FARM_INPUTS_FOLDER, sent.id, 'farm-studio.mp4');
    expect((await stat(copy)).size).toBe((await stat(source)).size);
    // What the farm received: the shared path, the preset inline, the target's settings (no secret).
    const queue = new FarmQueue(redis.connection);
    try {
      const data = (await queue.queue.getJob(sent.id))!.data as Record<string, unknown>;
      expect(data).toMatchObject({
        input: copy,
        preset: { id: 'farm-test', rungs: [{ width: 320, height: 180 }] },
        target: { store: 's3-compatible', bucket: s3.bucket, prefix: 'farm', endpoint: s3.endpoint },
      });
    } finally {
      await queue.close();
    }
    await backend.cancelFarmJob({ id: sent.id });
    await farmJob(sent.id, (j) => j.state === 'cancelled', 'cancelled');
    await expect(backend.retryFarmJob({ id: sent.id })).rejects.toThrow(/no job/);
    await backend.removeFarmJob({ id: sent.id });
    expect((await backend.listFarmJobs()).some((j) => j.id === sent.id)).toBe(false);
    await expect(stat(path.dirname(copy))).rejects.toThrow(/ENOENT/);
    expect(events).toContainEqual({ type: 'farm-job-removed', id: sent.id });
  });

  it('a worker runs the sent job: progress, attempts and the playback URL reach the studio', async () => {
    worker = startEncodeWorker({
      connection: redis.connection,
      credentials: s3.credentials,
      log: (line) => logs.push(line),
    });
    await expect(backend.testFarm({ name: 'lab' })).resolves.toMatchObject({
      ok: true,
      workers: 1,
      message: expect.stringMatching(
        /Reached redis:\/\/127\.0\.0\.1:\d+\/0 \(queue hls-studio-encode\): 1 worker connected/,
      ),
    });
    const job = await queued();
    const sent = await backend.sendToFarm({ jobId: job.id, farm: 'lab' });
    const done = await farmJob(sent.id, (j) => j.state === 'completed', 'completed', 90_000);
    expect(done).toMatchObject({
      attemptsMade: 1,
      attempts: 3,
      progress: { ratio: 1 },
      playbackUrl: `${s3.endpoint}/${s3.bucket}/farm/farm-studio/master.m3u8`,
    });
    expect(done.finishedAt).toBeGreaterThan(done.sentAt);
    const updates = events.filter((e) => e.type === 'farm-job' && e.job.id === sent.id);
    expect(updates.map((e) => (e.type === 'farm-job' ? e.job.state : '')).includes('active')).toBe(true);
    // A finished job is not polled any more, and survives a restart of the studio as it was.
    expect(await readdir(path.join(shared, FARM_INPUTS_FOLDER))).toContain(sent.id);
  });

  it('a running job is stopped by its worker on a cancel, and runs again on a retry', async () => {
    // Long enough to be caught running: the worker looks for a cancel every 2 s.
    const long = await clip('farm-long.mp4', { width: 320, height: 180, durationSec: 30 });
    // A fresh prefix: s3rver answers 500 to a truncated listing (the workers' preflight lists 5 keys).
    await backend.saveTarget({ name: 'farm-out-2', target: s3Target(s3, 'farm2') });
    await backend.saveFarm({
      name: 'lab',
      replaceName: 'lab',
      redisUrl: redis.url,
      out: { target: 'farm-out-2' },
      sharedFolder: shared,
    });
    const [job] = await backend.addJobs({ paths: [long], presetId: 'farm-test' });
    const sent = await backend.sendToFarm({ jobId: job!.id, farm: 'lab' });
    await expect(backend.removeFarm({ name: 'lab' })).rejects.toThrow(/jobs sent to "lab" are still running/);
    await farmJob(sent.id, (j) => j.state === 'active', 'active');
    await backend.cancelFarmJob({ id: sent.id });
    const cancelled = await farmJob(sent.id, (j) => j.state === 'cancelled', 'cancelled by its worker');
    expect(cancelled.attemptsMade).toBe(1);
    expect(cancelled.failedReason).toBeUndefined();
    await backend.retryFarmJob({ id: sent.id });
    const again = await farmJob(sent.id, (j) => j.state === 'completed', 'completed after the retry', 90_000);
    expect(again).toMatchObject({ attemptsMade: 1, progress: { ratio: 1 } });
    expect(again.playbackUrl).toMatch(/\/farm2\/farm-long\/master\.m3u8$/);
  });

  it('a farm with an input bucket: the source is uploaded (shown as uploading), a worker encodes it from the bucket, and forgetting the job deletes the object', async () => {
    // Fresh prefixes: s3rver answers 500 to a truncated listing.
    await backend.saveTarget({
      name: 'farm-out-3',
      target: s3Target(s3, 'farm3'),
      // The studio's own key (in its vault); the worker has another.
      credentials: uniqueCredentials(s3),
    });
    const saved = await backend.saveFarm({
      name: 'k8s',
      redisUrl: redis.url,
      out: { target: 'farm-out-3' },
      inputBucket: { url: `s3://${s3.bucket}/studio-inputs` },
    });
    expect(saved).toMatchObject({ inputBucket: { url: `s3://${s3.bucket}/studio-inputs` } });
    expect(saved.sourceProblem).toBeUndefined();
    await expect(
      backend.saveFarm({
        name: 'k8s',
        replaceName: 'k8s',
        redisUrl: redis.url,
        out: { target: 'farm-out-3' },
        inputBucket: { url: 's3://Not_A_Bucket/x' },
      }),
    ).rejects.toThrow(/input bucket: "Not_A_Bucket" is not a valid bucket name/);
    await expect(backend.testFarm({ name: 'k8s' })).resolves.toMatchObject({ ok: true, workers: 1 });
    const job = await queued();
    const sent = await backend.sendToFarm({ jobId: job.id, farm: 'k8s' });
    const key = `studio-inputs/${sent.id}/farm-studio.mp4`;
    const uploading = events.filter(
      (e): e is Extract<StudioEvent, { type: 'farm-job' }> =>
        e.type === 'farm-job' && e.job.id === sent.id && e.job.state === 'uploading',
    );
    expect(uploading[0]?.job.progress).toEqual({ ratio: 0, phase: 'uploading' });
    expect(uploading.at(-1)?.job.progress).toEqual({ ratio: 1, phase: 'uploading' });
    expect(sent.state).toBe('waiting');
    const head = await s3.client().send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key }));
    expect(head.ContentLength).toBe((await stat(source)).size);
    const queue = new FarmQueue(redis.connection);
    try {
      const data = (await queue.queue.getJob(sent.id))!.data as Record<string, unknown>;
      expect(data.input).toBe(`s3://${s3.bucket}/${key}`);
    } finally {
      await queue.close();
    }
    const done = await farmJob(sent.id, (j) => j.state === 'completed', 'completed from the bucket', 90_000);
    expect(done.playbackUrl).toBe(`${s3.endpoint}/${s3.bucket}/farm3/farm-studio/master.m3u8`);
    await backend.removeFarmJob({ id: sent.id });
    await expect(s3.client().send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key }))).rejects.toThrow();
  });

  it('a cancel during the upload aborts it, deletes what was sent and keeps the job in the local queue', async () => {
    // The input bucket reached through a slow proxy (its own target): parts take 0.5 s each.
    const proxy = await startFaultProxy(s3.endpoint, {
      latency: 1,
      latencyMs: [500, 600],
      match: (r) => r.method === 'PUT' && r.query.includes('partNumber'),
    });
    onTestFinished(() => proxy.stop());
    await backend.saveTarget({
      name: 'farm-in-slow',
      target: s3Target(s3, 'unused', { endpoint: proxy.url }),
      credentials: uniqueCredentials(s3),
    });
    await backend.saveFarm({
      name: 'k8s',
      replaceName: 'k8s',
      redisUrl: redis.url,
      out: { target: 'farm-out-3' },
      inputBucket: { url: `s3://${s3.bucket}/studio-inputs`, target: 'farm-in-slow' },
    });
    const dir2 = await scratchDir('farm-big-');
    const big = path.join(dir2, 'big-film.mov');
    // Five 8 MiB parts, four at a time: progress is seen between the two rounds.
    await writeFile(big, Buffer.alloc(40 * 1024 * 1024, 7));
    const [job] = await backend.addJobs({ paths: [big], presetId: 'farm-test' });
    let cancelledAt: number | undefined;
    const stop = backend.onEvent((e) => {
      if (e.type !== 'farm-job' || e.job.state !== 'uploading' || cancelledAt !== undefined) return;
      const ratio = e.job.progress?.ratio ?? 0;
      if (ratio > 0 && ratio < 1) {
        cancelledAt = ratio;
        void backend.cancelFarmJob({ id: e.job.id });
      }
    });
    onTestFinished(stop);
    const sending = backend.sendToFarm({ jobId: job!.id, farm: 'k8s' });
    await expect(sending).rejects.toMatchObject({
      code: 'CANCELLED',
      message: 'the upload of big-film.mov to farm "k8s" was cancelled',
    });
    expect(cancelledAt, 'the upload was seen part done').toBeGreaterThan(0);
    const removed = events.find(
      (e) => e.type === 'farm-job' && e.job.fileName === 'big-film.mov' && e.job.state === 'uploading',
    );
    const id = removed?.type === 'farm-job' ? removed.job.id : '';
    expect(events).toContainEqual({ type: 'farm-job-removed', id });
    expect((await backend.listFarmJobs()).some((j) => j.id === id)).toBe(false);
    expect((await backend.listJobs()).some((j) => j.id === job!.id)).toBe(true);
    await expect(
      s3.client().send(new HeadObjectCommand({ Bucket: s3.bucket, Key: `studio-inputs/${id}/big-film.mov` })),
    ).rejects.toThrow();
    await backend.removeJob({ id: job!.id });
  });

  it('an upload that fails names the file, the object URL and the cause, and keeps the job here', async () => {
    await backend.saveFarm({
      name: 'wrong-bucket',
      redisUrl: redis.url,
      out: { target: 'farm-out-3' },
      inputBucket: { url: 's3://no-such-input-bucket/in' },
    });
    const job = await queued();
    await expect(backend.sendToFarm({ jobId: job.id, farm: 'wrong-bucket' })).rejects.toThrow(
      /^cannot upload farm-studio\.mp4 to s3:\/\/no-such-input-bucket\/in\/studio-[0-9a-f]{12}\/farm-studio\.mp4: bucket "no-such-input-bucket" at http:\/\/127\.0\.0\.1:\d+ does not exist$/,
    );
    expect((await backend.listJobs()).some((j) => j.id === job.id)).toBe(true);
    expect((await backend.listFarmJobs()).some((j) => j.farm === 'wrong-bucket')).toBe(false);
    await backend.removeJob({ id: job.id });
    await backend.removeFarm({ name: 'wrong-bucket' });
  });

  it('Redis going away marks the unfinished jobs with the problem, and they resume when it is back', async () => {
    await worker?.stop(0);
    worker = undefined;
    const job = await queued();
    const sent = await backend.sendToFarm({ jobId: job.id, farm: 'lab' });
    await redis.stop();
    const marked = await farmJob(sent.id, (j) => Boolean(j.problem), 'marked');
    expect(marked.problem).toMatch(/^farm "lab" does not answer \(its Redis\): /);
    expect(marked.state).toBe('waiting');
    // --save '' : a restarted Redis is empty, so the job is gone from the farm.
    await redis.start();
    const gone = await farmJob(sent.id, (j) => !j.problem, 'back');
    expect(gone.state).toBe('removed');
  });
});
