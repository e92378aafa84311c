import { createDecipheriv } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import type HLS from 'hls-parser';
import { safeInputOptions } from '../../common/ffmpeg/input-args.js';
import { binaries } from '../ffmpeg/binaries.js';
import { ffprobeQuery, firstCsvField } from '../ffmpeg/ffprobe-query.js';
import { runProcess } from '../ffmpeg/runner.js';
import type { PackageReader } from './package-reader.js';

type Segment = InstanceType<typeof HLS.types.MediaPlaylist>['segments'][number];

export type SegmentContainer = 'mpegts' | 'mp4';

/** A segment written out as a player would get it (map + bytes, decrypted), for ffmpeg to read. */
export interface SegmentCopy {
  file: string;
  /** Named to the demuxer, never guessed (see containerOf). */
  format: SegmentContainer;
}

export interface ProbeOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** Everything segmentCopy needs about where a segment's bytes and key come from. */
export interface SegmentSource {
  reader: PackageReader;
  /** The media playlist's URL, against which segment, map and key URIs resolve. */
  playlist: URL;
  /** The 16 bytes of an AES-128 key, or undefined when unreachable. */
  key(url: URL): Promise<Buffer | undefined>;
}

/**
 * The bytes of a segment (its byte range of its file) as a player gets them: AES-128-decrypted when the
 * playlist says so. Undefined when its key is unreachable; rejects when the bytes cannot be read.
 */
export async function segmentBytes(source: SegmentSource, segment: Segment): Promise<Buffer | undefined> {
  const data = await source.reader.bytes(new URL(segment.uri, source.playlist), segment.byterange);
  if (segment.key?.method !== 'AES-128' || !segment.key.uri) return data;
  const key = await source.key(new URL(segment.key.uri, source.playlist));
  if (!key) return undefined;
  const iv = segment.key.iv ? Buffer.from(segment.key.iv) : ivFromSequence(segment.mediaSequenceNumber);
  const decipher = createDecipheriv('aes-128-cbc', key, iv);
  return Buffer.concat([decipher.update(data), decipher.final()]);
}

/**
 * Writes the segment as a player would get it: EXT-X-MAP first when there is one, then segmentBytes.
 * Undefined when it cannot be probed: its key is unreachable or the data is neither MPEG-TS nor ISO BMFF
 * (a "segment" that is really a playlist, say).
 */
export async function segmentCopy(
  source: SegmentSource,
  segment: Segment,
  file: string,
): Promise<SegmentCopy | undefined> {
  let data = await segmentBytes(source, segment);
  if (!data) return undefined;
  if (segment.map)
    data = Buffer.concat([
      await source.reader.bytes(new URL(segment.map.uri, source.playlist), segment.map.byterange),
      data,
    ]);
  // The demuxer is named, never guessed: a "segment" that is really a playlist would otherwise be
  // read by ffmpeg's HLS demuxer, which opens whatever files that playlist names.
  const format = containerOf(data);
  if (!format) return undefined;
  await writeFile(file, data);
  return { file, format };
}

/** The first video packet of one copy, as ffprobe reads it alone: is it flagged a keyframe? */
export async function startsWithKeyframe(copy: SegmentCopy, options: ProbeOptions = {}): Promise<boolean> {
  return (await probeFirst(copy, ['-show_entries', 'packet=flags'], options)).startsWith('K');
}

/** Does the first video packet of one copy decode, on its own, to a keyframe picture? */
export async function decodesAsKeyframe(copy: SegmentCopy, options: ProbeOptions = {}): Promise<boolean> {
  return (await probeFirst(copy, ['-show_frames', '-show_entries', 'frame=key_frame'], options)) === '1';
}

function probeFirst(copy: SegmentCopy, question: string[], options: ProbeOptions): Promise<string> {
  const args = ['-f', copy.format, '-select_streams', 'v:0', '-read_intervals', '%+#1', ...question];
  // csv with side data appends more fields ("1,H.26[45] User Data Unregistered SEI message"): the first is ours.
  return ffprobeQuery(copy.file, [...args, '-of', 'csv=p=0'], {
    ...(options.signal ? { signal: options.signal } : {}),
    timeoutMs: options.timeoutMs ?? 30_000,
  }).then(firstCsvField);
}

/**
 * The keyframe flag of the first video packet of each copy, from one ffmpeg run: every copy is its own
 * input (own demuxer, own parser, nothing carried from one segment to the next) and its first video
 * packet is stream-copied, non-keyframes included (-copyinkf), into its own framecrc listing. Undefined
 * where the run gave no answer for a copy (the whole run failed, or that copy yielded no packet).
 */
export async function firstPacketKeyFlags(
  copies: SegmentCopy[],
  options: ProbeOptions = {},
): Promise<(boolean | undefined)[]> {
  return (await firstPackets(copies, false, options)).map((p) => p?.key);
}

/**
 * Does the first video packet of each copy, decoded on its own, give a keyframe picture? Two ffmpeg runs
 * for all copies. The first puts each copy's first video packet, with its stream's codec parameters, in
 * a NUT file of its own (as firstPacketKeyFlags, plus that output). The second decodes each NUT file as
 * its own input (own decoder, no picture or parameter set lent by another entry, only that one packet, as
 * ffprobe's `-read_intervals %+#1` decodes) and lists the first decoded picture only when it is a
 * keyframe (select='eq(n,0)*key'). Undefined where a run gave no answer for a copy.
 */
