import { describe, expect, it } from 'vitest';
import { fixtureSource } from '../../../test/helpers/ffprobe-fixture.js';
import { presetFrom } from '../../../test/helpers/presets.js';
import { source } from '../../../test/helpers/sources.js';
import { fitInside, languageFromFileName, normalizeLanguage, planEncode } from './ladder-plan.js';

const preset = presetFrom({
  rungs: [
    { width: 640, height: 360, bitrateKbps: 600, maxFrameRate: 30 },
    { width: 1280, height: 720, bitrateKbps: 2800 },
    { width: 1920, height: 1080, bitrateKbps: 5000 },
  ],
});

const sizes = (plan: ReturnType<typeof planEncode>) => plan.video!.rungs.map((r) => `${r.width}x${r.height}`);

describe('planEncode', () => {
  it('a 1080p source gets every rung, ids named by the short side', () => {
    const plan = planEncode(source({}), preset);
    expect(sizes(plan)).toEqual(['640x360', '1280x720', '1920x1080']);
    expect(plan.video!.rungs.map((r) => r.id)).toEqual(['v0-360p', 'v1-720p', 'v2-1080p']);
  });

  it('never upscales: a 720p source drops the 1080p rung and says so', () => {
    const plan = planEncode(source({ width: 1280, height: 720 }), preset);
    expect(sizes(plan)).toEqual(['640x360', '1280x720']);
    expect(plan.notes.join()).toMatch(/1 rung\(s\) above/);
  });

  it('keeps one rung at the source size when the source is smaller than every rung (odd 161x121 → 160x120)', () => {
    const plan = planEncode(source({ width: 161, height: 121 }), preset);
    expect(sizes(plan)).toEqual(['160x120']);
    expect(plan.video!.rungs[0]!.bitrateKbps).toBeLessThan(600);
  });

  it('a portrait phone video (rotated 90°) gets portrait rungs', () => {
    const plan = planEncode(
      source({ width: 1920, height: 1080, rotation: 90, displayWidth: 1080, displayHeight: 1920 }),
      preset,
    );
    expect(sizes(plan)).toEqual(['360x640', '720x1280', '1080x1920']);
    expect(plan.notes.join()).toMatch(/portrait/);
  });

  it('the real iPhone 4S file (568x320 rotated) plans portrait, even sizes, no upscale', () => {
    const plan = planEncode(fixtureSource('iphone-h264-rot90-vfr'), preset);
    for (const r of plan.video!.rungs) {
      expect(r.height).toBeGreaterThan(r.width);
      expect(r.width % 2).toBe(0);
      expect(r.height % 2).toBe(0);
      expect(r.height).toBeLessThanOrEqual(568);
    }
  });

  it('anamorphic PAL (720x576, SAR 64:45) keeps 16:9 on screen with square pixels', () => {
    const plan = planEncode(fixtureSource('dvb-mpeg2-576i-sar64x45'), preset);
    expect(sizes(plan)).toEqual(['640x360']);
    expect(plan.video!.preFilters.join()).toContain('bwdif');
    expect(plan.notes.join()).toMatch(/anamorphic/);
  });

  it('odd dimensions always give even rung sizes (4:2:0)', () => {
    const plan = planEncode(source({ width: 3026, height: 1386 }), preset);
    expect(sizes(plan)).toEqual(['640x294', '1280x586', '1920x880']);
  });

  it('59.94 fps: the low rung is capped to 29.97, the others keep 59.94; keyframes every 2 s in frames of each rate', () => {
    const plan = planEncode(source({ frameRate: { num: 60000, den: 1001 } }), preset);
    const [low, mid] = plan.video!.rungs;
    expect(low!.frameRate).toEqual({ num: 30000, den: 1001 });
    expect(mid!.frameRate).toEqual({ num: 60000, den: 1001 });
    expect(plan.keyframeIntervalSec).toBe(2);
    expect(low!.gopFrames).toBe(60);
    expect(mid!.gopFrames).toBe(120);
  });

  it('VFR sources are converted to a constant rate and the plan says so', () => {
    const plan = planEncode(fixtureSource('screen-capture-extreme-vfr'), preset);
    expect(plan.notes.join()).toMatch(/variable frame rate: constant 23\.976/);
  });

  it('segment duration 6 s → keyframe every 2 s; 5 s → every 1.667 s (never over 2 s, whole fraction)', () => {
    expect(planEncode(source({}), preset).keyframeIntervalSec).toBe(2);
    expect(planEncode(source({}), preset, { segmentDurationSec: 5 }).keyframeIntervalSec).toBeCloseTo(5 / 3);
    expect(planEncode(source({}), preset, { segmentDurationSec: 4 }).keyframeIntervalSec).toBe(2);
  });

  it('HDR sources are tone-mapped to SDR before the split', () => {
    const plan = planEncode(fixtureSource('hevc-pq-hdr10'), preset);
    expect(plan.video!.preFilters.join()).toMatch(/zscale=tin=smpte2084.*tonemap=tonemap=hable/);
    const hlg = planEncode(fixtureSource('iphone-hevc-hlg-rot90'), preset);
    expect(hlg.video!.preFilters.join()).toMatch(/tin=arib-std-b67/);
  });

  it('audio only: no video plan, an audio-only package; 5.1 is downmixed to stereo', () => {
    const plan = planEncode(fixtureSource('audio-only-opus-51'), preset);
    expect(plan.video).toBeUndefined();
    expect(plan.audio).toEqual([expect.objectContaining({ channels: 2, sourceChannels: 6 })]);
    expect(plan.notes.join()).toMatch(/audio-only package.*|stereo downmix/);
  });

  it('no audio: a video-only package', () => {
    const plan = planEncode(source({}, { audio: [] }), preset);
    expect(plan.audio).toEqual([]);
    expect(plan.notes).toContain('no audio: a video-only package');
  });

  it('HEVC is always fMP4', () => {
    const plan = planEncode(source({}), preset, { codec: 'hevc', format: 'ts' });
    expect(plan.format).toBe('fmp4');
    expect(plan.encoder).toBe('libx265');
  });

  it('VBV peak defaults to 1.5x the average and the buffer to 2x the peak', () => {
    const rung = planEncode(source({}), preset).video!.rungs[0]!;
    expect(rung).toMatchObject({ bitrateKbps: 600, maxBitrateKbps: 900, bufferKbits: 1800 });
  });
});

