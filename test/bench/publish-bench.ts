/**
 * Publish benchmark: our uploader against `aws s3 sync` and a plain sequential upload.
 *
 * Makes a package of several hundred files and more than 150 MB (random bytes in the real layout, see
 * test/helpers/publish-fixture.ts) and uploads it to a local S3 server — s3rver by default, or the
 * server in S3_ENDPOINT / S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY (e.g. Ceph radosgw) — each way into a
 * fresh prefix, each in its own process:
 *   ours          publishPackage, 8 parallel requests, Content-MD5 on every PUT, then the remote check
 *                 (HEAD every object, hash back playlists and a sample) — what `hls-studio publish` does;
 *   ours-noverify the same without the remote check (upload work only, like the others);
 *   aws           Debian's `/usr/bin/aws s3 sync` (awscli 2.9, 10 parallel requests by default);
 *   sequential    one PutObject after another, streamed from disk (what a naive loop does).
 * Then each tool runs again on the unchanged package (ours: HEAD/list and skip; aws: size+mtime compare).
 *
 * Per run: wall seconds, peak RSS of the process (GNU time -f %M, or Node's own maxRSS), MB/s, objects
 * stored. The summary gives ratios against ours-noverify: above 1 means slower than ours.
 *
 * Usage: npm run bench:publish [-- --segments 80 --segment-kb 650 --reps 1]
 */
import { spawn } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { headersFor, headerPolicy } from '../../src/common/publish/object-headers.js';
import { publishPackage } from '../../src/node/publish/publish-package.js';
import { makeFakePackage } from '../helpers/publish-fixture.js';
import { listObjects, startS3Server, type TestS3 } from '../helpers/s3-server.js';

const SELF = fileURLToPath(import.meta.url);
const AWS = '/usr/bin/aws';
const GNU_TIME = '/usr/bin/time';

type Way = 'ours' | 'ours-noverify' | 'aws' | 'sequential';

interface ChildArgs {
  way: Way;
  packageDir: string;
  endpoint: string;
  bucket: string;
  prefix: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

interface Measured {
  wallSec: number;
  peakRssMiB: number | undefined;
  /** user + system CPU of the process (GNU time). */
  cpuSec: number | undefined;
  /** Time inside the upload itself, without process and TypeScript start-up (our children only). */
  engineSec: number | undefined;
}

interface Run extends Measured {
  way: Way;
  pass: 'first' | 'again';
  objects: number;
  bytes: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      child: { type: 'string' },
      rungs: { type: 'string', default: '3' },
      segments: { type: 'string', default: '80' },
      'segment-kb': { type: 'string', default: '650' },
    },
  });
  if (values.child) return runChild(JSON.parse(values.child) as ChildArgs);

  const s3 = await startS3Server();
  const pkg = await makeFakePackage({
    name: 'bench',
    rungs: Number(values.rungs),
    segments: Number(values.segments),
    segmentBytes: Number(values['segment-kb']) * 1000,
  });
  try {
    const { files, bytes } = await folderSize(pkg.packageDir);
    console.log(
      `server: ${s3.kind === 's3rver' ? 's3rver (npm)' : s3.endpoint} · package: ${files} files, ${mib(bytes).toFixed(1)} MiB`,
    );
    const hasAws = existsSync(AWS);
    if (!hasAws) console.log(`(${AWS} not found: apt-get install -y awscli to include it)`);
    const ways: Way[] = ['ours', 'ours-noverify', ...(hasAws ? (['aws'] as const) : []), 'sequential'];
    const runs: Run[] = [];
    for (const way of ways) {
      const args: ChildArgs = {
        way,
        packageDir: pkg.packageDir,
        endpoint: s3.endpoint,
        bucket: s3.bucket,
        prefix: way,
        credentials: s3.credentials,
      };
      for (const pass of ['first', 'again'] as const) {
        if (pass === 'again' && way === 'sequential') continue;
        const measured = await measure(args);
        const stored = await listObjects(s3.client(), s3.bucket, `${way}/`);
        const { wallSec } = measured;
        const run = {
          way,
          pass,
          ...measured,
          objects: stored.size,
          bytes: [...stored.values()].reduce((a, b) => a + b, 0),
        };
        runs.push(run);
        console.log(
          `${way.padEnd(14)} ${pass.padEnd(6)} ${wallSec.toFixed(2).padStart(7)} s  ` +
            `(in engine ${measured.engineSec?.toFixed(2) ?? '  -  '} s, CPU ${measured.cpuSec?.toFixed(2) ?? '?'} s)  ` +
            `${(measured.peakRssMiB?.toFixed(0) ?? '?').padStart(5)} MiB RSS  ` +
            `${pass === 'first' ? `${(mib(bytes) / wallSec).toFixed(1).padStart(6)} MiB/s` : '   (unchanged)'}  ${run.objects} objects`,
        );
      }
    }
    await contentTypes(s3);
    summarize(runs);
  } finally {
    await rm(pkg.root, { recursive: true, force: true });
    await s3.stop();
  }
}