export async function firstPacketDecodesAsKey(
  copies: SegmentCopy[],
  options: ProbeOptions = {},
): Promise<(boolean | undefined)[]> {
  const packets = await firstPackets(copies, true, options);
  const decodable = packets.flatMap((p) => (p ? [p.nut] : []));
  if (decodable.length === 0) return packets.map(() => undefined);
  const listings = decodable.map((nut) => `${nut}.decoded`);
  const args = [...FFMPEG_QUIET, '-max_error_rate', '1'];
  for (const nut of decodable) args.push(...safeInputOptions(['nut']), '-f', 'nut', '-i', `file:${nut}`);
  const firstKeyPicture = [
    '-vf',
    'select=eq(n\\,0)*key',
    '-frames:v',
    '1',
    '-c:v',
    'rawvideo',
    '-f',
    'framecrc',
  ];
  listings.forEach((listing, k) => args.push('-map', `${k}:v:0`, ...firstKeyPicture, `file:${listing}`));
  try {
    await runFfmpeg(args, decodable[0]!, options);
    // A listing with a line: the select let the first picture through, so it is a keyframe picture.
    const listed = await Promise.all(
      listings.map((l) => readFile(l, 'utf8').then((text) => firstPacketIsKey(text) !== undefined)),
    );
    let k = 0;
    return packets.map((p) => (p ? listed[k++] : undefined));
  } catch {
    options.signal?.throwIfAborted();
    return packets.map(() => undefined);
  } finally {
    await Promise.all([...decodable, ...listings].map((f) => rm(f, { force: true })));
  }
}

const FFMPEG_QUIET = ['-nostdin', '-hide_banner', '-v', 'error', '-y'];

/**
 * One ffmpeg run over all copies, each its own input and output: its first video packet's flags (from a
 * framecrc listing) and, with `nut`, that packet alone in a NUT file beside the copy (the caller removes
 * it). Undefined for a copy without a first packet, and for all of them when the run fails: ffmpeg fails
 * the whole run when one copy cannot be set up as an output (no video stream, no picture size).
 */
async function firstPackets(
  copies: SegmentCopy[],
  nut: boolean,
  options: ProbeOptions,
): Promise<({ key: boolean; nut: string } | undefined)[]> {
  if (copies.length === 0) return [];
  const listings = copies.map((c) => `${c.file}.framecrc`);
  const nuts = copies.map((c) => `${c.file}.nut`);
  const args = [...FFMPEG_QUIET];
  for (const c of copies) args.push(...safeInputOptions(), '-f', c.format, '-i', `file:${c.file}`);
  // One output per input: -frames ends the whole output file when one of its streams reaches it.
  const firstPacket = ['-c', 'copy', '-copyinkf', '-frames:v', '1'];
  let ok: boolean[] = [];
  copies.forEach((_, k) => {
    args.push('-map', `${k}:v:0`, ...firstPacket, '-f', 'framecrc', `file:${listings[k]}`);
    if (nut) args.push('-map', `${k}:v:0`, ...firstPacket, '-f', 'nut', `file:${nuts[k]}`);
  });
  try {
    await runFfmpeg(args, copies[0]!.file, options);
    const keys = await Promise.all(
      listings.map((l) => readFile(l, 'utf8').then(firstPacketIsKey, () => undefined)),
    );
    const answers = keys.map((key, k) => (key === undefined ? undefined : { key, nut: nuts[k]! }));
    ok = answers.map((a) => a !== undefined);
    return answers;
  } catch {
    options.signal?.throwIfAborted();
    return copies.map(() => undefined);
  } finally {
    // The NUT files the caller gets are its to remove; the rest go now.
    const leftovers = nuts.filter((_, k) => !nut || !ok[k]);
    await Promise.all([...listings, ...leftovers].map((f) => rm(f, { force: true })));
  }
}

async function runFfmpeg(args: string[], file: string, options: ProbeOptions): Promise<void> {
  const { ffmpeg } = await binaries();
  await runProcess({
    bin: ffmpeg.path,
    args,
    ...(options.signal ? { signal: options.signal } : {}),
    timeoutMs: options.timeoutMs ?? 60_000,
    file,
  });
}

/**
 * The first packet line of a framecrc listing ("0, 0, 0, 3000, 1441, 0xd6f17cc0[, F=0x0][, S=1, …]"):
 * framecrc writes F= only when the flags are not exactly AV_PKT_FLAG_KEY (0x1).
 */
export function firstPacketIsKey(listing: string): boolean | undefined {
  const line = listing.split('\n').find((l) => l.trim() && !l.startsWith('#'));
  if (!line) return undefined;
  const flags = /(?:^|,)\s*F=0x([0-9A-Fa-f]+)/.exec(line);
  return flags ? (parseInt(flags[1]!, 16) & 1) === 1 : true;
}

const BMFF_BOXES = new Set(['ftyp', 'styp', 'sidx', 'moof', 'moov', 'emsg', 'prft', 'free', 'mdat']);

/** MPEG-TS (sync byte every 188) or ISO BMFF (a known top-level box first); anything else is not probed. */
export function containerOf(data: Buffer): SegmentContainer | undefined {
  if (data.length >= 188 && data[0] === 0x47 && (data.length < 376 || data[188] === 0x47)) return 'mpegts';
  if (data.length >= 8 && BMFF_BOXES.has(data.toString('latin1', 4, 8))) return 'mp4';
  return undefined;
}

/** RFC 8216 5.2: without an IV attribute, the media sequence number as a 128-bit big-endian integer. */
function ivFromSequence(sequence: number): Buffer {
  const iv = Buffer.alloc(16);
  iv.writeUInt32BE(sequence >>> 0, 12);
  return iv;
}