describe('fitInside', () => {
  it('fits 4:3 into a 16:9 box by height and 2.39:1 by width', () => {
    expect(fitInside({ displayWidth: 1440, displayHeight: 1080 }, 1920, 1080)).toEqual({
      width: 1440,
      height: 1080,
    });
    expect(fitInside({ displayWidth: 1920, displayHeight: 804 }, 1280, 720)).toEqual({
      width: 1280,
      height: 536,
    });
  });
});

describe('renditions', () => {
  it('every audio track becomes a rendition; ISO 639-2 codes become RFC 5646 tags; one DEFAULT; names unique', () => {
    const plan = planEncode(
      source(
        {},
        {
          audio: [
            { index: 1, codec: 'eac3', channels: 2, sampleRate: 48000, language: 'fre', isDefault: false },
            { index: 2, codec: 'eac3', channels: 6, sampleRate: 48000, language: 'fra', isDefault: true },
            { index: 3, codec: 'aac', channels: 2, sampleRate: 48000, language: 'ger', isDefault: false },
          ],
        },
      ),
      preset,
    );
    expect(plan.audio.map((a) => [a.id, a.language, a.name, a.isDefault])).toEqual([
      ['audio-0', 'fr', 'French', false],
      ['audio-1', 'fr', 'French 2', true],
      ['audio-2', 'de', 'German', false],
    ]);
  });

  it('--audio keeps only the chosen tracks', () => {
    const plan = planEncode(
      source(
        {},
        {
          audio: [1, 2].map((index) => ({
            index,
            codec: 'aac',
            channels: 2,
            sampleRate: 48000,
            isDefault: false,
          })),
        },
      ),
      preset,
      { audioStreams: [2] },
    );
    expect(plan.audio.map((a) => a.streamIndex)).toEqual([2]);
    expect(plan.audio[0]!.isDefault).toBe(true);
  });

  it('text subtitle streams and sidecar files become subtitle renditions; bitmap ones are reported', () => {
    const plan = planEncode(fixtureSource('mkv-h264-ac3-srt'), preset, {
      subtitleFiles: [{ path: '/subs/film.de.srt' }],
    });
    expect(plan.subtitles.map((s) => [s.id, s.language, s.name])).toEqual([
      ['sub-0', 'en', expect.any(String)],
      ['sub-1', 'de', 'German'],
    ]);
    const dvb = planEncode(
      source(
        {},
        { subtitles: [{ index: 4, codec: 'dvb_subtitle', bitmap: true, forced: false, isDefault: false }] },
      ),
      preset,
    );
    expect(dvb.subtitles).toEqual([]);
    expect(dvb.notes.join()).toMatch(/bitmap format: not convertible/);
  });

  it('a burnt-in stream is not also a rendition, and a bitmap one is overlaid in the graph', () => {
    const plan = planEncode(
      source(
        {},
        { subtitles: [{ index: 4, codec: 'dvb_subtitle', bitmap: true, forced: false, isDefault: false }] },
      ),
      preset,
      { burnIn: { streamIndex: 4 } },
    );
    expect(plan.video!.burnIn).toEqual({ source: { kind: 'stream', streamIndex: 4 }, bitmap: true });
    expect(plan.notes.join()).not.toMatch(/not convertible/);
  });

  it('burning a stream that does not exist is a clear error', () => {
    expect(() => planEncode(source({}), preset, { burnIn: { streamIndex: 9 } })).toThrow(
      /no subtitle stream 9/,
    );
  });

  it('a sidecar named *.forced.* is a FORCED rendition', () => {
    const plan = planEncode(source({}), preset, { subtitleFiles: [{ path: '/s/film.en.forced.srt' }] });
    expect(plan.subtitles[0]).toMatchObject({ language: 'en', forced: true });
  });

  it('language helpers', () => {
    expect(languageFromFileName('/a/film.en.srt')).toBe('en');
    expect(languageFromFileName('/a/film.fra.forced.srt')).toBe('fra');
    expect(languageFromFileName('/a/film.srt')).toBeUndefined();
    expect(normalizeLanguage('eng')).toBe('en');
    expect(normalizeLanguage('und')).toBeUndefined();
  });
});