/** Runs one way in a child process: wall time here, peak RSS from GNU time (or the child's own report). */
async function measure(args: ChildArgs): Promise<Measured> {
  const command =
    args.way === 'aws'
      ? [
          AWS,
          's3',
          'sync',
          args.packageDir,
          `s3://${args.bucket}/${args.prefix}/bench`,
          '--endpoint-url',
          args.endpoint,
          '--only-show-errors',
        ]
      : [process.execPath, '--import', 'tsx', SELF, '--child', JSON.stringify(args)];
  const timed = existsSync(GNU_TIME);
  const argv = timed ? [GNU_TIME, '-f', '@@rss %M cpu %U+%S', ...command] : command;
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: args.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: args.credentials.secretAccessKey,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_PAGER: '',
  };
  const started = performance.now();
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.stderr.on('data', (d: Buffer) => (text += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(text) : reject(new Error(`${args.way} failed (${code}):\n${text}`)),
    );
  });
  const wallSec = (performance.now() - started) / 1000;
  const kib = /@@rss (\d+)/.exec(output)?.[1] ?? /@@maxrss (\d+)/.exec(output)?.[1];
  const cpu = /cpu ([\d.]+)\+([\d.]+)/.exec(output);
  const engine = /@@engine ([\d.]+)/.exec(output)?.[1];
  return {
    wallSec,
    peakRssMiB: kib === undefined ? undefined : Number(kib) / 1024,
    cpuSec: cpu ? Number(cpu[1]) + Number(cpu[2]) : undefined,
    engineSec: engine === undefined ? undefined : Number(engine),
  };
}

async function runChild(args: ChildArgs): Promise<void> {
  const started = performance.now();
  if (args.way === 'sequential') await sequentialUpload(args);
  else
    await publishPackage(
      {
        packageDir: args.packageDir,
        target: {
          store: 's3-compatible',
          bucket: args.bucket,
          prefix: args.prefix,
          endpoint: args.endpoint,
          acl: 'public-read',
        },
        options: { verify: args.way === 'ours', validate: false, cors: 'skip' },
      },
      { credentials: args.credentials },
    );
  process.stdout.write(`@@engine ${((performance.now() - started) / 1000).toFixed(2)}\n`);
  process.stdout.write(`@@maxrss ${process.resourceUsage().maxRSS}\n`);
}

/** The naive loop: one PutObject after another, streamed, with the right headers (to be fair). */
async function sequentialUpload(args: ChildArgs): Promise<void> {
  const client = new S3Client({
    endpoint: args.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: args.credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const policy = headerPolicy();
  const entries = await readdir(args.packageDir, { withFileTypes: true, recursive: true });
  for (const e of entries.filter((x) => x.isFile())) {
    const file = path.join(e.parentPath, e.name);
    const rel = path.relative(args.packageDir, file).split(path.sep).join('/');
    const h = headersFor(rel, policy);
    await client.send(
      new PutObjectCommand({
        Bucket: args.bucket,
        Key: `${args.prefix}/bench/${rel}`,
        Body: createReadStream(file),
        ContentLength: (await stat(file)).size,
        ContentType: h.contentType,
        CacheControl: h.cacheControl,
      }),
    );
  }
  client.destroy();
}

/** What each tool stored as the Content-Type of a .ts segment (HLS-NOTES: extension guessing goes wrong). */
async function contentTypes(s3: TestS3): Promise<void> {
  const client = s3.client();
  for (const way of ['ours', 'aws', 'sequential']) {
    const key = `${way}/bench/v0-180p/seg_00000.ts`;
    const head = await client
      .send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key }))
      .catch(() => undefined);
    if (head)
      console.log(
        `  ${way.padEnd(10)} .ts stored as ${head.ContentType}, Cache-Control ${head.CacheControl ?? '(none)'}`,
      );
  }
}

function summarize(runs: Run[]): void {
  const first = (way: Way) => runs.find((r) => r.way === way && r.pass === 'first');
  const again = (way: Way) => runs.find((r) => r.way === way && r.pass === 'again');
  const base = first('ours-noverify')!;
  console.log('\nratios against ours-noverify (wall time; > 1 = slower than ours):');
  for (const way of ['ours', 'aws', 'sequential'] as const) {
    const r = first(way);
    if (r)
      console.log(
        `  ${way.padEnd(12)} ${(r.wallSec / base.wallSec).toFixed(2)}x wall, ${r.peakRssMiB?.toFixed(0) ?? '?'} MiB peak RSS`,
      );
  }
  const oursAgain = again('ours-noverify');
  const awsAgain = again('aws');
  if (oursAgain && awsAgain)
    console.log(
      `  unchanged re-run: ours ${oursAgain.wallSec.toFixed(2)} s, aws sync ${awsAgain.wallSec.toFixed(2)} s ` +
        `(${(awsAgain.wallSec / oursAgain.wallSec).toFixed(2)}x)`,
    );
}

async function folderSize(dir: string): Promise<{ files: number; bytes: number }> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  let bytes = 0;
  let files = 0;
  for (const e of entries.filter((x) => x.isFile())) {
    files++;
    bytes += (await stat(path.join(e.parentPath, e.name))).size;
  }
  return { files, bytes };
}

const mib = (bytes: number) => bytes / 1024 / 1024;
await main();
