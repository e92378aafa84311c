/** MPEG-TS (ISO/IEC 13818-1) indexed in-process: no ffprobe per segment, whatever the package's length. */

export const TS_PACKET = 188;
const SYNC = 0x47;

/** Stream types of a PMT that the package uses (ISO/IEC 13818-1 table 2-34, plus HEVC and ADTS AAC). */
const VIDEO_TYPES = new Map([
  [0x1b, 'h264'],
  [0x24, 'hevc'],
] as const);
const AUDIO_TYPES = new Set([0x0f, 0x11, 0x03, 0x04, 0x81, 0x87]);

/** One PES packet (an access unit) of a segment. */
export interface TsPes {
  pid: number;
  /** Byte offset of the TS packet in which the PES starts. */
  offset: number;
  /** 90 kHz presentation and decode times (33-bit, as written). */
  pts?: number;
  dts?: number;
  /** The adaptation field's random_access_indicator. */
  randomAccess: boolean;
  /** Video only: the first coded slice is an IDR (H.264 type 5) or IRAP (HEVC 16-23) picture. */
  keyframe?: boolean;
}

export interface TsSegment {
  packets: number;
  /** Packets whose first byte is not 0x47 (a damaged or non-TS file). */
  syncErrors: number;
  videoPid?: number;
  videoCodec?: 'h264' | 'hevc';
  audioPid?: number;
  /** PES starts of the video and audio streams, in file order. */
  pes: TsPes[];
}

/** Reads PAT, PMT and every PES start of a TS segment. */
export function indexTsSegment(data: Uint8Array): TsSegment {
  const result: TsSegment = { packets: 0, syncErrors: 0, pes: [] };
  let pmtPid: number | undefined;
  // Payload gathered from a video PES's packets until its first coded slice is found.
  let pending: { pes: TsPes; bytes: number[] } | undefined;
  const settle = () => {
    if (pending && pending.pes.keyframe === undefined) pending.pes.keyframe = pending.pes.randomAccess;
    pending = undefined;
  };
  for (let at = 0; at + TS_PACKET <= data.length; at += TS_PACKET) {
    result.packets++;
    if (data[at] !== SYNC) {
      result.syncErrors++;
      continue;
    }
    const start = (data[at + 1]! & 0x40) !== 0;
    const pid = ((data[at + 1]! & 0x1f) << 8) | data[at + 2]!;
    const control = (data[at + 3]! >> 4) & 0x3;
    let payload = at + 4;
    let randomAccess = false;
    if (control & 0x2) {
      const length = data[at + 4]!;
      if (length > 0) randomAccess = (data[at + 5]! & 0x40) !== 0;
      payload += 1 + length;
    }
    if (!(control & 0x1) || payload >= at + TS_PACKET) continue;
    const body = data.subarray(payload, at + TS_PACKET);

    if (pid === 0 && start) pmtPid = readPat(body) ?? pmtPid;
    else if (pid === pmtPid && start) readPmt(body, result);
    else if (pid === result.videoPid || pid === result.audioPid) {
      if (start) {
        if (pid === result.videoPid) settle();
        const pes: TsPes = { pid, offset: at, randomAccess, ...readPesTimes(body) };
        result.pes.push(pes);
        if (pid === result.videoPid) {
          pending = { pes, bytes: [] };
          const headerEnd = 9 + (body[8] ?? 0);
          appendAndScan(pending, body.subarray(headerEnd), result.videoCodec!);
        }
      } else if (pid === result.videoPid && pending && pending.pes.keyframe === undefined) {
        appendAndScan(pending, body, result.videoCodec!);
      }
    }
  }
  settle();
  return result;
}

function readPat(body: Uint8Array): number | undefined {
  const table = 1 + body[0]!;
  const sectionLength = ((body[table + 1]! & 0x0f) << 8) | body[table + 2]!;
  const end = Math.min(body.length, table + 3 + sectionLength - 4);
  for (let at = table + 8; at + 4 <= end; at += 4) {
    const program = (body[at]! << 8) | body[at + 1]!;
    if (program !== 0) return ((body[at + 2]! & 0x1f) << 8) | body[at + 3]!;
  }
  return undefined;
}

function readPmt(body: Uint8Array, result: TsSegment): void {
  const table = 1 + body[0]!;
  const sectionLength = ((body[table + 1]! & 0x0f) << 8) | body[table + 2]!;
  const end = Math.min(body.length, table + 3 + sectionLength - 4);
  const programInfo = ((body[table + 10]! & 0x0f) << 8) | body[table + 11]!;
  for (let at = table + 12 + programInfo; at + 5 <= end;) {
    const type = body[at]!;
    const pid = ((body[at + 1]! & 0x1f) << 8) | body[at + 2]!;
    const info = ((body[at + 3]! & 0x0f) << 8) | body[at + 4]!;
    const video = VIDEO_TYPES.get(type as 0x1b);
    if (video && result.videoPid === undefined) {
      result.videoPid = pid;
      result.videoCodec = video;
    } else if (AUDIO_TYPES.has(type) && result.audioPid === undefined) {
      result.audioPid = pid;
    }
    at += 5 + info;
  }
}

function readPesTimes(body: Uint8Array): { pts?: number; dts?: number } {
  if (body.length < 14 || body[0] !== 0 || body[1] !== 0 || body[2] !== 1) return {};
  const flags = body[7]! >> 6;
  const time = (at: number) =>
    ((body[at]! >> 1) & 0x07) * 2 ** 30 +
    body[at + 1]! * 2 ** 22 +
    (body[at + 2]! >> 1) * 2 ** 15 +
    body[at + 3]! * 2 ** 7 +
    (body[at + 4]! >> 1);
  if (flags === 2) return { pts: time(9) };
  if (flags === 3 && body.length >= 19) return { pts: time(9), dts: time(14) };
  return {};
}

// A first frame can open with long SEI (x265 writes its settings there): look this far for a slice.
const SCAN_LIMIT = 16 * 1024;

/** Adds PES payload and decides `keyframe` from the first coded-slice NAL unit once it is in view. */
function appendAndScan(pending: { pes: TsPes; bytes: number[] }, chunk: Uint8Array, codec: 'h264' | 'hevc') {
  const from = Math.max(0, pending.bytes.length - 3);
  for (const b of chunk) pending.bytes.push(b);
  const bytes = pending.bytes;
  for (let i = from; i + 3 < bytes.length; i++) {
    if (bytes[i] !== 0 || bytes[i + 1] !== 0 || bytes[i + 2] !== 1) continue;
    const header = bytes[i + 3]!;
    if (codec === 'h264') {
      const type = header & 0x1f;
      if (type >= 1 && type <= 5) return void (pending.pes.keyframe = type === 5);
    } else {
      const type = (header >> 1) & 0x3f;
      if (type <= 31) return void (pending.pes.keyframe = type >= 16 && type <= 23);
    }
  }
  if (bytes.length > SCAN_LIMIT) pending.pes.keyframe = pending.pes.randomAccess;
}