describe('images and encryption', () => {
  it('poster at the top rung size; storyboard sheets no larger than needed; preview a few seconds in', () => {
    const plan = planEncode(source({}, { durationSec: 23 }), preset);
    expect(plan.images!.poster).toMatchObject({ width: 1920, height: 1080, sampleRate: '24000/23000' });
    expect(plan.images!.storyboard).toMatchObject({
      intervalSec: 5,
      tileWidth: 160,
      tileHeight: 90,
      columns: 5,
      rows: 1,
    });
    expect(plan.images!.preview).toMatchObject({ startSec: 2.3, durationSec: 3 });
  });

  it('a portrait source gets portrait storyboard tiles', () => {
    const plan = planEncode(source({ rotation: 90, displayWidth: 1080, displayHeight: 1920 }), preset);
    const sb = plan.images!.storyboard!;
    expect(sb.tileHeight).toBeGreaterThan(sb.tileWidth);
  });

  it('audio-only packages have no images', () => {
    expect(planEncode(source(undefined), preset).images).toBeUndefined();
  });

  it('encryption comes from options over the preset, with the default key URI outside the package', () => {
    expect(planEncode(source({}), preset).encryption).toBeUndefined();
    expect(planEncode(source({}), preset, { encrypt: true, keyRotationSegments: 2 }).encryption).toEqual({
      keyUriTemplate: '../../{package}.keys/{key}',
      rotateEverySegments: 2,
    });
  });
});

