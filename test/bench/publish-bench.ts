/**
 * Publish benchmark, end to end: the `hls-studio publish` command a user runs, beside `rclone copy` and
 * `aws s3 sync`, on the same package and the same server (issue 13).
 *
 *   ours    node bin/hls-studio.js publish <pkg> --target s3://bucket/prefix --endpoint … --path-style
 *           --no-verify (the built CLI in dist/, so `npm run bench:publish` builds first): the whole process,
 *           start-up included. Defaults otherwise: 8 parallel requests, CORS check, Content-MD5 on every PUT.
 *   rclone  `rclone copy --transfers 8 <pkg> bench:bucket/prefix/<name>` (Debian rclone 1.60), configured
 *           through RCLONE_CONFIG_BENCH_* (provider Ceph, the endpoint, the keys, env auth off), its own
 *           defaults otherwise (size + modification-time compare; no --checksum, no extra checks).
 *   aws     `aws s3 sync <pkg> s3://bucket/prefix/<name> --endpoint-url …` (/usr/bin/aws, else the `aws` on PATH).
 *
 * Each rep runs every tool into a fresh prefix (order rotated from rep to rep, so no tool always follows
 * the same one), then the same command again on the unchanged package. Per run: wall seconds, CPU
 * seconds (user + system, GNU time) and peak RSS of the process, and the load average around it; the
 * objects stored are counted and must match the package. The summary gives medians and ours / rclone.
 * Objects are deleted after each rep: radosgw's in-memory store holds 4 GiB (HLS-NOTES).
 *
 * Server: S3_ENDPOINT / S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY (Ceph radosgw, ../shared/tools/rgw),
 * else s3rver (which rclone and aws can also talk to, but it is no measure of anything).
 *
 * Usage: npm run bench:publish [-- --package DIR] [--reps 3] [--ways ours,rclone,aws]
 *        without --package: a synthetic package (--rungs 3 --segments 80 --segment-kb 650).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DeleteObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { runLimited } from '../../src/node/publish/upload-pool.js';
import { makeFakePackage } from '../helpers/publish-fixture.js';
import { listObjects, startS3Server, type TestS3 } from '../helpers/s3-server.js';

// The lockfile pins an SDK that supports Node 20 (s3-client.ts says the same).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const ROOT = path.resolve(fileURLToPath(import.meta.url), '../../..');
const CLI = path.join(ROOT, 'bin/hls-studio.js');
const GNU_TIME = '/usr/bin/time';
const CONFIG_DIR = await mkdtemp(path.join(os.tmpdir(), 'publish-bench-config-'));
const RCLONE = '/usr/bin/rclone';
const AWS = existsSync('/usr/bin/aws') ? '/usr/bin/aws' : onPath('aws');

type Way = 'ours' | 'rclone' | 'aws';
type Pass = 'first' | 'again';

interface Run {
  way: Way;
  pass: Pass;
  rep: number;
  wallSec: number;
  cpuSec: number;
  peakRssMiB: number;
  load: number;
  objects: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      package: { type: 'string' },
      reps: { type: 'string', default: '3' },
      ways: { type: 'string', default: 'ours,rclone,aws' },
      rungs: { type: 'string', default: '3' },
      segments: { type: 'string', default: '80' },
      'segment-kb': { type: 'string', default: '650' },
    },
  });
  const ways = values.ways.split(',').filter((w): w is Way => ['ours', 'rclone', 'aws'].includes(w));
  for (const way of ways) if (!toolPath(way)) throw new Error(`${way} is not installed`);
  if (!existsSync(GNU_TIME)) throw new Error(`${GNU_TIME} (GNU time) is needed for CPU and peak RSS`);
  if (!existsSync(path.join(ROOT, 'dist/cli/main.js'))) throw new Error('run `npm run build` first');

  const s3 = await startS3Server();
  const fixture = values.package
    ? undefined
    : await makeFakePackage({
        name: 'bench',
        rungs: Number(values.rungs),
        segments: Number(values.segments),
        segmentBytes: Number(values['segment-kb']) * 1000,
      });
  const packageDir = path.resolve(values.package ?? fixture!.packageDir);
  try {
    const { files, bytes } = await folderSize(packageDir);
    console.log(
      `server: ${s3.kind === 's3rver' ? 's3rver (npm) — not a real measure' : s3.endpoint} · package ` +
        `${path.basename(packageDir)}: ${files} files, ${mib(bytes).toFixed(1)} MiB · ${reps(values.reps)} reps · ` +
        `${ways.join(', ')} · ${describeTools(ways)}`,
    );
    const runs: Run[] = [];
    for (let rep = 0; rep < reps(values.reps); rep++) {
      const order = ways.map((_, i) => ways[(i + rep) % ways.length]!);
      for (const way of order) {
        const prefix = `r${rep}-${way}-${Date.now().toString(36)}`;
        for (const pass of ['first', 'again'] as const) {
          const run = await measure(way, pass, rep, { s3, packageDir, prefix });
          runs.push(run);
          if (run.objects !== files)
            throw new Error(`${way} stored ${run.objects} objects of ${files} under ${prefix}/`);
          console.log(
            `rep ${rep + 1} ${way.padEnd(6)} ${pass.padEnd(5)} ${run.wallSec.toFixed(2).padStart(7)} s wall ` +
              `${run.cpuSec.toFixed(2).padStart(6)} s CPU ${run.peakRssMiB.toFixed(0).padStart(4)} MiB RSS ` +
              `load ${run.load.toFixed(1)}`,
          );
        }
        if (rep === 0) await contentType(s3, way, prefix, packageDir);
        await deletePrefix(s3, `${prefix}/`);
      }
    }
    summarize(runs, ways);
  } finally {
    if (fixture) await rm(fixture.root, { recursive: true, force: true });
    await rm(CONFIG_DIR, { recursive: true, force: true });
    await s3.stop();
  }
}

/** One tool run under GNU time; the stored objects are counted afterwards. */
async function measure(
  way: Way,
  pass: Pass,
  rep: number,
  ctx: { s3: TestS3; packageDir: string; prefix: string },
): Promise<Run> {
  const { s3, packageDir, prefix } = ctx;
  const name = path.basename(packageDir);
  const command =
    way === 'ours'
      ? [
          // The launcher itself, as `npx hls-studio` runs it: its shebang carries the V8 flags.
          CLI,
          'publish',
          packageDir,
          '--target',
          `s3://${s3.bucket}/${prefix}`,
          '--endpoint',
          s3.endpoint,
          '--path-style',
          '--no-verify',
        ]
      : way === 'rclone'
        ? [RCLONE, 'copy', '--transfers', '8', packageDir, `bench:${s3.bucket}/${prefix}/${name}`]
        : [
            AWS!,
            's3',
            'sync',
            packageDir,
            `s3://${s3.bucket}/${prefix}/${name}`,
            '--endpoint-url',
            s3.endpoint,
            '--only-show-errors',
          ];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // Our publish records (and nothing else of the person running it) go to a folder of the bench's own.
    HLS_STUDIO_CONFIG_DIR: CONFIG_DIR,
    S3_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    AWS_DEFAULT_REGION: s3.region,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_PAGER: '',
    RCLONE_CONFIG: '/dev/null',
    RCLONE_CONFIG_BENCH_TYPE: 's3',
    RCLONE_CONFIG_BENCH_PROVIDER: 'Ceph',
    RCLONE_CONFIG_BENCH_ENDPOINT: s3.endpoint,
    RCLONE_CONFIG_BENCH_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    RCLONE_CONFIG_BENCH_REGION: s3.region,
    RCLONE_CONFIG_BENCH_ENV_AUTH: 'false',
  };
  // rclone 1.60 fails at once when AWS_CA_BUNDLE is set (HLS-NOTES).
  delete env.AWS_CA_BUNDLE;
  const loadBefore = loadAverage();
  const started = performance.now();
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(GNU_TIME, ['-f', '@@time %U %S %M', ...command], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let text = '';
    child.stderr.on('data', (d: Buffer) => (text += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(text)
        : reject(new Error(`${way} ${pass} failed (${code}):\n${text.slice(-3000)}`)),
    );
  });
  const wallSec = (performance.now() - started) / 1000;
  const [, user, sys, kib] = /@@time ([\d.]+) ([\d.]+) (\d+)/.exec(output) ?? [];
  const stored = await listObjects(s3.client(), s3.bucket, `${prefix}/`);
  return {
    way,
    pass,
    rep,
    wallSec,
    cpuSec: Number(user) + Number(sys),
    peakRssMiB: Number(kib) / 1024,
    load: (loadBefore + loadAverage()) / 2,
    objects: stored.size,
  };
}

