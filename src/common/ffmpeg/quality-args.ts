import { formatRational } from '../media/rational.js';
import type { EncodePlan, VideoPlan } from '../plan/encode-plan.js';
import { PACKAGE_NAMES } from '../package/package-layout.js';
import type { ExtraMetric } from '../quality/quality-report.js';
import { decodedSource, rungFrames, sourceInput } from './hls-args.js';

/** What one measuring run compares: every rung of a plan against the source it was made from. */
export interface QualityRun {
  plan: EncodePlan;
  /** Compare every Nth frame (qualitySampleEvery). */
  sampleEvery: number;
  /** Absolute package folder when the run works elsewhere; by default the run works inside it. */
  packageDir?: string;
  /** VMAF and/or XPSNR beside PSNR and SSIM: only those this ffmpeg passed its self-test for. */
  extraMetrics?: readonly ExtraMetric[];
  /** libvmaf's own worker threads (its `n_threads`); 0 lets libvmaf choose. */
  vmafThreads?: number;
}

/** Per rung, the stats files the run writes (relative to its working folder, the package's). */
export const qualityStatsFiles = (rungId: string) => ({
  psnr: plainName(`${rungId}.psnr.log`),
  ssim: plainName(`${rungId}.ssim.log`),
  vmaf: plainName(`${rungId}.vmaf.json`),
  xpsnr: plainName(`${rungId}.xpsnr.log`),
});

/**
 * The stats files are named in the filtergraph unescaped: rung ids are `v<n>-<height>p`, so a name
 * with a character the filtergraph parser reads (`:` `,` `;` `[` `]` `'` `\` `=` or a space) is a bug.
 */
function plainName(name: string): string {
  if (/[:,;[\]'\\=\s]/.test(name)) throw new Error(`quality: ${name} needs filtergraph escaping`);
  return name;
}

/**
 * The filter comparing one pair of pictures for an extra metric, with its inputs in the order the
 * filter reads them: libvmaf takes [distorted][reference] (its first input, "main", is scored);
 * xpsnr takes [original][distorted] (vf_xpsnr.c weighs the error by the activity of its first input,
 * so the source goes first). `log_path`, `log_fmt` and `n_threads` are options libvmaf v1 (ffmpeg 4)
 * and v2 (ffmpeg 5+) share; no model is named, so each uses its default, vmaf_v0.6.1 (v1 from a file
 * on disk, v2 built in: metric-support.ts tests which works).
 */
export function extraMetricFilter(
  metric: ExtraMetric,
  pads: { distorted: string; reference: string; out?: string },
  file: string,
  vmafThreads = 0,
): string {
  const out = pads.out ? `[${pads.out}]` : '';
  const name = plainName(file);
  return metric === 'vmaf'
    ? `[${pads.distorted}][${pads.reference}]libvmaf=log_path=${name}:log_fmt=json:n_threads=${vmafThreads}${out}`
    : `[${pads.reference}][${pads.distorted}]xpsnr=stats_file=${name}${out}`;
}

/** The self-test's log, in its own temporary working folder. */
export const metricSelfTestFile = (metric: ExtraMetric) =>
  metric === 'vmaf' ? 'self-test.vmaf.json' : 'self-test.xpsnr.log';

/**
 * Whether this ffmpeg can really run an extra metric: two small testsrc2 pictures (the second blurred,
 * so the score is an ordinary one) through the same filter the quality run uses, into a log in the
 * working folder. libvmaf v1 without its model file fails here, not in the user's encode.
 */
export function buildMetricSelfTestArgs(metric: ExtraMetric): string[] {
  // Five QCIF frames: well under a second even for libvmaf.
  const source = 'testsrc2=size=176x144:rate=25:duration=0.2';
  const graph = [
    `[0:v]format=yuv420p,setsar=1[ref]`,
    `[1:v]boxblur=1:1,format=yuv420p,setsar=1[dist]`,
    extraMetricFilter(
      metric,
      { distorted: 'dist', reference: 'ref', out: 'out' },
      metricSelfTestFile(metric),
      1,
    ),
  ];
  return [
    ...['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error'],
    ...['-f', 'lavfi', '-i', source, '-f', 'lavfi', '-i', source],
    ...['-filter_complex', graph.join(';'), '-map', '[out]', '-f', 'null', '-'],
  ];
}

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
 * frame, and by libvmaf and xpsnr when `extraMetrics` asks, on the very same frames. The package's
 * playlists are ours and name plain files beside them (the HLS demuxer is allowed for them, never for
 * a source: input-args.ts).
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
  const extras = run.extraMetrics ?? [];
  const branches = ['a', 'b', ...extras.map((_, k) => String.fromCharCode(99 + k))];
  const split = (side: string, i: number) =>
    `split=${branches.length}${branches.map((b) => `[${side}${i}${b}]`).join('')}`;
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
    graph.push(`[s${i}]${rungFrames(rate)},${common(rate).join(',')},${split('r', i)}`);
    graph.push(`[${i + 1}:v:0]${common(rate).join(',')},${split('d', i)}`);
    graph.push(`[d${i}a][r${i}a]psnr=stats_file=${files.psnr}[p${i}]`);
    graph.push(`[d${i}b][r${i}b]ssim=stats_file=${files.ssim}[q${i}]`);
    outputs.push(`[p${i}]`, `[q${i}]`);
    extras.forEach((metric, k) => {
      const b = branches[k + 2]!;
      const pads = { distorted: `d${i}${b}`, reference: `r${i}${b}`, out: `${metric}${i}` };
      graph.push(extraMetricFilter(metric, pads, files[metric], run.vmafThreads));
      outputs.push(`[${pads.out}]`);
    });
  });
  args.push('-filter_complex', graph.join(';'));
  for (const o of outputs) args.push('-map', o);
  args.push('-f', 'null', '-');
  return args;
}
