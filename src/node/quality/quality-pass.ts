import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  buildQualityArgs,
  qualitySampleEvery,
  qualityStatsFiles,
  qualityReferenceOf,
} from '../../common/ffmpeg/quality-args.js';
import { createProgressParser } from '../../common/ffmpeg/progress-parser.js';
import { StudioError } from '../../common/errors.js';
import { firstFailureLine } from '../../common/ffmpeg/failure-reason.js';
import type { EncodePlan } from '../../common/plan/encode-plan.js';
import {
  EXTRA_METRICS,
  METRIC_NAMES,
  type ExtraMetric,
  type QualityMethod,
  type RungQuality,
} from '../../common/quality/quality-report.js';
import {
  parsePsnrStats,
  parseSsimStats,
  parseVmafLog,
  parseXpsnrStats,
  summarize,
} from '../../common/quality/quality-stats.js';
import { binaries } from '../ffmpeg/binaries.js';
import { runProcess } from '../ffmpeg/runner.js';
import { segmentDurationsSec } from '../package/media-playlist-reader.js';
import { metricSupport, stderrOf, type MetricSupport } from './metric-support.js';

export interface QualityPassContext {
  /** The package (or staging) folder: the rungs' playlists are read from here. */
  packageDir: string;
  /** Where the stats files go (default: the package folder, while it is still being made). */
  workDir?: string;
  file: string;
  signal?: AbortSignal;
  onCommand?: (commandLine: string) => void;
  stallTimeoutMs?: number;
  /** 0..1 while the run goes. */
  onProgress?: (ratio: number) => void;
  /** Override the sampling (1 = every frame): the bench's measure of the error sampling adds. */
  sampleEvery?: number;
  /** Which extra metrics to run (default: those this ffmpeg passed its self-test for). */
  metrics?: MetricSupport;
}

/** Per-frame values of every rung, before they are cut into the final segments. */
export interface MeasuredFrames {
  method: QualityMethod;
  rungs: ({ id: string; frameStepSec: number; psnr: number[]; ssim: number[] } & Partial<
    Record<ExtraMetric, number[]>
  >)[];
}

const EXTRA_PARSERS: Record<ExtraMetric, (text: string) => number[]> = {
  vmaf: parseVmafLog,
  xpsnr: parseXpsnrStats,
};

/**
 * Measures every rung of `plan` against its source (one ffmpeg run; quality-args.ts says how). Runs
 * on the rungs as ffmpeg wrote them, before encryption; `summarizeQuality` later cuts the per-frame
 * values into the package's final segments.
 */
export async function measureQuality(plan: EncodePlan, ctx: QualityPassContext): Promise<MeasuredFrames> {
  const rungs = plan.video?.rungs ?? [];
  const sampleEvery = ctx.sampleEvery ?? qualitySampleEvery(plan);
  const support = ctx.metrics ?? (await metricSupport());
  const started = performance.now();
  const files = rungs.map((r) => qualityStatsFiles(r.id));
  const workDir = ctx.workDir ?? ctx.packageDir;
  const unavailable = [...support.unavailable];
  let extras = support.run;
  try {
    try {
      await runMeasure(plan, ctx, sampleEvery, extras);
    } catch (error) {
      // VMAF and XPSNR passed their self-test, yet this run failed: PSNR and SSIM are still worth a
      // second run without them (the reason is kept), rather than no figures at all.
      if (extras.length === 0 || !(error instanceof StudioError) || error.code !== 'FFMPEG_FAILED')
        throw error;
      const reason = firstFailureLine(stderrOf(error)) ?? error.message.replace(`${ctx.file}: `, '');
      unavailable.push(...extras.map((m) => `${m}: the measuring run failed with it (${reason})`));
      extras = [];
      await runMeasure(plan, ctx, sampleEvery, extras);
    }
    const read = (name: string) => readFile(path.join(workDir, name), 'utf8');
    const measured: MeasuredFrames['rungs'] = await Promise.all(
      rungs.map(async (r, i) => ({
        id: r.id,
        frameStepSec: (sampleEvery * r.frameRate.den) / r.frameRate.num,
        psnr: parsePsnrStats(await read(files[i]!.psnr)),
        ssim: parseSsimStats(await read(files[i]!.ssim)),
      })),
    );
    // An extra metric counts when every rung's log holds values; else it is left out, with the reason.
    const measuredExtras: ExtraMetric[] = [];
    for (const m of extras) {
      const values = await Promise.all(files.map((f) => read(f[m]).then(EXTRA_PARSERS[m], () => [])));
      if (values.some((v) => v.length === 0)) {
        unavailable.push(`${m}: the measuring run wrote no per-frame value for it`);
        continue;
      }
      measuredExtras.push(m);
      values.forEach((v, i) => (measured[i]![m] = v));
    }
    return {
      method: {
        metrics: METRIC_NAMES.filter((m) => m === 'psnr' || m === 'ssim' || measuredExtras.includes(m)),
        unavailable,
        reference: { ...qualityReferenceOf(plan.video!), scaler: 'bicubic' },
        sampleEvery,
        measuredFrames: Math.min(...measured.map((m) => m.psnr.length)),
        elapsedSec: round((performance.now() - started) / 1000),
      },
      rungs: measured,
    };
  } finally {
    await Promise.all(
      files.flatMap((f) => Object.values(f)).map((f) => rm(path.join(workDir, f), { force: true })),
    );
  }
}

/** The one ffmpeg run, progress included (a retry starts the ratio again). */
async function runMeasure(
  plan: EncodePlan,
  ctx: QualityPassContext,
  sampleEvery: number,
  extraMetrics: readonly ExtraMetric[],
): Promise<void> {
  const { ffmpeg } = await binaries();
  const workDir = ctx.workDir ?? ctx.packageDir;
  const parser = createProgressParser((p) => {
    if (plan.durationSec > 0) ctx.onProgress?.(Math.min(1, p.outTimeSec / plan.durationSec));
  });
  await runProcess({
    bin: ffmpeg.path,
    args: buildQualityArgs({
      plan,
      sampleEvery,
      packageDir: workDir === ctx.packageDir ? undefined : path.resolve(ctx.packageDir),
      extraMetrics,
      vmafThreads: VMAF_THREADS,
    }),
    cwd: workDir,
    signal: ctx.signal,
    onCommand: ctx.onCommand,
    stallTimeoutMs: ctx.stallTimeoutMs,
    onStdout: (chunk) => parser.push(chunk),
    file: ctx.file,
  });
}

/** libvmaf's feature threads per rung: a few, not every core (the rungs' branches run side by side). */
const VMAF_THREADS = Math.max(1, Math.min(4, os.availableParallelism()));

/** The per-frame values cut into the segments of each rung's final media playlist. */
export async function summarizeQuality(
  packageDir: string,
  frames: MeasuredFrames,
): Promise<Map<string, RungQuality>> {
  const out = new Map<string, RungQuality>();
  for (const r of frames.rungs) {
    const segments = await segmentDurationsSec(packageDir, r.id);
    const quality: RungQuality = {
      psnr: summarize(r.psnr, r.frameStepSec, segments),
      ssim: summarize(r.ssim, r.frameStepSec, segments),
    };
    for (const m of EXTRA_METRICS) {
      const values = r[m];
      if (values) quality[m] = summarize(values, r.frameStepSec, segments);
    }
    out.set(r.id, quality);
  }
  return out;
}

const round = (v: number) => Math.round(v * 100) / 100;
