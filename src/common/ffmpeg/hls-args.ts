import { formatRational } from '../media/rational.js';
import type { AudioPlan, EncodePlan, ImagesPlan, VideoPlan } from '../plan/encode-plan.js';
import { videoEncoderArgs } from './encoder-args.js';
import { safeInputOptions } from './input-args.js';
import { imageBranchCount, imageFrameBranches, imageFrameOutputs } from './image-args.js';
import { PACKAGE_NAMES } from '../package/package-layout.js';

/**
 * The whole ffmpeg command (without the binary) for one plan: the source is decoded once and split;
 * every rung, the poster, the storyboard and the animated preview are made from that one decode in the
 * same process. Output paths are relative: ffmpeg runs with the package's temporary folder as its
 * working directory, so no user path reaches a muxer's file-name pattern.
 */
export function buildHlsArgs(plan: EncodePlan): string[] {
  return hlsArgs(plan, undefined);
}

/**
 * Where a chunk's output sits on the film's timeline (chunked encodes, issue 16): its first timestamp
 * and the package-wide number of its first segment.
 */
export interface ChunkTimeline {
  startSec: number;
  firstSegment: number;
}

/**
 * One part of a chunked encode (chunk-plan.ts makes the plan: one window of every rung, or the
 * film-long audio), written as if it were that part of a one-pass run: timestamps
 * from the window's start (`-output_ts_offset`) and segment numbers that continue the previous
 * window's, so the stitched playlists need no EXT-X-DISCONTINUITY. No shift of negative timestamps
 * in either muxer: the mpegts muxer would otherwise move only the first chunk by the encoder's B-frame
 * delay (one frame back at every join) and the audio by its AAC priming (docs/chunked-encoding.md).
 * Measured on ffmpeg 5.1.
 */
export function buildChunkArgs(plan: EncodePlan, timeline: ChunkTimeline): string[] {
  return hlsArgs(plan, undefined, timeline);
}

/**
 * The audio renditions alone, made again to last exactly `endSec` (the encoded video's length): the
 * same encoder settings and segmenting, silence added after the last sample and the output cut at the
 * end (package-steps.ts audioRefitEndSec says when).
 */
export function buildAudioRefitArgs(plan: EncodePlan, endSec: number): string[] {
  return hlsArgs({ ...plan, video: undefined, images: undefined }, endSec);
}

function hlsArgs(plan: EncodePlan, audioEndSec: number | undefined, timeline?: ChunkTimeline): string[] {
  const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'warning', '-progress', 'pipe:1'];
  args.push(...sourceInput(plan));
  if (plan.video) args.push('-filter_complex', filterGraph(plan.video, plan.images, timeline?.startSec ?? 0));

  const streamMap: string[] = [];
  plan.video?.rungs.forEach((r, i) => {
    args.push('-map', `[v${i}]`, ...videoEncoderArgs(plan, r, i));
    streamMap.push(`v:${i},name:${r.id}`);
  });
  // Keyframes by time, not frame count: every rung gets one at the same instants, whatever its rate.
  if (plan.video?.rungs.length)
    args.push('-force_key_frames:v', `expr:gte(t,n_forced*${plan.keyframeIntervalSec})`);
  plan.audio.forEach((a, i) => {
    args.push(...audioArgs(a, i, audioEndSec !== undefined));
    streamMap.push(`a:${i},name:${a.id}`);
  });
  args.push('-map_metadata', '-1', '-map_chapters', '-1', '-max_muxing_queue_size', '4096');
  if (audioEndSec !== undefined) args.push('-t', audioEndSec.toFixed(3));
  if (timeline) args.push('-avoid_negative_ts', 'disabled', '-output_ts_offset', String(timeline.startSec));
  args.push('-f', 'hls', '-hls_time', String(plan.segmentDurationSec), '-hls_playlist_type', 'vod');
  if (timeline) {
    // fMP4: the mp4 muxer would write a chunk's start as an empty edit in its own init section and
    // start tfdt at 0; frag_discont puts the start in tfdt, so the first chunk's init serves them all.
    const options = [
      'avoid_negative_ts=disabled',
      ...(plan.format === 'fmp4' ? ['movflags=+frag_discont'] : []),
    ];
    args.push('-hls_segment_options', options.join(':'), '-start_number', String(timeline.firstSegment));
  }
  args.push('-hls_list_size', '0', '-hls_flags', 'independent_segments');
  if (plan.format === 'fmp4') {
    // The HLS muxer cuts one fragment per segment. No movflags of our own: in ffmpeg 5.1 any automatic
    // fragmenting (frag_keyframe, frag_duration) writes the first segment's fragments into the init
    // section before the muxer splits it off (issue 11; docs/ffmpeg-traps.md).
    args.push('-hls_segment_type', 'fmp4', '-hls_fmp4_init_filename', PACKAGE_NAMES.initSegment);
  } else {
    args.push('-hls_segment_type', 'mpegts');
  }
  args.push('-hls_segment_filename', `%v/${PACKAGE_NAMES.segmentPattern(plan.format)}`);
  args.push('-var_stream_map', streamMap.join(' '), `%v/${PACKAGE_NAMES.mediaPlaylist}`);

  if (plan.images) args.push(...imageFrameOutputs(plan.images));
  return args;
}

