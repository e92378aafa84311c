import { execFile, spawnSync } from 'node:child_process';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { Queue, QueueEvents } from 'bullmq';
import { chmod, copyFile, mkdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { clip, scratchDir } from '../helpers/clips.js';
import { listObjects, useTestS3 } from '../helpers/s3-server.js';
import { NO_REDIS_MESSAGE, REDIS_SERVER, startRedis } from '../helpers/redis-server.js';
import {
  DEFAULT_QUEUE_NAME,
  ENCODE_JOB,
  type EncodeJobInput,
  type EncodeJobResult,
} from '../../src/node/farm/encode-job.js';

// The image from the repo's Dockerfile, built with podman on local stand-in base images
// (build-image.sh) and run the way this sandbox allows: runc, host network, explicit ulimits.

const execFileAsync = promisify(execFile);
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BUILD_SCRIPT = fileURLToPath(new URL('./build-image.sh', import.meta.url));
const CLI_MAIN = path.join(REPO, 'src/cli/main.ts');
const HAS_PODMAN = spawnSync('podman', ['--version']).status === 0;
const BUILD_TIMEOUT = 30 * 60_000;

/** The default OCI runtime (crun) and podman's default ulimits fail here; runc and these limits work. */
const PODMAN = ['--runtime', 'runc'];
const RUN = [
  'run',
  '--rm',
  '--network',
  'host',
  '--ulimit',
  'nofile=1024:4096',
  '--ulimit',
  'nproc=4096:4096',
];
/** As the Kubernetes manifests run it: read-only root, the work in a tmpfs /tmp. */
const LIKE_KUBERNETES = [
  '--read-only',
  '-e',
  'TMPDIR=/tmp',
  '-e',
  'HOME=/tmp',
  '-e',
  'HLS_STUDIO_CONFIG_DIR=/tmp/config',
];

/** `podman --runtime runc …`; a failure carries the command's output in its message. */
async function podman(args: string[], timeout = 120_000) {
  try {
    return await execFileAsync('podman', [...PODMAN, ...args], { timeout, maxBuffer: 32 * 1024 * 1024 });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${(error as Error).message}\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`, {
      cause: error,
    });
  }
}

describe.skipIf(!HAS_PODMAN)(
  `the hls-studio container image${HAS_PODMAN ? '' : ' (skipped: podman is not installed)'}`,
  () => {
    let image = '';
    const s3 = useTestS3();

    beforeAll(async () => {
      const started = Date.now();
      const { stdout } = await execFileAsync('bash', [BUILD_SCRIPT], {
        timeout: BUILD_TIMEOUT,
        maxBuffer: 64 * 1024 * 1024,
      });
      image = stdout.trim().split('\n').at(-1)!;
      console.log(`image ${image} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }, BUILD_TIMEOUT);

    it('the CLI is the entrypoint under tini, `worker` the default command, a non-root user', async () => {
      const { stdout } = await podman([
        'image',
        'inspect',
        '--format',
        '{{json .Config.Entrypoint}} {{json .Config.Cmd}} {{.Config.User}} {{.Size}}',
        image,
      ]);
      const [entrypoint, cmd, user, size] = stdout.trim().split(' ');
      expect(JSON.parse(entrypoint!)).toEqual(['/usr/bin/tini', '--', 'hls-studio']);
      expect(JSON.parse(cmd!)).toEqual(['worker']);
      expect(user).toMatch(/^[1-9]\d*:[1-9]\d*$/);
      console.log(`image size ${(Number(size) / 1e6).toFixed(0)} MB`);
    });

    it('`hls-studio --version` in the container is the package’s version', async () => {
      const { version } = JSON.parse(await readFile(path.join(REPO, 'package.json'), 'utf8')) as {
        version: string;
      };
      const { stdout } = await podman([...RUN, image, '--version']);
      expect(stdout.trim()).toBe(version);
    });

    it('Debian’s ffmpeg and Node ≥ 20 are there; npm, compilers and the dev dependencies are not', async () => {
      const script = [
        'id -u',
        'node -p process.versions.node',
        'command -v ffmpeg',
        'command -v ffprobe',
        'for tool in npm npx gcc cc make tsc; do command -v $tool || true; done',
        'test -d /app/node_modules/typescript && echo typescript-present || true',
        'test -d /app/node_modules/ffmpeg-static && echo ffmpeg-static-present || true',
      ].join('; ');
      const { stdout } = await podman([...RUN, '--entrypoint', 'sh', image, '-c', script]);
      const [uid, node, ...rest] = stdout.trim().split('\n');
      expect(Number(uid)).toBeGreaterThan(0);
      expect(Number(node!.split('.')[0])).toBeGreaterThanOrEqual(20);
      expect(rest).toEqual(['/usr/bin/ffmpeg', '/usr/bin/ffprobe']);
    });

    it('encodes a clip mounted from the host, as the non-root user on a read-only root; the package validates on the host', async () => {
      // The clip cache's folders are private to the host user: the container's user (uid 10001) reads a
      // copy in a folder open to it, and writes the package into one it may write.
      const work = await scratchDir('hls-studio-container-');
      const [inDir, out] = [path.join(work, 'in'), path.join(work, 'out')];
      await mkdir(inDir);
      await mkdir(out);
      await chmod(work, 0o755);
      await chmod(inDir, 0o755);
      await chmod(out, 0o777);
      const input = path.join(inDir, 'container.mp4');
      await copyFile(await clip('container.mp4', { width: 320, height: 180, durationSec: 2 }), input);
      await chmod(input, 0o644);
      const { stdout } = await podman(
        [
          ...RUN,
          ...LIKE_KUBERNETES,
          '-v',
          `${inDir}:/in:ro`,
          '-v',
          `${out}:/out`,
          image,
          'encode',
          '/in/container.mp4',
          '--preset',
          'mobile-light',
          '--out',
          '/out',
          '--no-quality',
          '--json',
        ],
        300_000,
      );
      const events = stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(events.at(-1), stdout.slice(-1000)).toMatchObject({ type: 'summary', packaged: 1, failed: 0 });
      const packageDir = path.join(out, 'container');
      const owner = (await stat(path.join(packageDir, 'master.m3u8'))).uid;
      expect(owner, 'written by the container’s non-root user').toBeGreaterThan(0);

      const validate = await execFileAsync(
        process.execPath,
        ['--import', 'tsx', CLI_MAIN, 'validate', packageDir, '--json'],
        { cwd: REPO, timeout: 120_000 },
      );
      expect((JSON.parse(validate.stdout) as { valid: boolean }).valid).toBe(true);
      await rm(work, { recursive: true, force: true });
    });

    it('bucket in, bucket out, as the Kubernetes Job runs it: encode s3://… --out s3://… with the keys from env', async () => {
      const body = await readFile(
        await clip('container-s3.mp4', { width: 320, height: 180, durationSec: 2 }),
      );
      await s3.client().send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'in/film.mp4', Body: body }));
      const { stdout } = await podman(
        [
          ...RUN,
          ...LIKE_KUBERNETES,
          '-e',
          `S3_ACCESS_KEY_ID=${s3.credentials.accessKeyId}`,
          '-e',
          `S3_SECRET_ACCESS_KEY=${s3.credentials.secretAccessKey}`,
          '-e',
          `AWS_REGION=${s3.region}`,
          image,
          'encode',
          `s3://${s3.bucket}/in/film.mp4`,
          '--out',
          `s3://${s3.bucket}/videos`,
          '--endpoint',
          s3.endpoint,
          '--preset',
          'mobile-light',
          '--no-quality',
        ],
        300_000,
      );
      const playback = `${s3.endpoint}/${s3.bucket}/videos/film/master.m3u8`;
      expect(stdout).toContain(`playback URL: ${playback}`);
      const stored = await listObjects(s3.client(), s3.bucket, 'videos/film/');
      expect(stored.has('videos/film/master.m3u8')).toBe(true);
      const validate = await execFileAsync(
        process.execPath,
        ['--import', 'tsx', CLI_MAIN, 'validate', playback, '--json'],
        { cwd: REPO, timeout: 120_000 },
      );
      expect((JSON.parse(validate.stdout) as { valid: boolean }).valid).toBe(true);
    });

    it('a worker container pulls a job from Redis on the host, publishes it, and stops at once on SIGTERM', async (ctx) => {
      const { stdout: help } = await podman([...RUN, image, '--help']);
      if (!/^\s+worker\b/m.test(help)) ctx.skip('`hls-studio worker` is not in this build of the CLI yet');
      if (!REDIS_SERVER) ctx.skip(NO_REDIS_MESSAGE);
      const redis = await startRedis();
      const connection = redis.connection;
      // The queue and job shape `hls-studio submit` uses (src/node/farm/encode-job.ts).
      const queue = new Queue(DEFAULT_QUEUE_NAME, { connection });
      const events = new QueueEvents(DEFAULT_QUEUE_NAME, { connection });
      const name = `hls-studio-worker-test-${process.pid}`;
      try {
        const body = await readFile(
          await clip('container-worker.mp4', { width: 320, height: 180, durationSec: 2 }),
        );
        await s3.client().send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'in/worker.mp4', Body: body }));
        await events.waitUntilReady();
        await podman([
          ...RUN.filter((a) => a !== '--rm'),
          '-d',
          '--name',
          name,
          ...LIKE_KUBERNETES,
          '-e',
          `S3_ACCESS_KEY_ID=${s3.credentials.accessKeyId}`,
          '-e',
          `S3_SECRET_ACCESS_KEY=${s3.credentials.secretAccessKey}`,
          '-e',
          `HLS_STUDIO_QUEUE=${redis.url}`,
          image, // no command: the image's default is `worker`, and the queue comes from env as in the Deployment
        ]);
        const data: EncodeJobInput = {
          input: `s3://${s3.bucket}/in/worker.mp4`,
          preset: 'mobile-light',
          out: `s3://${s3.bucket}/farm`,
          endpoint: s3.endpoint,
          options: { quality: false },
        };
        const job = await queue.add(ENCODE_JOB, data);
        const result = (await job.waitUntilFinished(events, 240_000)) as EncodeJobResult;
        expect(result.playbackUrl).toBe(`${s3.endpoint}/${s3.bucket}/farm/worker/master.m3u8`);
        const validate = await execFileAsync(
          process.execPath,
          ['--import', 'tsx', CLI_MAIN, 'validate', result.playbackUrl, '--json'],
          { cwd: REPO, timeout: 120_000 },
        );
        expect((JSON.parse(validate.stdout) as { valid: boolean }).valid).toBe(true);

        // tini hands SIGTERM to the CLI; an idle worker closes and exits 0 well before podman's
        // 60 s would run out and it sent SIGKILL (exit 137).
        const stopped = Date.now();
        await podman(['stop', '-t', '60', name]);
        const seconds = (Date.now() - stopped) / 1000;
        const { stdout: exitCode } = await podman(['inspect', '--format', '{{.State.ExitCode}}', name]);
        console.log(`idle worker stopped in ${seconds.toFixed(1)} s, exit code ${exitCode.trim()}`);
        expect(seconds).toBeLessThan(30);
        expect(exitCode.trim()).toBe('0');
      } finally {
        await podman(['rm', '-f', name]).catch(() => {});
        await events.close();
        await queue.close();
        await redis.dispose();
      }
    });
  },
);