describe('excerpts ("try before you encode")', () => {
  const long = source({}, { durationSec: 120 });

  it('the plan reads only the window, and its duration is the excerpt’s', () => {
    const plan = planEncode(long, preset, { excerpt: { startSec: 12, durationSec: 10 } });
    expect(plan.inputWindow).toEqual({ startSec: 12, durationSec: 10 });
    expect(plan.durationSec).toBe(10);
  });

  it('without an excerpt there is no window and the whole source is planned', () => {
    const plan = planEncode(long, preset);
    expect(plan.inputWindow).toBeUndefined();
    expect(plan.durationSec).toBe(120);
  });

  it.for([
    ['negative start → 0', { startSec: -5, durationSec: 10 }, { startSec: 0, durationSec: 10 }],
    [
      'runs past the end → cut at the end',
      { startSec: 115, durationSec: 10 },
      { startSec: 115, durationSec: 5 },
    ],
    [
      'starts past the end → the last second',
      { startSec: 500, durationSec: 10 },
      { startSec: 119, durationSec: 1 },
    ],
    [
      'starts in the last second → what is left',
      { startSec: 119.5, durationSec: 10 },
      { startSec: 119, durationSec: 1 },
    ],
  ] as const)('clamps into the source: %s', ([, excerpt, expected]) => {
    const plan = planEncode(long, preset, { excerpt });
    expect(plan.inputWindow).toEqual(expected);
    expect(plan.durationSec).toBe(expected.durationSec);
  });

  it('a source shorter than a second: from 0, no longer than the source', () => {
    const plan = planEncode(source({}, { durationSec: 0.6 }), preset, {
      excerpt: { startSec: 3, durationSec: 10 },
    });
    expect(plan.inputWindow).toEqual({ startSec: 0, durationSec: 0.6 });
  });

  it('a zero or non-numeric duration is a clear error', () => {
    expect(() => planEncode(long, preset, { excerpt: { startSec: 0, durationSec: 0 } })).toThrow(
      /positive duration/,
    );
    expect(() => planEncode(long, preset, { excerpt: { startSec: NaN, durationSec: 5 } })).toThrow(
      /positive duration/,
    );
  });

  it('images are timed on the excerpt: poster samples, storyboard sheet and preview within its 10 s', () => {
    const plan = planEncode(long, preset, { excerpt: { startSec: 60, durationSec: 10 } });
    expect(plan.images!.poster.sampleRate).toBe('24000/10000');
    expect(plan.images!.storyboard).toMatchObject({ columns: 2, rows: 1 });
    expect(plan.images!.preview).toMatchObject({ startSec: 1, durationSec: 3 });
  });

  it('subtitles (streams and sidecars) are left out, with a note', () => {
    const withSubs = source(
      {},
      {
        durationSec: 120,
        subtitles: [
          { index: 2, codec: 'subrip', language: 'eng', bitmap: false, forced: false, isDefault: false },
        ],
      },
    );
    const subtitleFiles = [{ path: '/subs/film.de.srt' }];
    expect(planEncode(withSubs, preset, { subtitleFiles }).subtitles).toHaveLength(2);
    const plan = planEncode(withSubs, preset, { subtitleFiles, excerpt: { startSec: 12, durationSec: 10 } });
    expect(plan.subtitles).toEqual([]);
    expect(plan.notes).toContain('excerpt 12–22 s: subtitles left out');
    const sidecarOnly = planEncode(long, preset, { subtitleFiles, excerpt: { startSec: 0, durationSec: 5 } });
    expect(sidecarOnly.subtitles).toEqual([]);
    expect(sidecarOnly.notes).toContain('excerpt 0–5 s: subtitles left out');
  });

  it('burn-in is left out, with a note, and a bad stream index is not an error then', () => {
    const plan = planEncode(long, preset, {
      burnIn: { streamIndex: 9 },
      excerpt: { startSec: 12, durationSec: 10 },
    });
    expect(plan.video!.burnIn).toBeUndefined();
    expect(plan.video!.preFilters.join()).not.toContain('subtitles=');
    expect(plan.notes).toContain('excerpt 12–22 s: burnt-in subtitles left out');
    const file = planEncode(long, preset, {
      burnIn: { file: '/subs/film.en.srt' },
      excerpt: { startSec: 12, durationSec: 10 },
    });
    expect(file.video!.preFilters.join()).not.toContain('subtitles=');
  });

  it('the loudness passes are left out, with a note instead of the two-pass one', () => {
    const plan = planEncode(long, preset, {
      loudnessLufs: -16,
      excerpt: { startSec: 12.25, durationSec: 10 },
    });
    expect(plan.audio[0]!.loudness).toBeUndefined();
    expect(plan.notes).toContain('excerpt 12.3–22.3 s: loudness normalisation left out');
    expect(plan.notes.join()).not.toMatch(/two passes/);
  });

  it('a source with nothing to leave out gets no excerpt note; the rest of the plan is the full one', () => {
    const options = { crf: 22, encrypt: true, codec: 'hevc' as const };
    const full = planEncode(long, preset, options);
    const plan = planEncode(long, preset, { ...options, excerpt: { startSec: 12, durationSec: 10 } });
    expect(plan.notes.join()).not.toMatch(/excerpt/);
    const { inputWindow, durationSec, images, durationCapSec: _c, ...rest } = plan;
    const { inputWindow: _w, durationSec: _d, images: _i, durationCapSec: _fc, ...fullRest } = full;
    expect(inputWindow).toBeDefined();
    expect(durationSec).toBe(10);
    expect(images?.poster).toMatchObject({ width: full.images!.poster.width });
    expect(rest).toEqual(fullRest);
  });
});
