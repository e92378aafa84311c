import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import {
  buildQualityArgs,
  qualitySampleEvery,
  qualityStatsFiles,
  qualityReferenceOf,
} from '../../common/ffmpeg/quality-args.js';
import { createProgressParser } from '../../common/ffmpeg/progress-parser.js';
import type { EncodePlan } from '../../common/plan/encode-plan.js';
import type { QualityMethod, RungQuality } from '../../common/quality/quality-report.js';
import { parsePsnrStats, parseSsimStats, summarize } from '../../common/quality/quality-stats.js';
import { binaries, probeCapabilities } from '../ffmpeg/binaries.js';
import { runProcess } from '../ffmpeg/runner.js';
import { segmentDurationsSec } from '../package/media-playlist-reader.js';

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
}

/** Per-frame values of every rung, before they are cut into the final segments. */
export interface MeasuredFrames {
  method: QualityMethod;
  rungs: { id: string; frameStepSec: number; psnr: number[]; ssim: number[] }[];
}

/**
 * Measures every rung of `plan` against its source (one ffmpeg run; quality-args.ts says how). Runs
 * on the rungs as ffmpeg wrote them, before encryption; `summarizeQuality` later cuts the per-frame
 * values into the package's final segments.
 */
export async function measureQuality(plan: EncodePlan, ctx: QualityPassContext): Promise<MeasuredFrames> {
  const rungs = plan.video?.rungs ?? [];
  const sampleEvery = ctx.sampleEvery ?? qualitySampleEvery(plan);
  const { ffmpeg } = await binaries();
  const started = performance.now();
  const parser = createProgressParser((p) => {
    if (plan.durationSec > 0) ctx.onProgress?.(Math.min(1, p.outTimeSec / plan.durationSec));
  });
  const files = rungs.map((r) => qualityStatsFiles(r.id));
  const workDir = ctx.workDir ?? ctx.packageDir;
  try {
    await runProcess({
      bin: ffmpeg.path,
      args: buildQualityArgs({
        plan,
        sampleEvery,
        packageDir: workDir === ctx.packageDir ? undefined : path.resolve(ctx.packageDir),
      }),
      cwd: workDir,
      signal: ctx.signal,
      onCommand: ctx.onCommand,
      stallTimeoutMs: ctx.stallTimeoutMs,
      onStdout: (chunk) => parser.push(chunk),
      file: ctx.file,
    });
    const read = (name: string) => readFile(path.join(workDir, name), 'utf8');
    const measured = await Promise.all(
      rungs.map(async (r, i) => ({
        id: r.id,
        frameStepSec: (sampleEvery * r.frameRate.den) / r.frameRate.num,
        psnr: parsePsnrStats(await read(files[i]!.psnr)),
        ssim: parseSsimStats(await read(files[i]!.ssim)),
      })),
    );
    return {
      method: {
        metrics: ['psnr', 'ssim'],
        unavailable: await unavailableMetrics(),
        reference: { ...qualityReferenceOf(plan.video!), scaler: 'bicubic' },
        sampleEvery,
        measuredFrames: Math.min(...measured.map((m) => m.psnr.length)),
        elapsedSec: round((performance.now() - started) / 1000),
      },
      rungs: measured,
    };
  } finally {
    await Promise.all(
      files.flatMap((f) => [f.psnr, f.ssim]).map((f) => rm(path.join(workDir, f), { force: true })),
    );
  }
}

/** The per-frame values cut into the segments of each rung's final media playlist. */
export async function summarizeQuality(
  packageDir: string,
  frames: MeasuredFrames,
): Promise<Map<string, RungQuality>> {
  const out = new Map<string, RungQuality>();
  for (const r of frames.rungs) {
    const segments = await segmentDurationsSec(packageDir, r.id);
    out.set(r.id, {
      psnr: summarize(r.psnr, r.frameStepSec, segments),
      ssim: summarize(r.ssim, r.frameStepSec, segments),
    });
  }
  return out;
}

let unavailable: Promise<string[]> | undefined;
/** VMAF and XPSNR: said why not, once per process. */
function unavailableMetrics(): Promise<string[]> {
  unavailable ??= binaries()
    .then(probeCapabilities)
    .then((c) => [
      c.filters.includes('libvmaf')
        ? 'vmaf: this ffmpeg has libvmaf, but hls-studio does not run it yet'
        : 'vmaf: this ffmpeg has no libvmaf',
      c.filters.includes('xpsnr')
        ? 'xpsnr: this ffmpeg has it, but hls-studio does not run it yet'
        : 'xpsnr: needs ffmpeg 7.1 or newer',
    ]);
  return unavailable;
}

const round = (v: number) => Math.round(v * 100) / 100;
