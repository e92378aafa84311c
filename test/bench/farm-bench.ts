/**
 * Farm benchmark (issue 16 §4), end to end with the built CLI (bin/hls-studio.js):
 *
 *   batch  K generated clips in an S3 bucket (s3rver, or radosgw through S3_ENDPOINT…), a real
 *          redis-server, W `hls-studio worker` processes for each W of --workers; every job sent with
 *          `submit --json`, followed with `jobs list --json`: jobs per hour, CPU per job, peak RSS per
 *          worker, one published package validated, then SIGTERM (farm-batch.ts).
 *   film   one generated film, in one pass and in C chunks for each C of --chunks (order reversed on
 *          odd reps). --film-mode farm (the default): sent to --film-workers `hls-studio worker`
 *          processes with `submit [--chunks C]` (a BullMQ flow of part jobs and a stitch job;
 *          farm-flow-film.ts): wall, CPU, each part's time, the stitch job's, a projection on C
 *          machines and, with --quality, the PSNR at the chunk joins against the same segments of the
 *          one-pass package. --film-mode local: `hls-studio encode [--chunks C]` on this machine
 *          (farm-film.ts).
 *
 * Results: test-artifacts/bench/farm-<date>.json. Run it under `nice -n 10` on a shared machine.
 *
 * Usage: npm run bench:farm [-- --jobs 8 --clip-sec 10 --workers 1,2 --film-sec 120 --chunks 1,2,4
 *        --reps 1 --preset web-compact --size 640x360 --film-mode farm|local --film-workers 2
 *        --quality --skip-batch --skip-film]
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startRedis } from '../helpers/redis-server.js';
import { startS3Server } from '../helpers/s3-server.js';
import { ensureSource, type SourceSpec } from './bench-source.js';
import { runBatch, uploadClips, type BatchRun } from './farm-batch.js';
import { encodeFilm, summarizeFilm, type FilmRun } from './farm-film.js';
import { joinQuality, runFarmFilm, type FarmFilmRun } from './farm-flow-film.js';
import { stopActiveTrees } from './measured-process.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const ROOT = path.resolve(fileURLToPath(import.meta.url), '../../..');
const CLI = path.join(ROOT, 'bin/hls-studio.js');
const SOURCES = path.join(ROOT, 'test-artifacts/bench-sources');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      jobs: { type: 'string', default: '8' },
      'clip-sec': { type: 'string', default: '10' },
      workers: { type: 'string', default: '1,2' },
      'film-sec': { type: 'string', default: '120' },
      chunks: { type: 'string', default: '1,2,4' },
      reps: { type: 'string', default: '1' },
      preset: { type: 'string', default: 'web-compact' },
      size: { type: 'string', default: '640x360' },
      'film-mode': { type: 'string', default: 'farm' },
      'film-workers': { type: 'string', default: '2' },
      quality: { type: 'boolean', default: false },
      'skip-batch': { type: 'boolean', default: false },
      'skip-film': { type: 'boolean', default: false },
    },
  });
  if (!existsSync(path.join(ROOT, 'dist/cli/main.js'))) throw new Error('run `npm run build` first');
  const [width, height] = values.size.split('x').map(Number) as [number, number];
  const spec = (durationSec: number): SourceSpec => ({
    width,
    height,
    frameRate: 24,
    durationSec,
    videoKbps: 1500,
    grain: 12,
    x264Preset: 'veryfast',
  });
  const startedAt = new Date();
  const report: Record<string, unknown> = {
    startedAt: startedAt.toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, loadavg: os.loadavg() },
    options: values,
  };
  console.log(
    `farm bench · ${os.cpus().length} cores · load ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );

  if (!values['skip-batch']) report.batch = await batch(values, spec);
  if (!values['skip-film'])
    report.film = values['film-mode'] === 'local' ? await film(values, spec) : await farmFilm(values, spec);

  report.finishedAt = new Date().toISOString();
  report.loadavgAtEnd = os.loadavg();
  const file = path.join(ROOT, `test-artifacts/bench/farm-${startedAt.toISOString().slice(0, 10)}.json`);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(report, null, 2) + '\n');
  console.log(`\nresults: ${path.relative(process.cwd(), file)}`);
}

async function batch(
  values: { jobs: string; 'clip-sec': string; workers: string; preset: string },
  spec: (sec: number) => SourceSpec,
): Promise<{ clip: string; server: string; runs: BatchRun[]; ratio?: number }> {
  const clip = await ensureSource(SOURCES, spec(Number(values['clip-sec'])), 'ffmpeg');
  const { s3, redis, configDir, env } = await farmServers();
  try {
    const keys = await uploadClips(s3, await readFile(clip.file), Number(values.jobs));
    const server = s3.kind === 's3rver' ? 's3rver (npm)' : s3.endpoint;
    console.log(`\nbatch: ${keys.length} × ${path.basename(clip.file)} · ${server} · redis ${redis.url}`);
    const runs: BatchRun[] = [];
    for (const w of values.workers.split(',').map(Number)) {
      const run = await runBatch(
        { cli: CLI, env, s3, queueUrl: redis.url, preset: values.preset, configDir },
        keys,
        w,
      );
      runs.push(run);
      console.log(
        `  W=${w}: ${run.wallSec.toFixed(1)} s wall (queue ${run.queueSec.toFixed(1)} s) · ` +
          `${run.jobsPerHour.toFixed(0)} jobs/h · ${run.cpuSecPerJob.toFixed(1)} s CPU/job · ` +
          `peak RSS ${run.maxWorkerRssMiB.toFixed(0)} MiB · load ${run.loadBefore.toFixed(1)}→${run.loadAfter.toFixed(1)} · ` +
          `validated ${run.validated?.valid ? 'yes' : 'NO'}`,
      );
    }
    printTable(
      ['workers', 'wall s', 'jobs/h', 'CPU s/job', 'peak RSS MiB', 'load', 'valid'],
      runs.map((r) => [
        String(r.workers),
        r.wallSec.toFixed(1),
        r.jobsPerHour.toFixed(0),
        r.cpuSecPerJob.toFixed(1),
        r.maxWorkerRssMiB.toFixed(0),
        r.loadBefore.toFixed(1),
        r.validated?.valid ? 'yes' : 'no',
      ]),
    );
    const one = runs.find((r) => r.workers === 1);
    const two = runs.find((r) => r.workers === 2);
    const ratio = one && two ? two.jobsPerHour / one.jobsPerHour : undefined;
    if (ratio) console.log(`  throughput W=2 / W=1: ${ratio.toFixed(2)}x (${os.cpus().length} cores)`);
    return { clip: clip.file, server, runs, ratio };
  } finally {
    await redis.dispose();
    await s3.stop();
    await rm(configDir, { recursive: true, force: true });
  }
}

async function film(
  values: { 'film-sec': string; chunks: string; reps: string; preset: string },
  spec: (sec: number) => SourceSpec,
): Promise<{ source: string; runs: FilmRun[]; summary: ReturnType<typeof summarizeFilm> }> {
  const source = await ensureSource(SOURCES, spec(Number(values['film-sec'])), 'ffmpeg');
  const chunks = values.chunks.split(',').map(Number);
  console.log(`\nfilm: ${path.basename(source.file)} · chunks ${chunks.join(', ')} · ${values.reps} rep(s)`);
  const runs: FilmRun[] = [];
  for (let rep = 0; rep < Number(values.reps); rep++) {
    for (const c of rep % 2 ? [...chunks].reverse() : chunks) {
      const run = await encodeFilm(CLI, source.file, values.preset, c, rep);
      runs.push(run);
      const p = run.parts;
      console.log(
        `  rep ${rep + 1} C=${c}: ${run.wallSec.toFixed(1)} s wall · ${run.cpuSec.toFixed(1)} s CPU · ` +
          `${run.peakTreeRssMiB.toFixed(0)} MiB · load ${run.load.toFixed(1)}` +
          (p
            ? ` · film track ${p.filmTrackSec} s, chunks ${p.chunkSec.join('/')} s (${p.concurrency} at a time), stitch ${p.stitchSec} s`
            : ''),
      );
    }
  }
  const summary = summarizeFilm(runs);
  const n = (x: number | undefined, digits = 1) => (x === undefined ? '–' : x.toFixed(digits));
  printTable(
    [
      'chunks',
      'wall s',
      'CPU s',
      'extra CPU %',
      'stitch s',
      'stitch % wall',
      'longest part s',
      'proj. speed-up',
    ],
    summary.map((s) => [
      String(s.chunks),
      n(s.wallSec),
      n(s.cpuSec),
      n(s.extraCpuPct, 0),
      n(s.stitchSec),
      n(s.stitchPctOfWall),
      n(s.longestPartSec),
      s.projectedSpeedup === undefined ? '–' : `${s.projectedSpeedup.toFixed(2)}x`,
    ]),
  );
  console.log(
    '  proj. speed-up = one-pass wall / (longest part + stitch), one part per machine; leaves out probe,\n' +
      '  transfers and the finishing steps, and the parts were timed while sharing these cores.',
  );
  return { source: source.file, runs, summary };
}

async function farmFilm(
  values: {
    'film-sec': string;
    chunks: string;
    reps: string;
    preset: string;
    'film-workers': string;
    quality: boolean;
  },
  spec: (sec: number) => SourceSpec,
): Promise<{ source: string; runs: FarmFilmRun[] }> {
  const source = await ensureSource(SOURCES, spec(Number(values['film-sec'])), 'ffmpeg');
  const chunks = values.chunks.split(',').map(Number);
  const workers = Number(values['film-workers']);
  const { s3, redis, configDir, env } = await farmServers();
  const ctx = { cli: CLI, env, s3, queueUrl: redis.url, preset: values.preset, configDir };
  const runs: FarmFilmRun[] = [];
  try {
    const [key] = await uploadClips(s3, await readFile(source.file), 1);
    console.log(
      `
film on the farm: ${path.basename(source.file)} · ${workers} worker processes · chunks ${chunks.join(', ')} · ` +
        `${values.reps} rep(s)${values.quality ? ' · with the quality pass' : ''}`,
    );
    for (let rep = 0; rep < Number(values.reps); rep++) {
      for (const c of rep % 2 ? [...chunks].reverse() : chunks) {
        const run = await runFarmFilm(ctx, key!, c, workers, { rep, quality: values.quality });
        runs.push(run);
        const longest = Math.max(0, ...run.parts.map((p) => p.elapsedSec));
        console.log(
          `  rep ${rep + 1} C=${c}: ${run.wallSec.toFixed(1)} s wall · ${run.cpuSec.toFixed(1)} s CPU · ` +
            `peak ${run.maxWorkerRssMiB.toFixed(0)} MiB · load ${run.load.toFixed(1)} · ` +
            (c > 1
              ? `parts ${run.parts.map((p) => `${p.part} ${p.elapsedSec.toFixed(0)}`).join(', ')} s (longest ${longest.toFixed(0)}), stitch job ${run.finalJobSec.toFixed(1)} s`
              : `encode job ${run.finalJobSec.toFixed(1)} s`),
        );
      }
    }
  } finally {
    await redis.dispose();
    await s3.stop();
    await rm(configDir, { recursive: true, force: true });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
  const onePass = runs.filter((r) => r.chunks === 1);
  const baseWall = onePass.length ? median(onePass.map((r) => r.wallSec)) : undefined;
  const baseCpu = onePass.length ? median(onePass.map((r) => r.cpuSec)) : undefined;
  const n = (x: number | undefined, digits = 1) => (x === undefined ? '–' : x.toFixed(digits));
  printTable(
    [
      'chunks',
      'wall s',
      'wall / C=1',
      'CPU s',
      'extra CPU %',
      'longest part s',
      'stitch job s',
      'proj. speed-up',
      'join PSNR Δ dB',
    ],
    chunks.map((c) => {
      const these = runs.filter((r) => r.chunks === c);
      const wall = median(these.map((r) => r.wallSec));
      const cpu = median(these.map((r) => r.cpuSec));
      const longest =
        c > 1 ? median(these.map((r) => Math.max(...r.parts.map((p) => p.elapsedSec)))) : undefined;
      const finalJob = median(these.map((r) => r.finalJobSec));
      const joins = c > 1 && onePass[0] ? joinQuality(these[0]!, onePass[0]) : undefined;
      return [
        String(c),
        n(wall),
        baseWall ? `${(wall / baseWall).toFixed(2)}x` : '–',
        n(cpu),
        baseCpu && c > 1 ? n((cpu / baseCpu - 1) * 100, 0) : '–',
        n(longest),
        n(finalJob),
        baseWall && longest !== undefined ? `${(baseWall / (longest + finalJob)).toFixed(2)}x` : '–',
        joins ? `${joins.deltaDb >= 0 ? '+' : ''}${joins.deltaDb.toFixed(2)} (${joins.joins} joins)` : '–',
      ];
    }),
  );
  console.log(
    '  proj. speed-up = one-pass wall / (longest part + stitch job), one part per machine; the parts were\n' +
      '  timed while sharing these cores, so each is slower than it would be on a machine of its own.',
  );
  return { source: source.file, runs };
}

/** A real redis-server, an S3 server, and the workers' environment (their own config folder, the keys). */
async function farmServers() {
  const s3 = await startS3Server();
  const redis = await startRedis();
  const configDir = await mkdtemp(path.join(os.tmpdir(), 'farm-bench-config-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HLS_STUDIO_CONFIG_DIR: configDir,
    S3_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
  };
  return { s3, redis, configDir, env };
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => '  ' + cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}

process.once('SIGINT', () => {
  stopActiveTrees();
  process.exit(130);
});

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