function summarize(runs: Run[], ways: Way[]): void {
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  const stat = (way: Way, pass: Pass) => {
    const rs = runs.filter((r) => r.way === way && r.pass === pass);
    return rs.length
      ? {
          wall: median(rs.map((r) => r.wallSec)),
          cpu: median(rs.map((r) => r.cpuSec)),
          rss: Math.max(...rs.map((r) => r.peakRssMiB)),
          n: rs.length,
        }
      : undefined;
  };
  console.log(
    `\nmedians (peak RSS: the highest of the reps); load average during the runs ${loadRange(runs)}`,
  );
  console.log('| tool | pass | wall s | CPU s | peak RSS MiB | wall / rclone | CPU / rclone | runs |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const pass of ['first', 'again'] as const) {
    const base = stat('rclone', pass);
    for (const way of ways) {
      const s = stat(way, pass);
      if (!s) continue;
      const ratio = (a: number, b: number | undefined) => (b ? `${(a / b).toFixed(2)}x` : '-');
      console.log(
        `| ${way} | ${pass === 'first' ? 'first publish' : 'unchanged re-publish'} | ${s.wall.toFixed(2)} | ` +
          `${s.cpu.toFixed(2)} | ${s.rss.toFixed(0)} | ${ratio(s.wall, base?.wall)} | ${ratio(s.cpu, base?.cpu)} | ${s.n} |`,
      );
    }
  }
  const first = stat('ours', 'first');
  const again = stat('ours', 'again');
  const rcFirst = stat('rclone', 'first');
  const rcAgain = stat('rclone', 'again');
  if (first && again && rcFirst && rcAgain) {
    const check = (ok: boolean) => (ok ? 'met' : 'NOT met');
    const rss = Math.max(first.rss, again.rss);
    console.log('\nissue 13 targets (ours against rclone):');
    console.log(
      `  first publish wall ≤ 1.0x: ${(first.wall / rcFirst.wall).toFixed(2)}x ${check(first.wall <= rcFirst.wall)}`,
    );
    console.log(
      `  first publish CPU ≤ 1.5x: ${(first.cpu / rcFirst.cpu).toFixed(2)}x ${check(first.cpu <= 1.5 * rcFirst.cpu)}`,
    );
    console.log(
      `  re-publish wall ≤ 1.0x: ${(again.wall / rcAgain.wall).toFixed(2)}x ${check(again.wall <= rcAgain.wall)}`,
    );
    console.log(`  peak RSS ≤ 100 MB: ${rss.toFixed(0)} MiB ${check(rss * 1.048576 <= 100)}`);
  }
}