/** The source as input 0, read the same way by every run made from it. */
export function sourceInput(plan: EncodePlan): string[] {
  // A user's path is always absolute and file:-prefixed, so `concat:a|b.mp4` or `-y.mp4` stay file names;
  // only container demuxers may open it (input-args.ts: a playlist would read files anywhere).
  const args = safeInputOptions();
  // Input options: a fast keyframe seek, then frames up to the start are decoded and dropped (accurate
  // seek), and timestamps start at 0, so keyframe times, trims and segment times count from the start.
  const window = plan.inputWindow;
  if (window) args.push('-ss', String(window.startSec), '-t', String(window.durationSec));
  else if (plan.durationCapSec) args.push('-t', String(plan.durationCapSec));
  args.push('-i', `file:${plan.input}`);
  return args;
}

/**
 * A rung's frames: the source on the rung's frame-rate grid, the grid starting at 0 on the film's
 * clock. A picture that starts later than that (a video stream 21 ms behind its audio, as a stream-
 * copied join or an edit list gives) is padded with its first frame up to 0. ffmpeg's output would
 * repeat that frame anyway (constant frame rate from 0), but only here, in the filter, does every
 * other chain that must see the rung's frames (the quality pass's reference, the per-title probes) see
 * it too; left to the output, the rung was one frame behind its reference and read 29 dB, not 61.
 */
export const rungFrames = (rate: string) => `fps=${rate}:start_time=0`;

/**
 * `[0:v]` (+ a bitmap subtitle overlay) → pre-filters → split → one branch per rung and per image.
 * Image branches come after the rungs so `[v0]…[vN]` keep the rung order.
 */
function filterGraph(video: VideoPlan, images: ImagesPlan | undefined, fromSec: number): string {
  const branches = video.rungs.map(
    (r, i) =>
      `[s${i}]${rungFrames(formatRational(r.frameRate))},scale=${r.width}:${r.height}:flags=bicubic,format=yuv420p,setsar=1[v${i}]`,
  );
  if (images) {
    const first = branches.length;
    const pads = Array.from({ length: imageBranchCount(images) }, (_, i) => `s${first + i}`);
    branches.push(...imageFrameBranches(images, pads, fromSec));
  }
  const head = decodedSource(video, [
    `split=${branches.length}${branches.map((_, i) => `[s${i}]`).join('')}`,
  ]);
  return [head, ...branches].join(';');
}

/**
 * The source's picture as every rung is made from it: `[0:v]` (+ a bitmap subtitle overlay), the
 * plan's pre-filters (deinterlace, tone-map, text burn-in), then `then`. Quality measurement starts
 * from the same chain (quality-args.ts).
 */
export function decodedSource(video: VideoPlan, then: string[]): string {
  const source = video.burnIn?.bitmap
    ? // DVB/PGS pictures become video frames (sub2video) and are laid over the picture before anything else.
      `[0:${video.streamIndex}][0:${video.burnIn.source.kind === 'stream' ? video.burnIn.source.streamIndex : 0}]overlay=eof_action=pass`
    : `[0:${video.streamIndex}]`;
  const chain = [...video.preFilters, ...then];
  return video.burnIn?.bitmap ? `${source},${chain.join(',')}` : `${source}${chain.join(',')}`;
}

function audioArgs(a: AudioPlan, i: number, padded: boolean): string[] {
  const filters = ['aresample=async=1'];
  if (a.loudness) filters.unshift(loudnormFilter(a));
  // Endless silence after the last sample; the output's -t ends it.
  if (padded) filters.push('apad');
  return [
    '-map',
    `0:${a.streamIndex}`,
    `-c:a:${i}`,
    'aac',
    `-b:a:${i}`,
    `${a.bitrateKbps}k`,
    `-ac:a:${i}`,
    String(a.channels),
    `-ar:a:${i}`,
    String(a.sampleRate),
    `-filter:a:${i}`,
    filters.join(','),
  ];
}

/** Second loudnorm pass: linear gain from the first pass's measurement, so the target is met within ±1 LU. */
export function loudnormFilter(a: AudioPlan): string {
  const l = a.loudness!;
  const target = `I=${l.targetLufs}:TP=${l.truePeakDb}:LRA=${l.lra}`;
  if (!l.measured) return `loudnorm=${target}`;
  const m = l.measured;
  return (
    `loudnorm=${target}:measured_I=${m.inputI}:measured_TP=${m.inputTp}:measured_LRA=${m.inputLra}` +
    `:measured_thresh=${m.inputThresh}:offset=${m.targetOffset}:linear=true`
  );
}
