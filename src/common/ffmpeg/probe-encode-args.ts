import { formatRational } from '../media/rational.js';
import type { EncodePlan } from '../plan/encode-plan.js';
import { safeInputOptions } from './input-args.js';
import { decodedSource, rungFrames } from './hls-args.js';
import { referenceSize } from './quality-args.js';

/** One short window of the source the per-title analysis encodes. */
export interface ProbeWindow {
  startSec: number;
  durationSec: number;
}

/** One candidate picture size (a preset rung as the planner fits it to this source). */
export interface ProbeSize {
  width: number;
  height: number;
}

/** CRF values each size is encoded at: spread wide enough to draw its rate-quality curve. */
export const PROBE_CRFS = [20, 26, 32] as const;

/** File names of one window's probes, relative to the analysis folder. */
export const probeFile = (window: number, size: number, crf: number) => `w${window}-s${size}-crf${crf}.h264`;
export const probeStats = (window: number, size: number, crf: number) =>
  `w${window}-s${size}-crf${crf}.psnr.log`;

/**
 * Encodes one window of the source at every candidate size and CRF in one run: the source is decoded
 * once through the plan's pre-filters at the top rung's frame rate, split per size and CRF, and each
 * branch is written as a raw H.264 stream (its size is its bit rate, no container overhead). The
 * plan's own speed preset is used, so the rates predict the real encode's.
 */
export function buildProbeEncodeArgs(
  plan: EncodePlan,
  w: ProbeWindow,
  index: number,
  sizes: ProbeSize[],
): string[] {
  const video = plan.video!;
  const rate = probeRate(plan);
  const branches = sizes.flatMap((_, s) => PROBE_CRFS.map((_c, c) => `[b${s}_${c}]`));
  const graph = [
    decodedSource(video, [rungFrames(rate), `split=${branches.length}${branches.join('')}`]),
    ...sizes.flatMap((size, s) =>
      PROBE_CRFS.map(
        (_c, c) =>
          `[b${s}_${c}]scale=${size.width}:${size.height}:flags=bicubic,format=yuv420p,setsar=1[e${s}_${c}]`,
      ),
    ),
  ];
  const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'warning', '-y'];
  args.push(...windowInput(plan, w), '-filter_complex', graph.join(';'));
  sizes.forEach((_, s) =>
    PROBE_CRFS.forEach((crf, c) => {
      args.push(
        '-map',
        `[e${s}_${c}]`,
        '-an',
        '-c:v',
        'libx264',
        '-preset',
        plan.speedPreset,
        '-crf',
        String(crf),
      );
      args.push('-f', 'h264', probeFile(index, s, crf));
    }),
  );
  return args;
}

/**
 * Measures the window's probes against the same window of the source (luma PSNR at the top size, one
 * scaler, frames aligned at the top rung's rate: the quality pass's method on a short excerpt).
 */
export function buildProbeQualityArgs(
  plan: EncodePlan,
  w: ProbeWindow,
  index: number,
  sizes: ProbeSize[],
): string[] {
  const video = plan.video!;
  const rate = probeRate(plan);
  const top = referenceSize(sizes);
  const toReference = `setpts=PTS-STARTPTS,fps=${rate},scale=${top.width}:${top.height}:flags=bicubic,format=yuv420p,setsar=1`;
  const probes = sizes.flatMap((_, s) => PROBE_CRFS.map((crf) => ({ s, crf })));
  const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'warning'];
  args.push(...windowInput(plan, w));
  for (const p of probes) {
    // Raw H.264 carries no timestamps: -framerate gives them, so both sides line up frame by frame.
    args.push('-protocol_whitelist', 'file', '-format_whitelist', 'h264', '-framerate', rate);
    args.push('-i', `file:${probeFile(index, p.s, p.crf)}`);
  }
  const graph = [
    decodedSource(video, [
      rungFrames(rate),
      toReference,
      `split=${probes.length}${probes.map((_, i) => `[r${i}]`).join('')}`,
    ]),
    ...probes.map(
      (p, i) =>
        `[${i + 1}:v:0]${toReference}[d${i}];[d${i}][r${i}]psnr=stats_file=${probeStats(index, p.s, p.crf)}[o${i}]`,
    ),
  ];
  args.push('-filter_complex', graph.join(';'));
  probes.forEach((_, i) => args.push('-map', `[o${i}]`));
  args.push('-f', 'null', '-');
  return args;
}

/** The top rung's frame rate: both runs of a window see the frames the top rung would keep. */
const probeRate = (plan: EncodePlan) =>
  formatRational(plan.video!.rungs[plan.video!.rungs.length - 1]!.frameRate);

/** The window of the source as input 0, with the source's demuxer whitelist. */
export const windowInput = (plan: EncodePlan, w: ProbeWindow) => [
  ...safeInputOptions(),
  ...['-ss', String(w.startSec), '-t', String(w.durationSec)],
  ...['-i', `file:${plan.input}`],
];
