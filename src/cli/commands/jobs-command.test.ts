import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchDir } from '../../../test/helpers/clips.js';
import { testPreset } from '../../../test/helpers/encode.js';
import {
  NO_REDIS_MESSAGE,
  REDIS_SERVER,
  startRedis,
  type TestRedis,
} from '../../../test/helpers/redis-server.js';
import { EXIT } from '../exit-codes.js';

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));
if (!REDIS_SERVER) console.warn(NO_REDIS_MESSAGE);

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', MAIN, ...args],
      { timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe.skipIf(!REDIS_SERVER)('hls-studio submit and jobs (no worker: the jobs wait)', () => {
  let redis: TestRedis;
  let presetFile: string;
  beforeAll(async () => {
    redis = await startRedis();
    presetFile = path.join(await scratchDir('jobs-cli-'), 'preset.json');
    await writeFile(presetFile, JSON.stringify(testPreset()));
  });
  afterAll(async () => {
    await redis?.dispose();
  });

  it('submit queues a job (a preset file travels inline); jobs lists it, cancels it, refuses a bad action', async () => {
    const q = ['--queue', redis.url, '--queue-name', 'cli'];
    const submitted = await cli([
      'submit',
      's3://in-bucket/film.mov',
      '--out',
      's3://out-bucket/videos',
      '--preset',
      presetFile,
      '--attempts',
      '5',
      '--json',
      ...q,
    ]);
    expect(submitted.code, submitted.stderr).toBe(EXIT.OK);
    const { id } = JSON.parse(submitted.stdout) as { id: string };

    const listed = await cli(['jobs', 'list', '--json', ...q]);
    const rows = JSON.parse(listed.stdout) as {
      id: string;
      state: string;
      attempts: number;
      input: string;
    }[];
    expect(rows).toMatchObject([{ id, state: 'waiting', attempts: 5, input: 's3://in-bucket/film.mov' }]);
    expect((await cli(['jobs', ...q])).stdout).toMatch(
      new RegExp(`^${id}\\s+waiting\\s+s3://in-bucket/film.mov → s3://out-bucket/videos`),
    );

    expect((await cli(['jobs', 'cancel', id, ...q])).stdout).toBe(`job ${id} removed\n`);
    expect((await cli(['jobs', ...q])).stdout).toBe('no jobs in queue cli\n');
    const bad = await cli(['jobs', 'frobnicate', ...q]);
    expect(bad.code).toBe(EXIT.USAGE);
    expect(bad.stderr).toContain('unknown action "frobnicate"');
  });

  it('a bucket without a key, a missing --out and a dead Redis are refused with a message', async () => {
    const q = ['--queue', redis.url];
    const noKey = await cli(['submit', 's3://in-bucket/', '--out', 's3://out/v', ...q]);
    expect(noKey.stderr).toContain('s3://in-bucket/ names a bucket or a folder');
    const noOut = await cli(['submit', 's3://in-bucket/a.mov', ...q]);
    expect(noOut.code).toBe(EXIT.USAGE);
    expect(noOut.stderr).toContain('give --out s3://bucket/prefix or --target NAME');
    const dead = await cli(['jobs', '--queue', 'redis://127.0.0.1:1/0']);
    expect(dead.code).not.toBe(EXIT.OK);
    expect(dead.stderr).toContain("cannot reach the queue's Redis");
  });
});
