import { spawn } from 'node:child_process';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  NO_REDIS_MESSAGE,
  REDIS_SERVER,
  startRedis,
  type TestRedis,
} from '../../../test/helpers/redis-server.js';
import { useTestS3 } from '../../../test/helpers/s3-server.js';
import { EXIT } from '../exit-codes.js';

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));
const s3 = useTestS3();
let redis: TestRedis;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  if (!REDIS_SERVER) return;
  redis = await startRedis();
  env = {
    ...process.env,
    S3_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
  };
});
afterAll(async () => {
  await redis?.dispose();
});

/** The CLI as a user runs it; `onLine` sees stdout lines as they come and may stop the process. */
function cli(args: string[], onLine?: (line: string, stop: () => void) => void) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { env });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (d: Buffer) => {
      const text = d.toString();
      stdout += text;
      for (const line of text.split('\n').filter(Boolean)) onLine?.(line, () => child.kill('SIGTERM'));
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}

const put = (key: string, body: string) =>
  s3.client().send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: Buffer.from(body) }));

describe.skipIf(!REDIS_SERVER)(
  `hls-studio watch-bucket${REDIS_SERVER ? '' : `: ${NO_REDIS_MESSAGE}`}`,
  () => {
    it('queues each new object once across runs, as farm jobs that jobs lists; a wrong bucket fails at once', async () => {
      const q = ['--queue', redis.url, '--queue-name', 'watch-cli'];
      const common = ['--endpoint', s3.endpoint, '--out', `s3://${s3.bucket}/videos`, ...q];
      await put('drop/one.mp4', 'one');
      await put('drop/two.mov', 'two');
      const first = await cli(['watch-bucket', `s3://${s3.bucket}/drop`, '--once', '--json', ...common]);
      expect(first.code, first.stderr).toBe(EXIT.OK);
      const lines = first.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; input?: string; queued?: number });
      expect(
        lines
          .filter((l) => l.type === 'queued')
          .map((l) => l.input)
          .sort(),
      ).toEqual([`s3://${s3.bucket}/drop/one.mp4`, `s3://${s3.bucket}/drop/two.mov`]);
      expect(lines.at(-1)).toEqual({ type: 'listed', queued: 2 });

      // Running again (a restart) queues nothing; the long-running form picks up a new object and stops on SIGTERM.
      await put('drop/three.mkv', 'three');
      const watching = await cli(
        ['watch-bucket', `s3://${s3.bucket}/drop`, '--interval', '1', ...common],
        (line, stop) => {
          if (line.startsWith('watching')) stop();
        },
      );
      expect(watching.code, watching.stderr).toBe(EXIT.OK);
      expect(watching.stdout).toContain(`queued s3://${s3.bucket}/drop/three.mkv as job watch-`);
      expect(watching.stdout).not.toContain('drop/one.mp4');
      expect(watching.stdout).toContain('1 new object(s)');

      const listed = await cli(['jobs', 'list', '--json', ...q]);
      expect(listed.code, listed.stderr).toBe(EXIT.OK);
      const jobs = JSON.parse(listed.stdout) as { input: string; state: string }[];
      expect(
        jobs
          .map((j) => j.input)
          .filter(Boolean)
          .sort(),
      ).toEqual([
        `s3://${s3.bucket}/drop/one.mp4`,
        `s3://${s3.bucket}/drop/three.mkv`,
        `s3://${s3.bucket}/drop/two.mov`,
      ]);

      const missing = await cli(['watch-bucket', 's3://no-such-bucket-here/drop', '--once', ...common]);
      expect(missing.code).not.toBe(EXIT.OK);
      expect(missing.stderr).toMatch(/no-such-bucket-here/);
    }, 120_000);
  },
);
