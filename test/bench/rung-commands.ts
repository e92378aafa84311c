/**
 * The two peers of the ladder benchmark, derived from what `hls-studio` itself planned rather than
 * written down a second time:
 *  - one ffmpeg per rung: the `planned` event's command line, cut into one command per rung. Each keeps
 *    the input options, the rung's own filter branch (after the shared pre-filters), every `-opt:v:N`
 *    option of its stream (renumbered to 0), the stream-wide options (`-force_key_frames:v`, muxer), and
 *    drops the image outputs (poster, storyboard, preview have no per-rung twin). The audio rides with
 *    the first rung so it is encoded once, as in the one-decode command.
 *  - HandBrakeCLI per rung with the plan's size, rate, bit rate, VBV and keyframe interval, then
 *    `ffmpeg -c copy -f hls` to cut its MP4 into segments.
 */
import type { EncodePlan, VideoRungPlan } from '../../src/common/plan/encode-plan.js';

export interface Command {
  bin: string;
  args: string[];
}

/** Splits a POSIX shell line as formatCommandLine writes it (bare words, '…' with '\'' for a quote). */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === ' ' || c === '\t' || c === '\n') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated quote in: ${line}`);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (c === '\\' && i + 1 < line.length) {
      word = (word ?? '') + line[++i];
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** Which per-rung command a group of output tokens belongs to. */
type Owner = 'all' | 'first' | number;

/** One ffmpeg command per rung, cut from the one-decode command line (see the file comment). */
export function perRungFfmpegCommands(commandLine: string): Command[] {
  const [bin, ...args] = splitCommandLine(commandLine);
  const shape = (why: string) =>
    new Error(`the planned command line has a shape this benchmark does not know (${why}):\n${commandLine}`);
  const graphAt = args.indexOf('-filter_complex');
  if (!bin || graphAt < 0) throw shape('no -filter_complex');
  const inputPart = args.slice(0, graphAt);
  const branches = rungFilters(args[graphAt + 1] ?? '');
  if (!branches) throw shape('no split into [sN] branches');

  const groups: { owner: Owner; tokens: string[] }[] = [];
  let hlsOutput: string | undefined;
  const rest = args.slice(graphAt + 2);
  for (let i = 0; i < rest.length; i += 2) {
    const option = rest[i]!;
    const value = rest[i + 1];
    if (!option.startsWith('-')) {
      // The first output file ends the HLS output; what follows are the image outputs.
      hlsOutput = option;
      break;
    }
    if (value === undefined) throw shape(`${option} has no value`);
    const rung = /^\[v(\d+)\]$/.exec(value)?.[1] ?? /:v:(\d+)$/.exec(option)?.[1];
    if (rung !== undefined) {
      const renamed = option.replace(/:v:\d+$/, ':v:0');
      groups.push({ owner: Number(rung), tokens: [renamed, value] });
    } else if (option === '-map' || /:[as]:\d+$/.test(option)) {
      groups.push({ owner: 'first', tokens: [option, value] });
    } else if (option === '-var_stream_map') {
      for (const entry of value.split(' ')) {
        const v = /^v:(\d+)(,.*)?$/.exec(entry);
        groups.push(
          v ? { owner: Number(v[1]), tokens: [`v:0${v[2] ?? ''}`] } : { owner: 'first', tokens: [entry] },
        );
      }
    } else {
      groups.push({ owner: 'all', tokens: [option, value] });
    }
  }
  if (!hlsOutput?.includes('%v')) throw shape('no %v HLS output');

  return branches.map((filter, rung) => {
    const mine = groups.filter(
      (g) => g.owner === 'all' || g.owner === rung || (g.owner === 'first' && rung === 0),
    );
    const out: string[] = [];
    const streamMap: string[] = [];
    for (const g of mine) {
      if (g.tokens.length === 1) streamMap.push(g.tokens[0]!);
      else out.push(...g.tokens);
    }
    if (!out.includes(`[v${rung}]`)) throw shape(`rung ${rung} is never mapped`);
    return {
      bin,
      args: [
        ...inputPart,
        '-filter_complex',
        filter,
        ...out,
        '-var_stream_map',
        streamMap.join(' '),
        hlsOutput!,
      ],
    };
  });
}

/**
 * `[in]pre…,split=N[s0]…;[sK]branch[vK];…` → one graph per rung: `[in]pre…,branch[vK]`. Branches whose
 * output label is not `[vK]` are images and are left out. Undefined when the graph is not of that shape.
 */
function rungFilters(graph: string): string[] | undefined {
  const [head, ...chains] = graph.split(';');
  const split = /^(.*?),?split=\d+((?:\[s\d+\])+)$/.exec(head ?? '');
  if (!split) return undefined;
  const input = split[1]!;
  const rungs: string[] = [];
  for (const chain of chains) {
    const m = /^\[s\d+\](.*)\[v(\d+)\]$/.exec(chain);
    if (!m) continue;
    const joiner = input.endsWith(']') ? '' : ',';
    rungs[Number(m[2])] = `${input}${joiner}${m[1]}[v${m[2]}]`;
  }
  return rungs.length && !rungs.includes(undefined as unknown as string) ? rungs : undefined;
}

/** x264/x265 through HandBrakeCLI with the plan's settings for one rung; audio only with the first rung. */
export function handBrakeArgs(
  plan: EncodePlan,
  rung: VideoRungPlan,
  output: string,
  withAudio: boolean,
): string[] {
  const encoder = plan.encoder === 'libx265' ? 'x265' : 'x264';
  const audio = plan.audio[0];
  const gop = rung.gopFrames;
  return [
    ...['-i', plan.input, '-o', output, '-f', 'av_mp4', '--no-markers'],
    ...['-e', encoder, '--encoder-preset', plan.speedPreset],
    ...(encoder === 'x264' ? ['--encoder-profile', 'high'] : []),
    ...['-b', String(rung.bitrateKbps)],
    '-x',
    `keyint=${gop}:min-keyint=${gop}:scenecut=0:vbv-maxrate=${rung.maxBitrateKbps}:vbv-bufsize=${rung.bufferKbits}`,
    ...['-w', String(rung.width), '-l', String(rung.height), '--crop-mode', 'none', '--non-anamorphic'],
    ...['-r', String(Number((rung.frameRate.num / rung.frameRate.den).toFixed(3))), '--cfr'],
    ...(withAudio && audio
      ? ['-a', '1', '-E', 'av_aac', '-B', String(audio.bitrateKbps), '-6', 'stereo']
      : ['-a', 'none']),
    ...(withAudio && audio ? ['-R', String(audio.sampleRate / 1000)] : []),
  ];
}

/** Cuts one HandBrake MP4 into HLS segments without re-encoding: its video, and its audio if any. */
export function segmentCopyArgs(plan: EncodePlan, input: string, rungId: string, audioId?: string): string[] {
  const hls = (folder: string) => [
    ...['-c', 'copy', '-f', 'hls', '-hls_time', String(plan.segmentDurationSec)],
    ...['-hls_playlist_type', 'vod', '-hls_list_size', '0', '-hls_flags', 'independent_segments'],
    ...(plan.format === 'fmp4'
      ? ['-hls_segment_type', 'fmp4', '-hls_segment_filename', `${folder}/seg_%05d.m4s`]
      : ['-hls_segment_type', 'mpegts', '-hls_segment_filename', `${folder}/seg_%05d.ts`]),
    `${folder}/index.m3u8`,
  ];
  return [
    ...['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error', '-protocol_whitelist', 'file'],
    ...['-i', `file:${input}`],
    ...['-map', '0:v:0', ...hls(rungId)],
    ...(audioId ? ['-map', '0:a:0', ...hls(audioId)] : []),
  ];
}