/** What each tool stored as the Content-Type of a .ts segment (aws guesses from the extension). */
async function contentType(s3: TestS3, way: Way, prefix: string, packageDir: string): Promise<void> {
  const stored = await listObjects(s3.client(), s3.bucket, `${prefix}/`);
  const key = [...stored.keys()].find((k) => k.endsWith('.ts'));
  if (!key) return;
  const head = await s3.client().send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key }));
  console.log(
    `  ${way}: ${path.relative(`${prefix}/${path.basename(packageDir)}`, key)} stored as ${head.ContentType}, ` +
      `Cache-Control ${head.CacheControl ?? '(none)'}`,
  );
}

async function deletePrefix(s3: TestS3, prefix: string): Promise<void> {
  const client = s3.client();
  const keys = [...(await listObjects(client, s3.bucket, prefix)).keys()];
  await runLimited(keys, 16, (Key) => client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key })));
}

function describeTools(ways: Way[]): string {
  const version = (way: Way) => {
    const out = spawnSync(toolPath(way)!, ['--version'], {
      encoding: 'utf8',
    });
    return `${out.stdout}${out.stderr}`.split('\n')[0]!.trim();
  };
  return ways
    .map((w) => `${w}: ${version(w)}${w === 'ours' ? ` on node ${process.version}` : ''}`)
    .join('; ');
}

function toolPath(way: Way): string | undefined {
  if (way === 'ours') return CLI;
  if (way === 'rclone') return existsSync(RCLONE) ? RCLONE : undefined;
  return AWS;
}

function onPath(bin: string): string | undefined {
  const out = spawnSync('which', [bin], { encoding: 'utf8' });
  return out.status === 0 ? out.stdout.trim() : undefined;
}

function loadAverage(): number {
  return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
}

function loadRange(runs: Run[]): string {
  const loads = runs.map((r) => r.load);
  return `${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} (2 cores)`;
}

const reps = (value: string) => Math.max(1, Number(value));

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
