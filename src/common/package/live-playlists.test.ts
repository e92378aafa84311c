import HLS from 'hls-parser';
import { describe, expect, it } from 'vitest';
import { presetFrom } from '../../../test/helpers/presets.js';
import { source } from '../../../test/helpers/sources.js';
import { buildHlsArgs } from '../ffmpeg/hls-args.js';
import { planEncode } from '../plan/ladder-plan.js';
import {
  liveMediaPlaylist,
  livePackage,
  resolveLiveRequest,
  segmentName,
  settledSegmentFiles,
  stagedInitName,
} from './live-playlists.js';

const preset = (format: 'ts' | 'fmp4') =>
  presetFrom({
    segment: { durationSec: 6, format },
    rungs: [
      { width: 640, height: 360, bitrateKbps: 600, maxFrameRate: 30 },
      { width: 1280, height: 720, bitrateKbps: 2800 },
    ],
  });
const plan = (durationSec: number, format: 'ts' | 'fmp4' = 'ts') =>
  planEncode(source({}, { durationSec }), preset(format));

const media = (text: string) => HLS.parse(text) as HLS.types.MediaPlaylist;
const master = (text: string) => HLS.parse(text) as HLS.types.MasterPlaylist;

describe('live preview playlists (written from the plan before anything is encoded)', () => {
  it('RFC 8216 4.3.3.5 / 6.2.1: a VOD playlist listing every expected segment, the last shorter, with ENDLIST', () => {
    const live = livePackage(plan(27.5));
    const video = live.renditions.find((r) => r.kind === 'video')!;
    const p = media(liveMediaPlaylist(live, video));
    expect(p.playlistType).toBe('VOD');
    expect(p.endlist).toBe(true);
    expect(p.segments.map((s) => s.uri)).toEqual([
      'seg_00000.ts',
      'seg_00001.ts',
      'seg_00002.ts',
      'seg_00003.ts',
      'seg_00004.ts',
    ]);
    expect(p.segments.map((s) => s.duration)).toEqual([6, 6, 6, 6, 3.5]);
    expect(p.targetDuration).toBe(6);
    expect(p.segments[0]!.map).toBeFalsy();
  });

  it('a whole number of segments has no empty extra one; a sub-second tail is folded as the packager folds it', () => {
    const whole = livePackage(plan(30)).renditions[0]!.segments;
    expect(whole.map((s) => s.durationSec)).toEqual([6, 6, 6, 6, 6]);
    const tail = livePackage(plan(30.02)).renditions[0]!.segments;
    expect(tail).toHaveLength(5);
    expect(tail[4]!.durationSec).toBeCloseTo(6.02, 6);
    // RFC 8216 4.3.3.1: the folded 6.02 s still rounds to the target duration.
    expect(livePackage(plan(30.02)).targetDurationSec).toBe(6);
  });

  it('RFC 8216 4.3.2.5: fMP4 renditions carry EXT-X-MAP with the init section name of the finished package', () => {
    const live = livePackage(plan(12, 'fmp4'));
    for (const r of live.renditions) {
      const p = media(liveMediaPlaylist(live, r));
      expect(p.segments[0]!.map?.uri).toBe('init.mp4');
      expect(p.segments.map((s) => s.uri)).toEqual(['seg_00000.m4s', 'seg_00001.m4s']);
    }
  });

  it('RFC 8216 4.3.4.2: one variant per rung, BANDWIDTH from its max bit rate plus audio, RESOLUTION, an AUDIO group', () => {
    const p = plan(20);
    const m = master(livePackage(p).multivariant);
    const variants = m.variants.filter((v) => !v.isIFrameOnly);
    expect(variants).toHaveLength(p.video!.rungs.length);
    for (const rung of p.video!.rungs) {
      const v = variants.find((x) => x.uri === `${rung.id}/index.m3u8`)!;
      expect(v.bandwidth).toBe((rung.maxBitrateKbps + p.audio[0]!.bitrateKbps) * 1000);
      expect(v.averageBandwidth).toBe((rung.bitrateKbps + p.audio[0]!.bitrateKbps) * 1000);
      expect(v.resolution).toEqual({ width: rung.width, height: rung.height });
      expect(v.codecs).toMatch(/^avc1\.[0-9a-f]{6},mp4a\.40\.2$/);
      expect(v.audio.map((a) => a.uri)).toEqual([`${p.audio[0]!.id}/index.m3u8`]);
    }
  });

  it('an audio-only plan has the default audio playlist as its one variant', () => {
    const p = planEncode(source(undefined, { durationSec: 10 }), preset('ts'));
    const m = master(livePackage(p).multivariant);
    expect(m.variants.map((v) => v.uri)).toEqual([`${p.audio[0]!.id}/index.m3u8`]);
  });

  it("names ffmpeg's init sections by var_stream_map index: video rungs in order, then audio", () => {
    const p = plan(12, 'fmp4');
    const live = livePackage(p);
    const streamMap = buildHlsArgs(p)[buildHlsArgs(p).indexOf('-var_stream_map') + 1]!.split(' ');
    live.renditions.forEach((r) => {
      expect(streamMap[r.variantIndex]).toContain(`name:${r.id}`);
      expect(stagedInitName(r)).toBe(`init_${r.variantIndex}.mp4`);
    });
  });

  it('resolves only the names it lists: playlists, init sections, expected segments', () => {
    const live = livePackage(plan(12, 'fmp4'));
    const [v0] = live.renditions;
    expect(resolveLiveRequest(live, 'master.m3u8')).toEqual({ kind: 'multivariant' });
    expect(resolveLiveRequest(live, `${v0!.id}/index.m3u8`)).toMatchObject({ kind: 'media' });
    expect(resolveLiveRequest(live, `${v0!.id}/init.mp4`)).toMatchObject({ kind: 'init' });
    expect(resolveLiveRequest(live, `${v0!.id}/seg_00001.m4s`)).toMatchObject({ kind: 'segment', index: 1 });
    for (const bad of [
      `${v0!.id}/seg_00002.m4s`,
      `${v0!.id}/init_0.mp4`,
      `${v0!.id}/../../secret`,
      '.work/images',
      'video.json',
      `x/${v0!.id}/index.m3u8`,
    ])
      expect(resolveLiveRequest(live, bad)).toBeUndefined();
    expect(segmentName('ts', 42)).toBe('seg_00042.ts');
  });

  describe('which staged files make a segment once the media is settled (ffmpeg over, nothing folded yet)', () => {
    const staged = (...durations: number[]) =>
      durations.map((durationSec, i) => ({ name: segmentName('ts', i), durationSec }));
    const live = livePackage(plan(18));
    const [v0] = live.renditions;

    it("ffmpeg's 21 ms tail is appended to the last segment, as the packager will fold it", () => {
      const tail = staged(6, 6, 6, 0.021);
      expect(settledSegmentFiles(live, v0!, 0, tail)).toEqual(['seg_00000.ts']);
      expect(settledSegmentFiles(live, v0!, 1, tail)).toEqual(['seg_00001.ts']);
      expect(settledSegmentFiles(live, v0!, 2, tail)).toEqual(['seg_00002.ts', 'seg_00003.ts']);
    });

    it('a tail the packager keeps as its own segment still reaches the player through the last listed one', () => {
      // 1.5 s is no sub-second tail: the package keeps seg_00003, the preview listed three segments.
      expect(settledSegmentFiles(live, v0!, 2, staged(6, 6, 6, 1.5))).toEqual([
        'seg_00002.ts',
        'seg_00003.ts',
      ]);
      expect(settledSegmentFiles(live, v0!, 1, staged(6, 6, 6, 1.5))).toEqual(['seg_00001.ts']);
    });

    it('a segment the package will not have waits for the finished package (ffmpeg cut fewer than planned)', () => {
      expect(settledSegmentFiles(live, v0!, 2, staged(6, 6))).toBeUndefined();
      expect(settledSegmentFiles(live, v0!, 1, staged(6, 6))).toEqual(['seg_00001.ts']);
      // ffmpeg cut 6 + 5.9 + 0.3: the 0.3 s tail folds into seg_00001, which is then the preview's
      // seg_00001 with the tail; the preview's seg_00002 has no counterpart.
      expect(settledSegmentFiles(live, v0!, 1, staged(6, 5.9, 0.3))).toEqual([
        'seg_00001.ts',
        'seg_00002.ts',
      ]);
      expect(settledSegmentFiles(live, v0!, 2, staged(6, 5.9, 0.3))).toBeUndefined();
    });
  });
});
