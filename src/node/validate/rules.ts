import { indexFmp4Segment, readFmp4Init, type Fmp4Init } from '../../common/container/fmp4-index.js';
import type { RuleResult } from '../../common/validate/validation-report.js';
import type { LoadedMedia, ValidationContext } from './validate-package.js';

type Outcome = Pick<RuleResult, 'status' | 'message'>;

export interface Rule extends Omit<RuleResult, 'status' | 'message'> {
  check(ctx: ValidationContext): Promise<Outcome>;
}

const pass: Outcome = { status: 'pass' };
const skip = (message: string): Outcome => ({ status: 'skip', message });
/** Fails with the first few problems named; passes when there are none. */
const verdict = (problems: string[]): Outcome =>
  problems.length === 0
    ? pass
    : {
        status: 'fail',
        message:
          problems.slice(0, 5).join('; ') + (problems.length > 5 ? ` (+${problems.length - 5} more)` : ''),
      };

const loaded = (ctx: ValidationContext, ...kinds: LoadedMedia['kind'][]) =>
  ctx.media.filter((m) => m.playlist && (kinds.length === 0 || kinds.includes(m.kind)));
const shortName = (url: URL) => url.pathname.split('/').slice(-2).join('/');
const name = (m: LoadedMedia) => shortName(m.url);

/** rfc8216-6.2.4-duration: share of the presentation two renditions may differ by (besides one target duration). */
export const DURATION_TOLERANCE = 0.02;

/** "missing", or "unreadable (HTTP 503 SlowDown after 6 attempts)". */
const unreadable = (problem: string) => (problem === 'missing' ? problem : `unreadable (${problem})`);

/** Measured bit rates of a media playlist from the bytes its segments take. */
async function measure(
  ctx: ValidationContext,
  m: LoadedMedia,
): Promise<{ average: number; peak: number } | undefined> {
  let bits = 0;
  let seconds = 0;
  let peak = 0;
  for (const s of m.playlist!.segments) {
    const size = await ctx.segmentSize(m, s);
    if (size === undefined) return undefined;
    bits += size * 8;
    seconds += s.duration;
    if (s.duration > 0) peak = Math.max(peak, (size * 8) / s.duration);
  }
  return seconds > 0 ? { average: bits / seconds, peak } : undefined;
}

/** Video variants with the audio rendition measured alongside (the largest of the group counts). */
async function variantRates(ctx: ValidationContext) {
  const audio = await Promise.all(
    loaded(ctx, 'audio')
      .filter((m) => !m.attributes.bandwidth)
      .map((m) => measure(ctx, m)),
  );
  const loudest = audio.reduce<{ average: number; peak: number } | undefined>(
    (max, r) => (r && (!max || r.peak > max.peak) ? r : max),
    undefined,
  );
  const rates = [];
  for (const m of ctx.media.filter((m) => m.playlist && m.attributes.bandwidth && m.kind !== 'iframe')) {
    const own = await measure(ctx, m);
    if (!own) continue;
    const withAudio =
      m.kind === 'video' && loudest
        ? { average: own.average + loudest.average, peak: own.peak + loudest.peak }
        : own;
    rates.push({ m, measured: withAudio });
  }
  return rates;
}

const inits = new WeakMap<LoadedMedia, Promise<Fmp4Init | undefined>>();
/** The parsed EXT-X-MAP of an fMP4 media playlist (read once per playlist). */
function fmp4Init(ctx: ValidationContext, m: LoadedMedia): Promise<Fmp4Init | undefined> {
  let init = inits.get(m);
  if (!init) {
    const map = m.playlist!.segments[0]!.map!;
    init = ctx.reader
      .bytes(new URL(map.uri, m.url), map.byterange)
      .then((b) => readFmp4Init(b))
      .catch(() => undefined);
    inits.set(m, init);
  }
  return init;
}

/** Runs `fn` over items a few at a time (each is an ffprobe process), keeping the order of results. */
async function inParallel<T, R>(items: T[], fn: (item: T) => Promise<R>, width = 4): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return results;
}

