import { describe, expect, it } from 'vitest';
import { presetFrom } from '../../../test/helpers/presets.js';
import { source } from '../../../test/helpers/sources.js';
import { planEncode } from '../plan/ladder-plan.js';
import { buildHlsArgs } from './hls-args.js';
import { buildQualityArgs, qualitySampleEvery } from './quality-args.js';

const preset = presetFrom({
  rungs: [
    { width: 640, height: 360, bitrateKbps: 600, maxFrameRate: 30 },
    { width: 1280, height: 720, bitrateKbps: 2800 },
  ],
});
const after = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe('buildQualityArgs', () => {
  const plan = planEncode(source({ frameRate: { num: 60, den: 1 } }, { durationSec: 30 }), preset);

  it('reads the source as the encode does, then each rung through its own playlist with the HLS demuxer', () => {
    const args = buildQualityArgs({ plan, sampleEvery: 1 });
    const inputs = args.flatMap((a, i) => (a === '-i' ? [args[i + 1]] : []));
    expect(inputs).toEqual(['file:/in/clip.mp4', 'file:v0-360p/index.m3u8', 'file:v1-720p/index.m3u8']);
    const encode = buildHlsArgs(plan);
    expect(args.slice(0, args.indexOf('-i') + 2)).toEqual(encode.slice(0, encode.indexOf('-i') + 2));
    // The source keeps the container whitelist; only the package's playlists may use hls.
    expect(args.filter((a) => a.startsWith('hls,'))).toEqual(['hls,mpegts', 'hls,mpegts']);
    expect(after(args, '-f')).toBe('null');
  });

  it('compares at the top rung’s size with one scaler, at each rung’s own frame rate', () => {
    const graph = after(buildQualityArgs({ plan, sampleEvery: 1 }), '-filter_complex')!;
    expect(graph).toMatch(/^\[0:0\]split=2\[s0\]\[s1\];/);
    expect(graph).toContain('[s0]fps=30/1,setpts=PTS-STARTPTS,fps=30/1,scale=1280:720:flags=bicubic');
    expect(graph).toContain('[1:v:0]setpts=PTS-STARTPTS,fps=30/1,scale=1280:720:flags=bicubic');
    expect(graph).toContain('[s1]fps=60/1,');
    expect(graph).toContain('psnr=stats_file=v1-720p.psnr.log');
    expect(graph).toContain('ssim=stats_file=v1-720p.ssim.log');
    expect(graph).not.toContain('select');
  });

  it('samples every Nth frame on both sides alike; a package elsewhere is read by absolute path', () => {
    const args = buildQualityArgs({ plan, sampleEvery: 4, packageDir: '/pkg/a b' });
    expect(after(args, '-filter_complex')!.match(/select=not\(mod\(n\\,4\)\)/g)).toHaveLength(4);
    expect(args).toContain('file:/pkg/a b/v0-360p/index.m3u8');
  });

  it('sampling: every frame up to 3600 per rung, never fewer than one frame per segment', () => {
    expect(qualitySampleEvery(plan)).toBe(1); // 30 s at 30 fps: 900 frames
    const film = planEncode(source({}, { durationSec: 600 }), preset);
    expect(qualitySampleEvery(film)).toBe(5); // 18,000 frames at 30 fps
    const long = planEncode(source({}, { durationSec: 7200 }), preset, { segmentDurationSec: 1 });
    expect(qualitySampleEvery(long)).toBe(30);
  });
});
