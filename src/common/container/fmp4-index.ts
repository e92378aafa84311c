import { childBoxes, dataView, findBox, listBoxes, type IsoBox } from './iso-boxes.js';

/** What an fMP4 initialization section (ftyp + moov) says about its one track. */
export interface Fmp4Init {
  /** Top-level box types in order: a clean init section is exactly ftyp, moov. */
  topLevel: string[];
  trackId?: number;
  /** Ticks per second of the track (mdhd). */
  timescale?: number;
  /** trex defaults, used where a fragment's tfhd and trun say nothing. */
  defaults: { sampleDuration: number; sampleSize: number; sampleFlags: number };
}

export interface Fmp4Sample {
  /** Byte offset of the sample's data in the segment file. */
  offset: number;
  size: number;
  duration: number;
  compositionOffset: number;
  isSync: boolean;
}

/** One movie fragment (moof + its mdat) of a media segment. */
export interface Fmp4Fragment {
  moofOffset: number;
  /** Where the mdat that follows the moof starts and ends (end = offset + size). */
  mdat?: { offset: number; size: number };
  /** tfdt, in track ticks. */
  baseDecodeTime: number;
  samples: Fmp4Sample[];
}

export interface Fmp4Segment {
  topLevel: string[];
  fragments: Fmp4Fragment[];
}

// ISO/IEC 14496-12 8.8.3.1 sample flags: bit 16 is sample_is_non_sync_sample.
const NON_SYNC = 0x10000;

/** Reads an fMP4 initialization section in-process (no ffprobe): track id, timescale, trex defaults. */
export function readFmp4Init(data: Uint8Array): Fmp4Init {
  try {
    return readInit(data);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return {
      topLevel: listBoxes(data).map((b) => b.type),
      defaults: { sampleDuration: 0, sampleSize: 0, sampleFlags: 0 },
    };
  }
}

function readInit(data: Uint8Array): Fmp4Init {
  const dv = dataView(data);
  const top = listBoxes(data);
  const init: Fmp4Init = {
    topLevel: top.map((b) => b.type),
    defaults: { sampleDuration: 0, sampleSize: 0, sampleFlags: 0 },
  };
  const moov = top.find((b) => b.type === 'moov');
  if (!moov) return init;
  const trak = childBoxes(data, moov).find((b) => b.type === 'trak');
  const tkhd = trak && findBox(data, trak, 'tkhd');
  if (tkhd) {
    const body = tkhd.offset + tkhd.headerSize;
    const version = data[body]!;
    init.trackId = dv.getUint32(body + 4 + (version === 1 ? 16 : 8));
  }
  const mdhd = trak && findBox(data, trak, 'mdia/mdhd');
  if (mdhd) {
    const body = mdhd.offset + mdhd.headerSize;
    init.timescale = dv.getUint32(body + 4 + (data[body] === 1 ? 16 : 8));
  }
  const trex = findBox(data, moov, 'mvex/trex');
  if (trex) {
    const body = trex.offset + trex.headerSize;
    init.defaults = {
      sampleDuration: dv.getUint32(body + 12),
      sampleSize: dv.getUint32(body + 16),
      sampleFlags: dv.getUint32(body + 20),
    };
  }
  return init;
}

/**
 * Indexes an fMP4 media segment in-process: every movie fragment with its decode time and the offset,
 * size and sync flag of every sample, from moof/traf/tfhd/tfdt/trun (ISO/IEC 14496-12 8.8). One track
 * per segment, as every rendition of the package has.
 */
export function indexFmp4Segment(data: Uint8Array, init: Fmp4Init): Fmp4Segment {
  const top = listBoxes(data);
  const fragments: Fmp4Fragment[] = [];
  top.forEach((box, i) => {
    if (box.type !== 'moof') return;
    const next = top.slice(i + 1).find((b) => b.type === 'mdat' || b.type === 'moof');
    const mdat =
      next?.type === 'mdat' && !next.truncated ? { offset: next.offset, size: next.size } : undefined;
    for (const traf of childBoxes(data, box).filter((b) => b.type === 'traf')) {
      try {
        fragments.push({ moofOffset: box.offset, mdat, ...readTraf(data, box, traf, init) });
      } catch (error) {
        // A cut-off box: keep the fragments read so far; the caller sees the samples that are missing.
        if (!(error instanceof RangeError)) throw error;
      }
    }
  });
  return { topLevel: top.map((b) => b.type), fragments };
}

function readTraf(
  data: Uint8Array,
  moof: IsoBox,
  traf: IsoBox,
  init: Fmp4Init,
): { baseDecodeTime: number; samples: Fmp4Sample[] } {
  const dv = dataView(data);
  const children = childBoxes(data, traf);
  let baseOffset = moof.offset;
  let { sampleDuration, sampleSize, sampleFlags } = init.defaults;
  const tfhd = children.find((b) => b.type === 'tfhd');
  if (tfhd) {
    const read = cursor(dv, tfhd.offset + tfhd.headerSize);
    const flags = read.u32() & 0xffffff;
    read.u32(); // track_ID
    if (flags & 0x1) baseOffset = read.u64();
    if (flags & 0x2) read.u32(); // sample_description_index
    if (flags & 0x8) sampleDuration = read.u32();
    if (flags & 0x10) sampleSize = read.u32();
    if (flags & 0x20) sampleFlags = read.u32();
  }
  let baseDecodeTime = 0;
  const tfdt = children.find((b) => b.type === 'tfdt');
  if (tfdt) {
    const body = tfdt.offset + tfdt.headerSize;
    baseDecodeTime = data[body] === 1 ? Number(dv.getBigUint64(body + 4)) : dv.getUint32(body + 4);
  }
  const samples: Fmp4Sample[] = [];
  let dataEnd = baseOffset;
  for (const trun of children.filter((b) => b.type === 'trun')) {
    const read = cursor(dv, trun.offset + trun.headerSize);
    const version = data[trun.offset + trun.headerSize]!;
    const flags = read.u32() & 0xffffff;
    const count = read.u32();
    let offset = flags & 0x1 ? baseOffset + read.i32() : dataEnd;
    const firstFlags = flags & 0x4 ? read.u32() : undefined;
    const end = trun.offset + trun.size;
    const entryBytes = 4 * [0x100, 0x200, 0x400, 0x800].filter((bit) => flags & bit).length;
    for (let n = 0; n < count && read.at + entryBytes <= end; n++) {
      const duration = flags & 0x100 ? read.u32() : sampleDuration;
      const size = flags & 0x200 ? read.u32() : sampleSize;
      let f = flags & 0x400 ? read.u32() : sampleFlags;
      if (n === 0 && firstFlags !== undefined) f = firstFlags;
      // Version 0 offsets are unsigned; version 1 allows negative ones.
      const compositionOffset = flags & 0x800 ? (version === 0 ? read.u32() : read.i32()) : 0;
      samples.push({ offset, size, duration, compositionOffset, isSync: (f & NON_SYNC) === 0 });
      offset += size;
    }
    dataEnd = offset;
  }
  return { baseDecodeTime, samples };
}

/** Big-endian fields read one after another from `at`. */
function cursor(dv: DataView, start: number) {
  const c = {
    at: start,
    u32: () => ((c.at += 4), dv.getUint32(c.at - 4)),
    i32: () => ((c.at += 4), dv.getInt32(c.at - 4)),
    u64: () => ((c.at += 8), Number(dv.getBigUint64(c.at - 8))),
  };
  return c;
}
