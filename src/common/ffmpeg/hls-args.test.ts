import { describe, expect, it } from 'vitest';
import { presetFrom } from '../../../test/helpers/presets.js';
import { source } from '../../../test/helpers/sources.js';
import { planEncode } from '../plan/ladder-plan.js';
import { buildAudioRefitArgs, buildHlsArgs } from './hls-args.js';

const preset = presetFrom({
  rungs: [
    { width: 640, height: 360, bitrateKbps: 600, maxFrameRate: 30 },
    { width: 1280, height: 720, bitrateKbps: 2800 },
  ],
});

const after = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe('buildHlsArgs', () => {
  const args = buildHlsArgs(
    planEncode(
      source({ frameRate: { num: 60000, den: 1001 } }, { file: '/in/-y concat:a|b %d.mp4' }),
      preset,
    ),
  );

  it('matches the reviewed command (snapshot)', () => {
    expect(args).toMatchSnapshot();
  });

  it('reads the user file once, absolute and file:-prefixed, with only the file protocol allowed', () => {
    expect(args.filter((a) => a === '-i')).toHaveLength(1);
    expect(after(args, '-i')).toBe('file:/in/-y concat:a|b %d.mp4');
    expect(args.indexOf('-protocol_whitelist')).toBeLessThan(args.indexOf('-i'));
    expect(after(args, '-protocol_whitelist')).toBe('file');
    expect(args).toContain('-nostdin');
  });

  it('decodes once and splits into one branch per rung, each with its own rate and size', () => {
    const graph = after(args, '-filter_complex')!;
    // two rungs, then poster, storyboard and preview branches from the same decode
    expect(graph).toMatch(/^\[0:0\]split=5\[s0\]\[s1\]\[s2\]\[s3\]\[s4\];/);
    // Image branches dump frames from t=0 (no thumbnail/tile/trim holding `-progress` back: issue 12).
    // and no `fps` below 1 frame/s, which holds its first frame for half a period.
    expect(graph).toContain(
      "[s2]select='isnan(prev_selected_t)+gt(floor(t/0.416667)\\,floor(prev_selected_t/0.416667))',scale=1280:720,setsar=1[posterframes]",
    );
    expect(graph).toContain(
      "[s3]select='isnan(prev_selected_t)+gt(floor(t/5)\\,floor(prev_selected_t/5))',scale=",
    );
    expect(graph).not.toMatch(/thumbnail|tile=|trim=|fps=1\//);
    expect(graph).toContain('[s0]fps=30000/1001:start_time=0,scale=640:360');
    expect(graph).toContain('[s1]fps=60000/1001:start_time=0,scale=1280:720');
  });

  it('forces keyframes at the same instants in every rung (every 2 s), scene cuts off', () => {
    expect(after(args, '-force_key_frames:v')).toBe('expr:gte(t,n_forced*2)');
    expect(after(args, '-sc_threshold:v:0')).toBe('0');
    expect(after(args, '-sc_threshold:v:1')).toBe('0');
  });

  it('caps every rung with maxrate and bufsize', () => {
    expect([after(args, '-b:v:0'), after(args, '-maxrate:v:0'), after(args, '-bufsize:v:0')]).toEqual([
      '600k',
      '900k',
      '1800k',
    ]);
  });

  it('--crf: constant quality, still capped by maxrate/bufsize', () => {
    const crf = buildHlsArgs(planEncode(source({}), preset, { crf: 21 }));
    expect([after(crf, '-crf:v:0'), after(crf, '-maxrate:v:0'), after(crf, '-bufsize:v:0')]).toEqual([
      '21',
      '900k',
      '1800k',
    ]);
    expect(crf).not.toContain('-b:v:0');
  });

  it('writes segments only under app-made names, never the user file name (a % is a pattern)', () => {
    expect(after(args, '-hls_segment_filename')).toBe('%v/seg_%05d.ts');
    expect(args).toContain('%v/index.m3u8');
    expect(after(args, '-var_stream_map')).toBe('v:0,name:v0-360p v:1,name:v1-720p a:0,name:audio-0');
    expect(args.slice(args.indexOf('%v/index.m3u8') + 1).filter((a) => /\.(jpg|webp)$/.test(a))).toEqual([
      '.work/images/poster_%03d.jpg',
      '.work/images/thumb_%05d.jpg',
      '.work/images/preview_%04d.jpg',
    ]);
  });

  it('audio is AAC-LC stereo in its own rendition', () => {
    expect([after(args, '-c:a:0'), after(args, '-ac:a:0'), after(args, '-b:a:0')]).toEqual([
      'aac',
      '2',
      '128k',
    ]);
  });

  it('loudness: the second pass uses the first pass’s measurement with linear gain', () => {
    const plan = planEncode(source({}), preset, { loudnessLufs: -16 });
    const measured = { inputI: -27.6, inputTp: -4.5, inputLra: 1.2, inputThresh: -37.9, targetOffset: 0.3 };
    const withMeasure = {
      ...plan,
      audio: plan.audio.map((a) => ({ ...a, loudness: { ...a.loudness!, measured } })),
    };
    expect(after(buildHlsArgs(withMeasure), '-filter:a:0')).toBe(
      'loudnorm=I=-16:TP=-1.5:LRA=11:measured_I=-27.6:measured_TP=-4.5:measured_LRA=1.2:measured_thresh=-37.9:offset=0.3:linear=true,aresample=async=1',
    );
  });

  it('fMP4 HEVC: libx265 tagged hvc1, fmp4 segments with an init segment', () => {
    const hevc = buildHlsArgs(planEncode(source({}), preset, { codec: 'hevc' }));
    expect(after(hevc, '-c:v:0')).toBe('libx265');
    expect(after(hevc, '-tag:v:0')).toBe('hvc1');
    expect(after(hevc, '-hls_segment_type')).toBe('fmp4');
    expect(after(hevc, '-hls_segment_filename')).toBe('%v/seg_%05d.m4s');
    // Issue 11: any movflags of ours made ffmpeg 5.1 write the first segment into the init section.
    expect(hevc).not.toContain('-hls_segment_options');
  });

  it('audio refit: the audio renditions alone, same encoder settings, padded with apad and cut by -t', () => {
    const plan = planEncode(source({}), preset);
    const refit = buildAudioRefitArgs(plan, 2.9);
    expect(refit).not.toContain('-filter_complex');
    expect(refit.some((a) => a.endsWith('.jpg') || a.endsWith('.webp'))).toBe(false);
    expect(after(refit, '-var_stream_map')).toBe('a:0,name:audio-0');
    expect(after(refit, '-filter:a:0')).toBe('aresample=async=1,apad');
    expect(after(refit, '-b:a:0')).toBe(after(args, '-b:a:0'));
    // The output is cut at the picture's end: -t after the input, before the muxer.
    expect(refit.lastIndexOf('-t')).toBeGreaterThan(refit.indexOf('-i'));
    expect(after(refit, '-t')).toBe('2.900');
    expect(after(refit, '-hls_time')).toBe(after(args, '-hls_time'));
    expect(buildHlsArgs(plan)).not.toContain('apad');
  });

  it('an audio-only source maps no video and no filter graph', () => {
    const audioOnly = buildHlsArgs(planEncode(source(undefined), preset));
    expect(audioOnly).not.toContain('-filter_complex');
    expect(after(audioOnly, '-var_stream_map')).toBe('a:0,name:audio-0');
    expect(audioOnly.some((a) => a.endsWith('.jpg'))).toBe(false);
  });

  it('an excerpt seeks as input options (-ss, -t before -i), and only there', () => {
    const excerpt = buildHlsArgs(
      planEncode(source({}, { durationSec: 120 }), preset, { excerpt: { startSec: 12.5, durationSec: 10 } }),
    );
    const input = excerpt.indexOf('-i');
    expect(excerpt.slice(input - 4, input + 2)).toEqual([
      '-ss',
      '12.5',
      '-t',
      '10',
      '-i',
      'file:/in/clip.mp4',
    ]);
    expect(excerpt.filter((a) => a === '-ss' || a === '-t')).toHaveLength(2);
    expect(excerpt.indexOf('-protocol_whitelist')).toBeLessThan(excerpt.indexOf('-ss'));
    expect(args).not.toContain('-ss');
    expect(args).not.toContain('-t'); // no video duration known here: no cap (below)
  });

  it('reads no further than the video’s end: an audio track claiming 3,038 s beside 2.5 s of video (issue 13)', () => {
    const damaged = source({ durationSec: 2.5, startOffsetSec: 0 }, { durationSec: 3038 });
    const capped = buildHlsArgs(planEncode(damaged, preset));
    const input = capped.indexOf('-i');
    // The video's end plus a second of slack for timestamps around a splice.
    expect(capped.slice(input - 2, input)).toEqual(['-t', '3.5']);
    expect(planEncode(damaged, preset).durationSec).toBe(2.5);
  });

  it('only container demuxers may open the source: never hls, concat or image2 (issue 13)', () => {
    const list = after(args, '-format_whitelist')!.split(',');
    expect(list).toEqual(expect.arrayContaining(['mov', 'matroska', 'mpegts']));
    expect(list).not.toEqual(expect.arrayContaining(['hls']));
    expect(list.filter((d) => ['hls', 'dash', 'concat', 'image2', 'tee'].includes(d))).toEqual([]);
    expect(args.indexOf('-format_whitelist')).toBeLessThan(args.indexOf('-i'));
  });

  it('an excerpt’s graph is timed on the excerpt (timestamps start at 0): poster samples and preview window', () => {
    const plan = planEncode(source({}, { durationSec: 120 }), preset, {
      excerpt: { startSec: 60, durationSec: 10 },
    });
    const graph = after(buildHlsArgs(plan), '-filter_complex')!;
    expect(graph).toContain(
      "floor(t/0.416667)\\,floor(prev_selected_t/0.416667))',scale=1280:720,setsar=1[posterframes]",
    );
    expect(graph).toContain("select='eq(n\\,0)+between(t\\,1\\,4)'");
    expect(graph).not.toContain('subtitles=');
  });
});