export const RULES: Rule[] = [
  {
    id: 'rfc8216-parse',
    reference: 'RFC 8216 4',
    level: 'MUST',
    title: 'every playlist parses',
    async check(ctx) {
      if (ctx.masterError) return verdict([ctx.masterError]);
      return verdict([
        ...(ctx.masterProblems ?? []).map((p) => `${ctx.reader.root.href}: ${p}`),
        ...ctx.media.flatMap((m) =>
          m.error ? [m.error] : (m.parseProblems ?? []).map((p) => `${m.url.href}: ${p}`),
        ),
      ]);
    },
  },
  {
    id: 'rfc8216-10-confined',
    reference: 'RFC 8216 10 (untrusted URIs); HLS Studio policy, docs/validation.md',
    level: 'MUST',
    title: 'every URI a playlist names stays inside the package (and its keys folder)',
    async check(ctx) {
      if (!ctx.master) return skip('no multivariant playlist');
      return verdict(
        ctx.refused.map(
          (r) => `${shortName(r.playlist)} names ${JSON.stringify(r.uri)}: ${r.reason} (not read)`,
        ),
      );
    },
  },
  {
    id: 'rfc8216-6.2.1',
    reference: 'RFC 8216 6.2.1',
    level: 'MUST',
    title: 'every segment and map a playlist names exists and is not empty',
    async check(ctx) {
      const problems: string[] = [];
      for (const m of loaded(ctx)) {
        for (const s of m.playlist!.segments) {
          const state = await ctx.resourceState(ctx.segmentUrl(m, s));
          if (state.problem) problems.push(`${name(m)}: ${s.uri} is ${unreadable(state.problem)}`);
          else if (!state.size || (s.byterange && !(s.byterange.length > 0)))
            problems.push(`${name(m)}: ${s.uri} is empty`);
          if (s.map) {
            const map = await ctx.resourceState(new URL(s.map.uri, m.url));
            if (map.problem) problems.push(`${name(m)}: map ${s.map.uri} is ${unreadable(map.problem)}`);
            else if (!map.size) problems.push(`${name(m)}: map ${s.map.uri} is empty`);
          }
        }
        if (m.playlist!.segments.length === 0) problems.push(`${name(m)} lists no segment`);
      }
      return verdict([...new Set(problems)]);
    },
  },
  {
    id: 'rfc8216-4.3.2.2',
    reference: 'RFC 8216 4.3.2.2, 4.3.2.5',
    level: 'MUST',
    title: 'every byte range (segment or map) has a positive length and lies inside its resource',
    async check(ctx) {
      const problems: string[] = [];
      const check = async (m: LoadedMedia, uri: string, range: { offset?: number; length: number }) => {
        const where = `${name(m)}: ${uri} @${range.offset ?? '?'}+${range.length}`;
        if (!(range.length > 0)) return problems.push(`${where} has no positive length`);
        const size = await ctx.resourceSize(new URL(uri, m.url));
        if (size !== undefined && range.offset !== undefined && range.offset + range.length > size)
          problems.push(`${where} ends past the file's ${size} bytes`);
      };
      for (const m of loaded(ctx)) {
        for (const s of m.playlist!.segments) {
          if (s.byterange) await check(m, s.uri, s.byterange);
          if (s.map?.byterange) await check(m, s.map.uri, s.map.byterange);
        }
      }
      return verdict([...new Set(problems)]);
    },
  },
  {
    id: 'rfc8216-3.3-init',
    reference: 'RFC 8216 3.3, 4.3.2.5',
    level: 'MUST',
    title: 'an fMP4 Media Initialization Section is ftyp + moov and carries no media samples',
    async check(ctx) {
      const maps = loaded(ctx, 'video', 'audio').filter((m) => m.playlist!.segments[0]?.map);
      if (maps.length === 0) return skip('no fMP4 playlist');
      const problems: string[] = [];
      for (const m of maps) {
        const map = m.playlist!.segments[0]!.map!;
        const init = await fmp4Init(ctx, m);
        if (!init) {
          problems.push(`${name(m)}: map ${map.uri} cannot be read`);
          continue;
        }
        const media = init.topLevel.filter((t) => t === 'moof' || t === 'mdat');
        if (!init.topLevel.includes('moov')) problems.push(`${name(m)}: map ${map.uri} has no moov`);
        if (media.length > 0)
          problems.push(`${name(m)}: map ${map.uri} holds media (${init.topLevel.join(', ')})`);
      }
      return verdict(problems);
    },
  },
  {
    id: 'rfc8216-3.3-fragments',
    reference: 'RFC 8216 3.3',
    level: 'MUST',
    title: 'every fMP4 segment carries its own movie fragments (moof + mdat with samples)',
    async check(ctx) {
      const maps = loaded(ctx, 'video', 'audio').filter((m) => m.playlist!.segments[0]?.map);
      if (maps.length === 0) return skip('no fMP4 playlist');
      const problems: string[] = [];
      let checked = 0;
      let total = 0;
      for (const m of maps) {
        const init = await fmp4Init(ctx, m);
        if (!init) continue;
        total += m.playlist!.segments.length;
        for (const s of ctx.sample(m.playlist!.segments, 12)) {
          checked++;
          // Decrypted first: an AES-128 segment's boxes are ciphertext as stored.
          const bytes = await ctx.segmentBytes(m, s).catch(() => undefined);
          if (!bytes) continue; // rfc8216-6.2.1 reports missing segments, rfc8216-5.2-keys missing keys
          const { fragments } = indexFmp4Segment(bytes, init);
          const samples = fragments.flatMap((f) => f.samples);
          const where = `${name(m)}: ${s.uri}`;
          if (fragments.length === 0) problems.push(`${where} (${bytes.length} bytes) has no moof`);
          else if (samples.length === 0) problems.push(`${where} has fragments without samples`);
          else if (fragments.some((f) => !f.mdat)) problems.push(`${where} has a moof without its mdat`);
          else if (samples.some((x) => x.offset + x.size > bytes.length))
            problems.push(`${where}: sample data runs past the end of the segment`);
        }
      }
      const result = verdict(problems);
      return result.status === 'pass' && checked < total
        ? { status: 'pass', message: `checked ${checked} of ${total}` }
        : result;
    },
  },
  {
    id: 'apple-7.4',
    reference: 'Apple HLS Authoring Spec 7.4 (RFC 8216 4.3.5.1)',
    level: 'MUST',
    title: 'every video segment starts with a keyframe (IDR)',
    async check(ctx) {
      const videos = loaded(ctx, 'video');
      if (videos.length === 0) return skip('no video');
      const sampled = videos.map((m) => ({ m, segments: ctx.sample(m.playlist!.segments, 12) }));
      const total = videos.reduce((sum, m) => sum + m.playlist!.segments.length, 0);
      const checked = sampled.reduce((sum, { segments }) => sum + segments.length, 0);
      // One batch per playlist (one ffmpeg run), a few playlists at a time.
      const starts = await inParallel(sampled, ({ m, segments }) =>
        ctx.keyframeStarts(m, segments).catch(() => segments.map(() => false)),
      );
      const problems = sampled.flatMap(({ m, segments }, i) =>
        segments.filter((_, k) => !starts[i]![k]).map((s) => `${name(m)}: ${s.uri}`),
      );
      const result = verdict(problems.map((p) => `${p} does not start with a keyframe`));
      return checked < total && result.status === 'pass'
        ? { status: 'pass', message: `checked ${checked} of ${total}` }
        : result;
    },
  },
  {
    id: 'rfc8216-4.3.3.1',
    reference: 'RFC 8216 4.3.3.1',
    level: 'MUST',
    title: 'EXTINF rounded is at most EXT-X-TARGETDURATION',
    async check(ctx) {
      const problems = loaded(ctx).flatMap((m) =>
        m
          .playlist!.segments.filter((s) => Math.round(s.duration) > m.playlist!.targetDuration)
          .map(
            (s) =>
              `${name(m)}: ${s.uri} is ${s.duration.toFixed(3)} s, target ${m.playlist!.targetDuration} s`,
          ),
      );
      return verdict(problems);
    },
  },
  {
    id: 'apple-7.7',
    reference: 'Apple HLS Authoring Spec 7.7',
    level: 'MUST',
    title: 'no segment is more than 0.5 s over the target duration',
    async check(ctx) {
      const problems = loaded(ctx, 'video', 'audio', 'subtitles').flatMap((m) =>
        m
          .playlist!.segments.filter((s) => s.duration > m.playlist!.targetDuration + 0.5)
          .map((s) => `${name(m)}: ${s.uri} is ${s.duration.toFixed(3)} s`),
      );
      return verdict(problems);
    },
  },
  {
    id: 'rfc8216-6.2.4-duration',
    reference: 'RFC 8216 6.2.4, 4.3.4.2.1 (every variant and rendition presents the same content)',
    level: 'MUST',
    title: 'every variant and audio/subtitle rendition lasts as long as the others',
    async check(ctx) {
      const media = loaded(ctx, 'video', 'audio', 'subtitles', 'iframe').map((m) => ({
        m,
        seconds: m.playlist!.segments.reduce((sum, s) => sum + s.duration, 0),
      }));
      if (media.length < 2) return skip('a single playlist');
      // The video is what the source really is (a damaged audio track can claim hours of silence).
      const videos = media.filter((x) => x.m.kind === 'video' || x.m.kind === 'iframe');
      const pool = (videos.length ? videos : media).map((x) => x.seconds).sort((a, b) => a - b);
      const reference = pool[Math.floor((pool.length - 1) / 2)]!;
      const target = Math.max(...media.map((x) => x.m.playlist!.targetDuration || 0));
      // One target duration: renditions are cut at different instants (video at keyframes, audio at
      // packets) and a tail may fall one segment either way; 2%: streams of real sources end apart
      // (priming, edit lists, VFR). Defect 5 of issue 13 was 1,000x off.
      const tolerance = Math.max(target, reference * DURATION_TOLERANCE);
      const problems = media
        .filter((x) => Math.abs(x.seconds - reference) > tolerance)
        .map(
          (x) =>
            `${name(x.m)} lasts ${x.seconds.toFixed(1)} s where the ${videos.length ? 'video' : 'package'} lasts ` +
            `${reference.toFixed(1)} s (more than ${tolerance.toFixed(1)} s apart)`,
        );
      return verdict(problems);
    },
  },
  {
    id: 'apple-7.5',
    reference: 'Apple HLS Authoring Spec 7.5, 7.6',
    level: 'SHOULD',
    title: 'target duration is 6 s',
    async check(ctx) {
      const media = loaded(ctx, 'video', 'audio');
      const longest = Math.max(
        0,
        ...media.map((m) => m.playlist!.segments.reduce((sum, s) => sum + s.duration, 0)),
      );
      if (longest < 6) return skip(`the whole presentation is ${longest.toFixed(1)} s`);
      const targets = new Set(media.map((m) => m.playlist!.targetDuration));
      return verdict([...targets].filter((t) => t !== 6).map((t) => `target duration is ${t} s`));
    },
  },
  {
    id: 'apple-8.6',
    reference: 'Apple HLS Authoring Spec 8.2, 8.6',
    level: 'MUST',
    title: 'audio, video and subtitle playlists share one target duration',
    async check(ctx) {
      const targets = new Map(
        loaded(ctx, 'video', 'audio', 'subtitles').map((m) => [name(m), m.playlist!.targetDuration]),
      );
      return new Set(targets.values()).size <= 1
        ? pass
        : verdict([[...targets].map(([n, t]) => `${n}: ${t}`).join(', ')]);
    },
  },
  {
    id: 'apple-8.x-vod',
    reference: 'Apple HLS Authoring Spec 8.x (RFC 8216 4.3.3.5, 4.3.3.4)',
    level: 'MUST',
    title: 'media playlists are EXT-X-PLAYLIST-TYPE:VOD with EXT-X-ENDLIST',
    async check(ctx) {
      const problems = loaded(ctx).flatMap((m) => {
        const text = m.text ?? '';
        const issues = [];
        if (!/^#EXT-X-PLAYLIST-TYPE:VOD\s*$/m.test(text))
          issues.push(`${name(m)} lacks EXT-X-PLAYLIST-TYPE:VOD`);
        if (!/^#EXT-X-ENDLIST\s*$/m.test(text)) issues.push(`${name(m)} lacks EXT-X-ENDLIST`);
        return issues;
      });
      return verdict(problems);
    },
  },
  {
    id: 'apple-1.26',
    reference: 'Apple HLS Authoring Spec 1.26',
    level: 'MUST',
    title: 'measured average bit rate within 10% of AVERAGE-BANDWIDTH',
    async check(ctx) {
      const problems: string[] = [];
      for (const { m, measured } of await variantRates(ctx)) {
        const declared = m.attributes.averageBandwidth;
        if (!declared) continue;
        const off = Math.abs(declared - measured.average) / measured.average;
        if (off > 0.1)
          problems.push(`${name(m)}: declared ${declared}, measured ${Math.round(measured.average)} b/s`);
      }
      return verdict(problems);
    },
  },
  {
    id: 'apple-1.27',
    reference: 'Apple HLS Authoring Spec 1.27 (RFC 8216 4.3.4.2)',
    level: 'MUST',
    title: 'measured peak bit rate within 10% of BANDWIDTH',
    async check(ctx) {
      const problems: string[] = [];
      for (const { m, measured } of await variantRates(ctx)) {
        const declared = m.attributes.bandwidth!;
        const off = Math.abs(declared - measured.peak) / measured.peak;
        if (off > 0.1)
          problems.push(`${name(m)}: declared ${declared}, measured peak ${Math.round(measured.peak)} b/s`);
      }
      return verdict(problems);
    },
  },
  {
    id: 'apple-1.30',
    reference: 'Apple HLS Authoring Spec 1.30',
    level: 'SHOULD',
    title: 'peak bit rate at most 200% of the average (VOD)',
    async check(ctx) {
      const problems: string[] = [];
      for (const { m, measured } of await variantRates(ctx)) {
        if (measured.peak > 2 * measured.average) {
          problems.push(
            `${name(m)}: peak ${Math.round(measured.peak)} is ${(measured.peak / measured.average).toFixed(2)}x the average`,
          );
        }
      }
      return verdict(problems);
    },
  },
  {
    id: 'apple-9.x-attributes',
    reference: 'Apple HLS Authoring Spec 9.1-9.4, 9.14, 9.15',
    level: 'MUST',
    title: 'EXT-X-STREAM-INF has CODECS, AVERAGE-BANDWIDTH, RESOLUTION and FRAME-RATE (video)',
    async check(ctx) {
      if (!ctx.master) return skip('no multivariant playlist');
      const problems = ctx.master.variants
        .filter((v) => !v.isIFrameOnly)
        .flatMap((v) => {
          const missing = [];
          if (!v.codecs) missing.push('CODECS');
          if (!v.averageBandwidth) missing.push('AVERAGE-BANDWIDTH');
          const video = v.codecs ? /avc1|hvc1|hev1|av01/.test(v.codecs) : Boolean(v.resolution);
          if (video && !v.resolution) missing.push('RESOLUTION');
          if (video && !v.frameRate) missing.push('FRAME-RATE');
          return missing.length ? [`${v.uri} lacks ${missing.join(', ')}`] : [];
        });
      return verdict(problems);
    },
  },
  {
    id: 'rfc8216-4.3.4.2-codecs',
    reference: 'RFC 8216 4.3.4.2',
    level: 'MUST',
    title: 'CODECS lists the codecs of every rendition played with the variant',
    async check(ctx) {
      if (!ctx.master) return skip('no multivariant playlist');
      const problems = ctx.master.variants
        .filter(
          (v) =>
            !v.isIFrameOnly && v.audio.length > 0 && v.codecs && !/mp4a|ac-3|ec-3|opus|flac/.test(v.codecs),
        )
        .map((v) => `${v.uri} plays an audio group but CODECS="${v.codecs}" has no audio codec`);
      return verdict(problems);
    },
  },
  {
    id: 'apple-9.11',
    reference: 'Apple HLS Authoring Spec 9.11',
    level: 'MUST',
    title: 'the multivariant playlist has EXT-X-INDEPENDENT-SEGMENTS',
    async check(ctx) {
      if (!ctx.masterText) return skip('no multivariant playlist');
      return /^#EXT-X-INDEPENDENT-SEGMENTS\s*$/m.test(ctx.masterText)
        ? pass
        : verdict(['EXT-X-INDEPENDENT-SEGMENTS is missing']);
    },
  },
  {
    id: 'apple-6.1',
    reference: 'Apple HLS Authoring Spec 6.1',
    level: 'MUST',
    title: 'I-frame playlists exist for the video variants',
    async check(ctx) {
      if (!ctx.master) return skip('no multivariant playlist');
      const videos = ctx.master.variants.filter((v) => !v.isIFrameOnly && v.resolution);
      if (videos.length === 0) return skip('no video');
      const iframes = ctx.master.variants.filter((v) => v.isIFrameOnly);
      const missing = videos.filter(
        (v) =>
          !iframes.some(
            (i) =>
              i.resolution?.width === v.resolution!.width && i.resolution?.height === v.resolution!.height,
          ),
      );
      return verdict(
        missing.map((v) => `no EXT-X-I-FRAME-STREAM-INF at ${v.resolution!.width}x${v.resolution!.height}`),
      );
    },
  },
  {
    id: 'rfc8216-4.3.3.6',
    reference: 'RFC 8216 4.3.3.6',
    level: 'MUST',
    title: 'I-frame playlist entries each decode as a keyframe',
    async check(ctx) {
      const iframes = loaded(ctx, 'iframe');
      if (iframes.length === 0) return skip('no I-frame playlist');
      const problems = iframes
        .filter((m) => !/^#EXT-X-I-FRAMES-ONLY\s*$/m.test(m.text ?? ''))
        .map((m) => `${name(m)} lacks EXT-X-I-FRAMES-ONLY`);
      // Every playlist's sampled entries in one batch.
      const entries = iframes.flatMap((media) =>
        ctx.sample(media.playlist!.segments, 3).map((segment) => ({ media, segment })),
      );
      const decodes = await ctx.keyframeDecodes(entries).catch(() => entries.map(() => false));
      entries.forEach(({ media, segment: s }, k) => {
        if (decodes[k]) return;
        const where = s.byterange ? `${s.uri} @${s.byterange.offset}+${s.byterange.length}` : s.uri;
        problems.push(`${name(media)}: ${where} is not a decodable keyframe`);
      });
      return verdict(problems);
    },
  },
  {
    id: 'rfc8216-4.3.4.1.1',
    reference: 'RFC 8216 4.3.4.1.1, 4.3.4.2',
    level: 'MUST',
    title: 'rendition groups are consistent (one DEFAULT, unique NAME, AUTOSELECT with DEFAULT)',
    async check(ctx) {
      if (!ctx.master) return skip('no multivariant playlist');
      const problems: string[] = [];
      const groups = new Map<string, { name: string; isDefault: boolean; autoselect: boolean }[]>();
      for (const v of ctx.master.variants) {
        for (const r of [...v.audio, ...v.subtitles]) {
          const key = `${r.type}/${r.groupId}`;
          const list = groups.get(key) ?? [];
          if (!list.some((x) => x.name === r.name)) list.push(r);
          groups.set(key, list);
        }
      }
      for (const [key, list] of groups) {
        if (list.filter((r) => r.isDefault).length > 1) problems.push(`${key} has more than one DEFAULT=YES`);
        if (list.some((r) => r.isDefault && !r.autoselect))
          problems.push(`${key}: DEFAULT=YES without AUTOSELECT=YES`);
      }
      const text = ctx.masterText ?? '';
      for (const m of text.matchAll(/TYPE=AUDIO[^\n]*FORCED=/g))
        problems.push(`FORCED on an AUDIO rendition: ${m[0].slice(0, 40)}`);
      return verdict(problems);
    },
  },
  {
    id: 'apple-5.x-subtitles',
    reference: 'Apple HLS Authoring Spec 5.x (RFC 8216 3.5)',
    level: 'MUST',
    title: 'subtitle segments are WebVTT with X-TIMESTAMP-MAP; renditions have LANGUAGE',
    async check(ctx) {
      const subs = loaded(ctx, 'subtitles');
      if (subs.length === 0) return skip('no subtitles');
      const problems: string[] = [];
      for (const m of subs) {
        for (const s of ctx.sample(m.playlist!.segments, 5)) {
          const text = (await ctx.reader.bytes(ctx.segmentUrl(m, s)).catch(() => Buffer.alloc(0))).toString(
            'utf8',
          );
          if (!text.startsWith('WEBVTT')) problems.push(`${name(m)}: ${s.uri} is not WebVTT`);
          else if (!/^X-TIMESTAMP-MAP=MPEGTS:\d+,LOCAL:[\d:.]+$/m.test(text))
            problems.push(`${name(m)}: ${s.uri} lacks X-TIMESTAMP-MAP`);
        }
      }
      for (const v of ctx.master?.variants ?? []) {
        for (const s of v.subtitles)
          if (!s.language) problems.push(`subtitle rendition "${s.name}" has no LANGUAGE`);
      }
      return verdict([...new Set(problems)]);
    },
  },
  {
    id: 'rfc8216-5.2-keys',
    reference: 'RFC 8216 5.2, 4.3.2.4',
    level: 'MUST',
    title: 'encryption keys are reachable and 16 bytes',
    async check(ctx) {
      const keyUrls = new Map<string, URL>();
      for (const m of loaded(ctx)) {
        for (const s of m.playlist!.segments) {
          if (s.key?.method === 'AES-128' && s.key.uri) {
            const url = new URL(s.key.uri, m.url);
            keyUrls.set(url.href, url);
          }
        }
      }
      if (keyUrls.size === 0) return skip('not encrypted');
      const problems: string[] = [];
      for (const url of keyUrls.values())
        if (!(await ctx.key(url))) problems.push(`${url.href} is unreachable or not 16 bytes`);
      return verdict(problems);
    },
  },
  {
    id: 'rfc8216-7-version',
    reference: 'RFC 8216 7',
    level: 'MUST',
    title: 'EXT-X-VERSION is high enough for the tags used',
    async check(ctx) {
      const problems: string[] = [];
      for (const m of loaded(ctx)) {
        const text = m.text ?? '';
        const version = Number(/^#EXT-X-VERSION:(\d+)/m.exec(text)?.[1] ?? 1);
        const needs = [
          [/^#EXT-X-BYTERANGE/m, 4],
          [/^#EXT-X-I-FRAMES-ONLY/m, 4],
          [/^#EXT-X-KEY:[^\n]*IV=/m, 2],
          [/^#EXT-X-MAP/m, m.kind === 'iframe' ? 5 : 6],
        ] as const;
        for (const [re, min] of needs)
          if (re.test(text) && version < min) problems.push(`${name(m)}: version ${version} < ${min}`);
      }
      return verdict(problems);
    },
  },
];
