import { formatRational } from '../media/rational.js';
import type { EncodePlan } from '../plan/encode-plan.js';
import { videoEncoderArgs } from './encoder-args.js';

/** File names inside the package; all made by the app (a `%` from a user's name would be a pattern). */
export const PACKAGE_NAMES = {
  mediaPlaylist: 'index.m3u8',
  multivariantPlaylist: 'master.m3u8',
  initSegment: 'init.mp4',
  segmentPattern: (format: 'ts' | 'fmp4') => (format === 'ts' ? 'seg_%05d.ts' : 'seg_%05d.m4s'),
} as const;

/**
 * The whole ffmpeg command (without the binary) for one plan: the source is decoded once, split, and
 * every rung scaled and encoded in the same process. Output paths are relative: ffmpeg runs with the
 * package's temporary folder as its working directory, so no user path reaches the HLS muxer's patterns.
 */
export function buildHlsArgs(plan: EncodePlan): string[] {
  const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'warning', '-progress', 'pipe:1'];
  // A user's path is always absolute and file:-prefixed, so `concat:a|b.mp4` or `-y.mp4` stay file names.
  args.push('-protocol_whitelist', 'file', '-i', `file:${plan.input}`);

  const streamMap: string[] = [];
  if (plan.video) {
    const { rungs, preFilters } = plan.video;
    const split = `split=${rungs.length}${rungs.map((_, i) => `[s${i}]`).join('')}`;
    const head = `[0:${plan.video.streamIndex}]${[...preFilters, split].join(',')}`;
    const branches = rungs.map(
      (r, i) =>
        `[s${i}]fps=${formatRational(r.frameRate)},scale=${r.width}:${r.height}:flags=bicubic,format=yuv420p,setsar=1[v${i}]`,
    );
    args.push('-filter_complex', [head, ...branches].join(';'));
    rungs.forEach((r, i) => {
      args.push('-map', `[v${i}]`, ...videoEncoderArgs(plan, r, i));
      streamMap.push(`v:${i},name:${r.id}`);
    });
    // Keyframes by time, not frame count: every rung gets one at the same instants, whatever its rate.
    args.push('-force_key_frames:v', `expr:gte(t,n_forced*${plan.keyframeIntervalSec})`);
  }
  if (plan.audio) {
    const a = plan.audio;
    args.push('-map', `0:${a.streamIndex}`, '-c:a', 'aac', '-b:a', `${a.bitrateKbps}k`);
    args.push('-ac', String(a.channels), '-ar', String(a.sampleRate), '-af', 'aresample=async=1');
    streamMap.push(`a:0,name:${a.id}`);
  }
  args.push('-map_metadata', '-1', '-map_chapters', '-1', '-max_muxing_queue_size', '4096');

  args.push('-f', 'hls', '-hls_time', String(plan.segmentDurationSec), '-hls_playlist_type', 'vod');
  args.push('-hls_list_size', '0', '-hls_flags', 'independent_segments');
  if (plan.format === 'fmp4') {
    args.push('-hls_segment_type', 'fmp4', '-hls_fmp4_init_filename', PACKAGE_NAMES.initSegment);
  } else {
    args.push('-hls_segment_type', 'mpegts');
  }
  args.push('-hls_segment_filename', `%v/${PACKAGE_NAMES.segmentPattern(plan.format)}`);
  args.push('-var_stream_map', streamMap.join(' '), `%v/${PACKAGE_NAMES.mediaPlaylist}`);
  return args;
}
