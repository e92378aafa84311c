import { formatRational } from '../media/rational.js';
import type { EncodePlan, VideoPlan } from '../plan/encode-plan.js';
import { PACKAGE_NAMES } from '../package/package-layout.js';
import { decodedSource, sourceInput } from './hls-args.js';

/** What one measuring run compares: every rung of a plan against the source it was made from. */
export interface QualityRun {
  plan: EncodePlan;
  /** Compare every Nth frame (qualitySampleEvery). */
  sampleEvery: number;
  /** Absolute package folder when the run works elsewhere; by default the run works inside it. */
  packageDir?: string;
}

/** Per rung, the stats files the run writes (relative to its working folder, the package's). */
export const qualityStatsFiles = (rungId: string) => ({
  psnr: `${rungId}.psnr.log`,
  ssim: `${rungId}.ssim.log`,
});

/** The size both pictures are compared at: the top rung's (the largest; never above the source). */
export function referenceSize(rungs: readonly { width: number; height: number }[]): {
  width: number;
  height: number;
} {
  const top = rungs.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
  return { width: top.width, height: top.height };
}

/** The size a plan's rungs are compared at: the plan's own choice, else its top rung's. */
export function qualityReferenceOf(video: VideoPlan): { width: number; height: number } {
  return video.qualityReference ?? referenceSize(video.rungs);
}

/**
 * At most this many frames per rung: a 10-minute 30 fps film compares every 5th frame, a one-minute
 * clip every frame. Never fewer than one frame per segment.
 */
export const QUALITY_MAX_FRAMES = 3600;

export function qualitySampleEvery(plan: EncodePlan): number {
  const rungs = plan.video?.rungs ?? [];
  if (rungs.length === 0) return 1;
  const slowest = Math.min(...rungs.map((r) => r.frameRate.num / r.frameRate.den));
  const frames = plan.durationSec * slowest;
  const perSegment = Math.max(1, Math.floor(slowest * plan.segmentDurationSec));
  return Math.max(1, Math.min(perSegment, Math.ceil(frames / QUALITY_MAX_FRAMES)));
}

/**
 * One ffmpeg run for the whole ladder: the source is decoded once through the same chain the rungs
 * were made from (pre-filters, each rung's frame rate), each rung is read back through its own media
 * playlist, both sides restart their clocks at 0, keep the same frames (every Nth), are scaled to the
 * reference size with one scaler (bicubic) and compared by psnr and ssim, which write one line per
 * frame. The package's playlists are ours and name plain files beside them (the HLS demuxer is allowed
 * for them, never for a source: input-args.ts).
 */
export function buildQualityArgs(run: QualityRun): string[] {
  const { plan, sampleEvery } = run;
  const video = plan.video;
  if (!video) throw new Error('quality: the plan has no video');
  const { width, height } = qualityReferenceOf(video);
  const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'warning', '-progress', 'pipe:1'];
  args.push(...sourceInput(plan));
  for (const r of video.rungs) {
    const demuxers = plan.format === 'fmp4' ? 'hls,mov' : 'hls,mpegts';
    args.push('-protocol_whitelist', 'file', '-format_whitelist', demuxers);
    const playlist = `${r.id}/${PACKAGE_NAMES.mediaPlaylist}`;
    args.push('-i', `file:${run.packageDir ? `${run.packageDir}/${playlist}` : playlist}`);
  }
  const n = video.rungs.length;
  const select = sampleEvery > 1 ? [`select=not(mod(n\\,${sampleEvery}))`] : [];
  const common = (rate: string) => [
    'setpts=PTS-STARTPTS',
    `fps=${rate}`,
    ...select,
    `scale=${width}:${height}:flags=bicubic`,
    'format=yuv420p',
    'setsar=1',
  ];
  const graph = [decodedSource(video, [`split=${n}${video.rungs.map((_, i) => `[s${i}]`).join('')}`])];
  const outputs: string[] = [];
  video.rungs.forEach((r, i) => {
    const rate = formatRational(r.frameRate);
    const files = qualityStatsFiles(r.id);
    // The reference keeps the frames the rung kept: the same fps filter on the same decoded source.
    graph.push(`[s${i}]fps=${rate},${common(rate).join(',')},split[r${i}a][r${i}b]`);
    graph.push(`[${i + 1}:v:0]${common(rate).join(',')},split[d${i}a][d${i}b]`);
    graph.push(`[d${i}a][r${i}a]psnr=stats_file=${files.psnr}[p${i}]`);
    graph.push(`[d${i}b][r${i}b]ssim=stats_file=${files.ssim}[q${i}]`);
    outputs.push(`[p${i}]`, `[q${i}]`);
  });
  args.push('-filter_complex', graph.join(';'));
  for (const o of outputs) args.push('-map', o);
  args.push('-f', 'null', '-');
  return args;
}
