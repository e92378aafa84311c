import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { clip } from '../../../test/helpers/clips.js';
import {
  encodeInto,
  readPlaylist,
  testPreset,
  type MasterPlaylist,
  type MediaPlaylist,
} from '../../../test/helpers/encode.js';
import { firstVideoFrame } from '../../../test/helpers/ffprobe.js';
import type { EncodeEvent, PackageResult } from '../../common/encode-events.js';

const FRAME_SEC = 1 / 30;

interface Encoded {
  result: PackageResult;
  events: EncodeEvent[];
  /** Media playlist text and parsed form, by URI from the package root. */
  playlists: Map<string, { text: string; parsed: MediaPlaylist }>;
  videos: string[];
}

async function encode(input: string, format: 'ts' | 'fmp4', chunks: number | undefined): Promise<Encoded> {
  // veryfast has B-frames (ultrafast has none): the encoder delay is what shifts a chunk's timestamps.
  const preset = testPreset({
    video: { speedPreset: 'veryfast' },
    segment: { durationSec: format === 'ts' ? 2 : 4, format },
    images: { previewDurationSec: 0 },
    rungs: [
      { width: 320, height: 180, bitrateKbps: 300, maxFrameRate: 30 },
      { width: 192, height: 108, bitrateKbps: 120 },
    ],
  });
  const { result, events } = await encodeInto(input, preset, {}, { chunks, quality: false });
  const master = await readPlaylist<MasterPlaylist>(result.multivariantPlaylist);
  const videos = master.variants.filter((v) => !v.isIFrameOnly).map((v) => v.uri);
  const playlists = new Map();
  for (const uri of [...videos, 'audio-0/index.m3u8']) {
    const file = path.join(result.packageDir, uri);
    playlists.set(uri, {
      text: await readFile(file, 'utf8'),
      parsed: await readPlaylist<MediaPlaylist>(file),
    });
  }
  return { result, events, playlists, videos };
}

/** The presentation time of each segment's first frame (fMP4: read with the init section in front). */
async function firstPts(e: Encoded, uri: string): Promise<number[]> {
  const playlist = e.playlists.get(uri)!.parsed;
  const dir = path.join(e.result.packageDir, path.dirname(uri));
  const out = [];
  for (const s of playlist.segments) {
    let file = path.join(dir, s.uri);
    if (s.map) {
      file = path.join(dir, `probe-${s.uri}.mp4`);
      const bytes = [await readFile(path.join(dir, s.map.uri)), await readFile(path.join(dir, s.uri))];
      await writeFile(file, Buffer.concat(bytes));
    }
    out.push(Number((await firstVideoFrame(file)).pts_time));
  }
  return out;
}

describe.each([
  { format: 'ts' as const, chunks: 3 },
  { format: 'fmp4' as const, chunks: 2 },
])('a 12 s clip in $chunks chunks ($format) equals a one-pass encode in structure', ({ format, chunks }) => {
  let one: Encoded;
  let chunked: Encoded;

  beforeAll(async () => {
    const input = await clip('chunked-12s.mp4', {
      width: 320,
      height: 180,
      frameRate: '30',
      durationSec: 12,
    });
    one = await encode(input, format, undefined);
    chunked = await encode(input, format, chunks);
  }, 120_000);

  it('validates like the one-pass package, with the same rungs and audio', () => {
    expect(one.result.validation.valid).toBe(true);
    expect(
      chunked.result.validation.valid,
      JSON.stringify(chunked.result.validation.results.filter((r) => r.status === 'fail')),
    ).toBe(true);
    expect(chunked.videos).toEqual(one.videos);
    expect(chunked.result.audio.map((a) => a.uri)).toEqual(one.result.audio.map((a) => a.uri));
    expect(chunked.result.notes.join('\n')).toContain(`encoded in ${chunks} chunks`);
  });

  it('RFC 8216 4.3.2.3: no EXT-X-DISCONTINUITY at the joins; same segment count and durations within a frame', () => {
    for (const [uri, { text, parsed }] of chunked.playlists) {
      expect(text).not.toContain('DISCONTINUITY');
      const reference = one.playlists.get(uri)!.parsed.segments.map((s) => s.duration);
      const durations = parsed.segments.map((s) => s.duration);
      expect(durations, uri).toHaveLength(reference.length);
      durations.forEach((d, i) =>
        expect(Math.abs(d - reference[i]!), `${uri} #${i}`).toBeLessThanOrEqual(FRAME_SEC),
      );
    }
    expect(Math.abs(chunked.result.durationSec - one.result.durationSec)).toBeLessThanOrEqual(FRAME_SEC);
  });

  it('timestamps run on across the joins, and segment boundaries align across rungs', async () => {
    const starts = await Promise.all(chunked.videos.map((uri) => firstPts(chunked, uri)));
    const durations = chunked.playlists.get(chunked.videos[0]!)!.parsed.segments.map((s) => s.duration);
    for (const [r, pts] of starts.entries()) {
      for (let i = 1; i < pts.length; i++) {
        // Each segment starts where the one before it ends: a join is no different from any other boundary.
        expect(Math.abs(pts[i]! - pts[i - 1]! - durations[i - 1]!), `rung ${r} segment ${i}`).toBeLessThan(
          0.002,
        );
      }
      pts.forEach((t, i) => expect(Math.abs(t - starts[0]![i]!)).toBeLessThan(0.002));
    }
  });

  it('reports progress over the whole film, rising to 1', () => {
    const ratios = chunked.events.flatMap((e) => (e.type === 'progress' ? [e.ratio] : []));
    expect(ratios.length).toBeGreaterThan(chunks);
    expect(ratios.at(-1)).toBeCloseTo(1, 9);
    ratios.slice(1).forEach((r, i) => expect(r).toBeGreaterThanOrEqual(ratios[i]!));
  });
});

describe('image frames picked by the chunks themselves', () => {
  it('poster, storyboard sheets and animated preview equal the one-pass ones, byte for byte, with windows off every image period', async () => {
    // 13 s: poster candidates every 13/24 s, thumbnails every 3 s, the preview from 1.3 to 4.3 s; the
    // windows start at 4 and 8 s, inside a bucket of each kind (primers dropped) and inside the preview.
    const input = await clip('chunked-13s.mp4', {
      width: 320,
      height: 180,
      frameRate: '30',
      durationSec: 13,
    });
    const preset = testPreset({
      segment: { durationSec: 2 },
      images: { storyboardIntervalSec: 3, previewDurationSec: 3 },
      rungs: [{ width: 320, height: 180, bitrateKbps: 300, maxFrameRate: 30 }],
    });
    const one = (await encodeInto(input, preset, {}, { quality: false })).result;
    const chunked = (await encodeInto(input, preset, {}, { chunks: 3, quality: false })).result;
    expect(chunked.notes.join('\n')).toContain('encoded in 3 chunks of 2/2/2 segments');
    const files = (r: PackageResult) => [
      r.images!.posterJpeg,
      r.images!.preview!,
      ...r.images!.storyboard!.sprites,
    ];
    expect(files(chunked)).toEqual(files(one));
    for (const f of files(chunked)) {
      const [a, b] = [path.join(chunked.packageDir, f), path.join(one.packageDir, f)];
      expect((await readFile(a)).equals(await readFile(b)), f).toBe(true);
    }
  }, 120_000);
});
