import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clip, scratchDir } from '../../../test/helpers/clips.js';
import { testPreset } from '../../../test/helpers/encode.js';
import {
  NO_REDIS_MESSAGE,
  REDIS_SERVER,
  startRedis,
  type TestRedis,
} from '../../../test/helpers/redis-server.js';
import { listObjects, s3Target, useTestS3 } from '../../../test/helpers/s3-server.js';
import { FarmQueue, type JobRow } from '../../node/farm/farm-queue.js';

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));
if (!REDIS_SERVER) console.warn(NO_REDIS_MESSAGE);

/** A worker process as a user runs it, with short locks so a dead worker's job is taken over in seconds. */
interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

describe.skipIf(!REDIS_SERVER)('hls-studio worker: kill -9, SIGTERM (real Redis, real S3 server)', () => {
  const s3 = useTestS3();
  let redis: TestRedis;
  let queue: FarmQueue;
  let env: NodeJS.ProcessEnv;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    queue = new FarmQueue(redis.connection, 'faults');
    const root = await scratchDir('worker-cli-');
    env = {
      ...process.env,
      HLS_STUDIO_CONFIG_DIR: path.join(root, 'config'),
      S3_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    };
    const body = await readFile(await clip('farm-long.mp4', { width: 320, height: 180, durationSec: 6 }));
    await s3.client().send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'in/film.mp4', Body: body }));
  });
  afterAll(async () => {
    for (const w of workers) w.child.kill('SIGKILL');
    try {
      await queue?.close();
    } finally {
      await redis?.dispose();
    }
  });

  function startWorker(gracePeriodSec: number): WorkerProcess {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        MAIN,
        'worker',
        '--queue',
        redis.url,
        '--queue-name',
        'faults',
        '--lock-duration',
        '2000',
        '--stalled-interval',
        '1000',
        '--grace-period',
        String(gracePeriodSec),
      ],
      { env },
    );
    let text = '';
    child.stdout!.on('data', (d: Buffer) => (text += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const worker = { child, output: () => text, exited };
    workers.push(worker);
    return worker;
  }

  const submit = (out: string) =>
    queue.submit({
      input: `s3://${s3.bucket}/in/film.mp4`,
      out: `s3://${s3.bucket}/${out}`,
      target: s3Target(s3, ''),
      // A slower x264 preset: the encode lasts long enough to be interrupted in the middle.
      preset: { ...testPreset({ video: { speedPreset: 'faster' } }) },
      options: { quality: false },
    });

  async function until(id: string, done: (row: JobRow) => boolean, what: string, timeoutMs = 90_000) {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const row = await queue.row(id);
      if (row && done(row)) return row;
      if (Date.now() > end)
        throw new Error(
          `job ${id} never ${what} (${row?.state}): ${workers.map((w) => w.output()).join('\n---\n')}`,
        );
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const encoding = (row: JobRow) => row.state === 'active' && row.progress?.phase === 'encode';

  it('a worker killed with -9 in the middle of a job: another worker finishes it, and the package is complete', async () => {
    const first = startWorker(60);
    const id = await submit('videos/killed');
    await until(id, encoding, 'started encoding');
    first.child.kill('SIGKILL');
    await first.exited;
    // Nothing is published before the encode ends: the final prefix is empty.
    expect((await listObjects(s3.client(), s3.bucket, 'videos/killed/')).size).toBe(0);

    const second = startWorker(1);
    const row = await until(id, (r) => r.state === 'completed' || r.state === 'failed', 'finished');
    expect(row.state, row.failedReason).toBe('completed');
    expect(second.output()).toMatch(new RegExp(`job ${id}: done`));
    expect(row.result).toMatchObject({ valid: true, verified: true });
    // Exactly the package's files under the final prefix: nothing half-published, nothing left over.
    const stored = await listObjects(s3.client(), s3.bucket, 'videos/killed/');
    expect(stored.size).toBe(row.result!.uploaded);
    expect([...stored.keys()]).toContain('videos/killed/film/master.m3u8');
  });

  it('SIGTERM past the grace period hands the job back; a worker given time finishes its job and exits 0', async () => {
    const [second] = workers.slice(-1);
    const id = await submit('videos/handed-back');
    await until(id, encoding, 'started encoding');
    second!.child.kill('SIGTERM');
    expect(await second!.exited).toBe(0);
    expect(second!.output()).toContain(`handed back job(s) ${id}`);
    const back = await queue.row(id);
    expect(back?.state).toBe('waiting');
    expect(back?.attemptsMade).toBe(0);

    const third = startWorker(120);
    await until(id, encoding, 'started encoding again');
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
    const row = await queue.row(id);
    expect(row?.state, row?.failedReason).toBe('completed');
    expect(third.output()).toMatch(/SIGTERM: taking no more jobs/);
    expect((await listObjects(s3.client(), s3.bucket, 'videos/handed-back/')).size).toBe(
      row!.result!.uploaded,
    );
  });
});
