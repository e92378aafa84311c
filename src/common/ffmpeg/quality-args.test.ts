import { describe, expect, it } from 'vitest';
import { presetFrom } from '../../../test/helpers/presets.js';
import { source } from '../../../test/helpers/sources.js';
import { planEncode } from '../plan/ladder-plan.js';
import { buildHlsArgs } from './hls-args.js';
import {
  buildMetricSelfTestArgs,
  buildQualityArgs,
  qualitySampleEvery,
  qualityStatsFiles,
} from './quality-args.js';

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
    expect(graph).toContain(
      '[s0]fps=30/1:start_time=0,setpts=PTS-STARTPTS,fps=30/1,scale=1280:720:flags=bicubic',
    );
    expect(graph).toContain('[1:v:0]setpts=PTS-STARTPTS,fps=30/1,scale=1280:720:flags=bicubic');
    expect(graph).toContain('[s1]fps=60/1:start_time=0,');
    expect(graph).toContain('psnr=stats_file=v1-720p.psnr.log');
    expect(graph).toContain('ssim=stats_file=v1-720p.ssim.log');
    expect(graph).not.toContain('select');
  });

  it('samples every Nth frame on both sides alike; a package elsewhere is read by absolute path', () => {
    const args = buildQualityArgs({ plan, sampleEvery: 4, packageDir: '/pkg/a b' });
    expect(after(args, '-filter_complex')!.match(/select=not\(mod\(n\\,4\)\)/g)).toHaveLength(4);
    expect(args).toContain('file:/pkg/a b/v0-360p/index.m3u8');
  });

  it('adds VMAF and XPSNR on the same aligned, scaled, sampled frames, each input in its filter’s order', () => {
    const args = buildQualityArgs({ plan, sampleEvery: 4, extraMetrics: ['vmaf', 'xpsnr'], vmafThreads: 2 });
    const graph = after(args, '-filter_complex')!;
    // Four branches per side and rung: psnr, ssim, libvmaf, xpsnr.
    expect(graph).toContain(
      'scale=1280:720:flags=bicubic,format=yuv420p,setsar=1,split=4[r0a][r0b][r0c][r0d]',
    );
    expect(graph).toContain('[1:v:0]setpts=PTS-STARTPTS,fps=30/1,select=not(mod(n\\,4)),');
    expect(graph).toContain('setsar=1,split=4[d0a][d0b][d0c][d0d]');
    // libvmaf scores its first input ("main") against the second: distorted first.
    expect(graph).toContain('[d1c][r1c]libvmaf=log_path=v1-720p.vmaf.json:log_fmt=json:n_threads=2[vmaf1]');
    // xpsnr weighs errors by its first input's activity: the original first.
    expect(graph).toContain('[r1d][d1d]xpsnr=stats_file=v1-720p.xpsnr.log[xpsnr1]');
    const maps = args.flatMap((a, i) => (a === '-map' ? [args[i + 1]] : []));
    expect(maps).toEqual(['[p0]', '[q0]', '[vmaf0]', '[xpsnr0]', '[p1]', '[q1]', '[vmaf1]', '[xpsnr1]']);
    // Only what was asked: XPSNR alone takes the third branch.
    const xpsnrOnly = after(
      buildQualityArgs({ plan, sampleEvery: 1, extraMetrics: ['xpsnr'] }),
      '-filter_complex',
    )!;
    expect(xpsnrOnly).toContain('split=3[r0a][r0b][r0c]');
    expect(xpsnrOnly).toContain('[r0c][d0c]xpsnr=stats_file=v0-360p.xpsnr.log[xpsnr0]');
    expect(xpsnrOnly).not.toContain('libvmaf');
    // Without extras the run is PSNR and SSIM only.
    expect(after(buildQualityArgs({ plan, sampleEvery: 1 }), '-filter_complex')).not.toMatch(/libvmaf|xpsnr/);
  });

  it('names stats files beside the rung, refusing a name the filtergraph would misread', () => {
    expect(qualityStatsFiles('v0-360p')).toEqual({
      psnr: 'v0-360p.psnr.log',
      ssim: 'v0-360p.ssim.log',
      vmaf: 'v0-360p.vmaf.json',
      xpsnr: 'v0-360p.xpsnr.log',
    });
    expect(() => qualityStatsFiles("v0:it's")).toThrow(/needs filtergraph escaping/);
  });

  it('self-test: two small testsrc2 pictures through the same filter, its log in the working folder', () => {
    const vmaf = buildMetricSelfTestArgs('vmaf');
    expect(vmaf.filter((a, i) => vmaf[i - 1] === '-i')).toEqual([
      'testsrc2=size=176x144:rate=25:duration=0.2',
      'testsrc2=size=176x144:rate=25:duration=0.2',
    ]);
    expect(after(vmaf, '-filter_complex')).toBe(
      '[0:v]format=yuv420p,setsar=1[ref];[1:v]boxblur=1:1,format=yuv420p,setsar=1[dist];' +
        '[dist][ref]libvmaf=log_path=self-test.vmaf.json:log_fmt=json:n_threads=1[out]',
    );
    expect(after(buildMetricSelfTestArgs('xpsnr'), '-filter_complex')).toContain(
      '[ref][dist]xpsnr=stats_file=self-test.xpsnr.log[out]',
    );
    expect(vmaf.slice(-5)).toEqual(['-map', '[out]', '-f', 'null', '-']);
  });

  it('sampling: every frame up to 3600 per rung, never fewer than one frame per segment', () => {
    expect(qualitySampleEvery(plan)).toBe(1); // 30 s at 30 fps: 900 frames
    const film = planEncode(source({}, { durationSec: 600 }), preset);
    expect(qualitySampleEvery(film)).toBe(5); // 18,000 frames at 30 fps
    const long = planEncode(source({}, { durationSec: 7200 }), preset, { segmentDurationSec: 1 });
    expect(qualitySampleEvery(long)).toBe(30);
  });
});
