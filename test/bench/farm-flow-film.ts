/**
 * The long film on the farm itself (`--film-mode farm`): W `hls-studio worker` processes on a real
 * redis-server and an S3 server, the film sent once with `hls-studio submit` (C = 1: one encode job) and
 * once per C of --chunks with `submit --chunks C` (a BullMQ flow: C chunk jobs and a film-long part on
 * whichever worker is free, then a stitch job). Followed with `hls-studio jobs list --json`.
 *
 * Per run: wall from submit to the film's completed row, the workers' CPU (GNU time), each part's own
 * time (its result), the stitch job's time (fetch the parts, package, measure, validate, publish), and,
 * with --quality, the PSNR of the top rung at the chunk joins next to the same segments of the one-pass
 * package: what a join costs in picture, if anything.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type { JobRow } from '../../src/node/farm/farm-queue.js';
import { planChunkWindows } from '../../src/common/plan/chunk-plan.js';
import { saveTarget } from '../../src/node/publish/target-store.js';
import { objectBytes, s3Target } from '../helpers/s3-server.js';
import type { BatchContext } from './farm-batch.js';
import { runCli, startWorker, type WorkerUsage } from './farm-workers.js';

const POLL_MS = 2000;

export interface FarmFilmRun {
  chunks: number;
  workers: number;
  rep: number;
  wallSec: number;
  cpuSec: number;
  maxWorkerRssMiB: number;
  /** The stitch job's (or the one encode job's) own time. */
  finalJobSec: number;
  parts: { part: string; elapsedSec: number; encodeSec: number }[];
  load: number;
  playbackUrl: string;
  /** Per-segment PSNR of the top rung (with --quality). */
  topRungPsnr?: number[];
  segmentDurationSec?: number;
  durationSec?: number;
}

export async function runFarmFilm(
  ctx: BatchContext,
  key: string,
  chunks: number,
  workers: number,
  options: { rep: number; quality: boolean },
): Promise<FarmFilmRun> {
  const { cli, env, s3, queueUrl } = ctx;
  const queueName = `farm-bench-film-c${chunks}-${Date.now().toString(36)}`;
  const queueArgs = ['--queue', queueUrl, '--queue-name', queueName];
  const target = `bench-film-c${chunks}-r${options.rep}`;
  const prefix = `film-c${chunks}-r${options.rep}`;
  await saveTarget(target, s3Target(s3, prefix), ctx.configDir);
  const started = await Promise.all(
    Array.from({ length: workers }, () => startWorker(cli, [...queueArgs, '--concurrency', '1'], env)),
  );
  let usage: WorkerUsage[] = [];
  try {
    const load = os.loadavg()[0]!;
    const t0 = performance.now();
    const submitted = JSON.parse(
      await runCli(
        cli,
        [
          'submit',
          `s3://${s3.bucket}/${key}`,
          ...queueArgs,
          '--target',
          target,
          '--preset',
          ctx.preset,
          '--attempts',
          '1',
          '--json',
          ...(options.quality ? ['--quality'] : []),
          ...(chunks > 1 ? ['--chunks', String(chunks)] : []),
        ],
        env,
      ),
    ) as { id: string };
    let rows: JobRow[] = [];
    let film: JobRow | undefined;
    let shown = '';
    for (;;) {
      rows = JSON.parse(await runCli(cli, ['jobs', 'list', ...queueArgs, '--json'], env)) as JobRow[];
      film = rows.find((r) => r.id === submitted.id);
      const line = film?.progress ? `${Math.round(film.progress.ratio * 100)}% ${film.state}` : '';
      if (line && line !== shown) process.stdout.write(`    ${line}\n`);
      shown = line;
      if (film?.state === 'failed') throw new Error(`film ${film.id} failed: ${film.failedReason}`);
      if (film?.state === 'completed') break;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    const wallSec = (performance.now() - t0) / 1000;
    usage = await Promise.all(started.map((w) => w.stop()));
    const parts = rows
      .filter((r) => r.partResult && r.id.startsWith(`${submitted.id}-`))
      .map((r) => ({
        part: r.partResult!.part,
        elapsedSec: r.partResult!.elapsedSec,
        encodeSec: r.partResult!.encodeSec,
      }));
    const run: FarmFilmRun = {
      chunks,
      workers,
      rep: options.rep,
      wallSec,
      cpuSec: usage.reduce((t, u) => t + u.cpuSec, 0),
      maxWorkerRssMiB: Math.max(...usage.map((u) => u.maxProcessRssBytes)) / 2 ** 20,
      finalJobSec: film!.result!.elapsedSec,
      parts,
      load,
      playbackUrl: film!.result!.playbackUrl,
    };
    if (options.quality) Object.assign(run, await topRungQuality(ctx, `${prefix}/${film!.result!.name}`));
    return run;
  } finally {
    if (usage.length === 0) await Promise.allSettled(started.map((w) => w.stop()));
  }
}

interface VideoJson {
  durationSec: number;
  variants: { uri: string; bandwidth: number; quality?: { psnr?: { perSegment?: number[] } } }[];
  preset: { segment?: { durationSec?: number } };
}

async function topRungQuality(
  ctx: BatchContext,
  packagePrefix: string,
): Promise<Pick<FarmFilmRun, 'topRungPsnr' | 'segmentDurationSec' | 'durationSec'>> {
  const json = JSON.parse(
    (await objectBytes(ctx.s3.client(), ctx.s3.bucket, `${packagePrefix}/video.json`)).toString('utf8'),
  ) as VideoJson;
  const top = [...json.variants].sort((a, b) => b.bandwidth - a.bandwidth)[0];
  return {
    topRungPsnr: top?.quality?.psnr?.perSegment,
    segmentDurationSec: json.preset.segment?.durationSec,
    durationSec: json.durationSec,
  };
}

/**
 * PSNR at the joins of a C-chunk run (the two segments on either side of each join) against the same
 * segments of the one-pass run: the mean difference in dB (negative: the joins are worse).
 */
export function joinQuality(
  chunked: FarmFilmRun,
  onePass: FarmFilmRun,
): { joins: number; chunkedDb: number; onePassDb: number; deltaDb: number } | undefined {
  const a = chunked.topRungPsnr;
  const b = onePass.topRungPsnr;
  if (!a || !b || !chunked.segmentDurationSec || !chunked.durationSec) return undefined;
  const windows = planChunkWindows(chunked.durationSec, chunked.segmentDurationSec, chunked.chunks);
  const at = windows.slice(1).flatMap((w) => [w.firstSegment - 1, w.firstSegment]);
  const pick = (xs: number[]) => at.map((i) => xs[i]).filter((x): x is number => x !== undefined);
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
  const chunkedDb = mean(pick(a));
  const onePassDb = mean(pick(b));
  return { joins: windows.length - 1, chunkedDb, onePassDb, deltaDb: chunkedDb - onePassDb };
}
