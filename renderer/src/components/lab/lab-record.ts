import type { Rung } from '../preview/rung-label';

/** What the lab player was doing at `sec` seconds after Start (sampled with the preview's stats). */
export interface LabSample {
  sec: number;
  /** hls.js's level of what plays (0 = lowest rung), -1 before the first fragment. */
  level: number;
  bandwidthEstimate: number;
  bufferSec: number;
}

export interface Stall {
  atSec: number;
  /**
   * Media buffered ahead of the play head when the wait began: about 0 when the network starved the
   * player; more when it had data but could not play it (a decoder starved of CPU).
   */
  bufferSec: number;
  /** Undefined while the player is still waiting. */
  durationSec?: number;
}

/** One lab run: from Start to the end of the media (or Stop). */
export interface LabRecord {
  profileId: string;
  samples: LabSample[];
  /** Start to the first frame playing; undefined until then. */
  startupSec?: number;
  /** Waits for data after playback began (the startup wait is not one). */
  stalls: Stall[];
  /** When the media ended or the run was stopped. */
  endSec?: number;
}

const MIN_STALL_SEC = 0.1;

export function newRecord(profileId: string): LabRecord {
  return { profileId, samples: [], stalls: [] };
}

/** The record after the <video> reported `event` at `sec` (playing, waiting, ended), `bufferSec` ahead. */
export function recordEvent(
  record: LabRecord,
  event: 'playing' | 'waiting' | 'ended',
  sec: number,
  bufferSec = 0,
): LabRecord {
  if (record.endSec !== undefined) return record;
  const open = record.stalls.at(-1);
  // Chromium says `waiting` for an instant at some rung switches: under 0.1 s nobody sees it stop.
  const closeStall = () =>
    open && open.durationSec === undefined
      ? [
          ...record.stalls.slice(0, -1),
          ...(sec - open.atSec >= MIN_STALL_SEC ? [{ ...open, durationSec: sec - open.atSec }] : []),
        ]
      : record.stalls;
  if (event === 'playing') {
    if (record.startupSec === undefined) return { ...record, startupSec: sec };
    return { ...record, stalls: closeStall() };
  }
  if (event === 'waiting') {
    if (record.startupSec === undefined || (open && open.durationSec === undefined)) return record;
    return { ...record, stalls: [...record.stalls, { atSec: sec, bufferSec }] };
  }
  return { ...record, stalls: closeStall(), endSec: sec };
}

export function recordSample(record: LabRecord, sample: LabSample): LabRecord {
  return record.endSec === undefined ? { ...record, samples: [...record.samples, sample] } : record;
}

export interface LabSummary {
  startupSec?: number;
  /** Seconds spent playing each rung (index = hls.js level). */
  secondsOnRung: number[];
  /** The rungs' bit rates weighted by the time each played. */
  averageBitrate: number;
  stallCount: number;
  stallSec: number;
  /** Stalls that began with (almost) nothing buffered: the network's. */
  emptyBufferStalls: number;
}

/** Below this much media ahead, a stall is the network's (Chromium waits with a fraction of a frame left). */
export const EMPTY_BUFFER_SEC = 0.5;

/**
 * What a run delivered: from the first frame on, each sample's rung holds until the next sample (or the
 * end of the run).
 */
export function summarise(record: LabRecord, rungs: Rung[]): LabSummary {
  const secondsOnRung = rungs.map(() => 0);
  const end = record.endSec ?? record.samples.at(-1)?.sec ?? 0;
  const from = record.startupSec ?? Infinity;
  record.samples.forEach((s, i) => {
    const next = record.samples[i + 1]?.sec ?? end;
    if (s.sec >= from && s.level >= 0 && s.level < rungs.length && next > s.sec)
      secondsOnRung[s.level]! += next - s.sec;
  });
  const played = secondsOnRung.reduce((a, b) => a + b, 0);
  const bits = secondsOnRung.reduce((sum, sec, level) => sum + sec * rungs[level]!.bitrate, 0);
  return {
    ...(record.startupSec !== undefined ? { startupSec: record.startupSec } : {}),
    secondsOnRung,
    averageBitrate: played > 0 ? bits / played : 0,
    stallCount: record.stalls.length,
    stallSec: record.stalls.reduce((sum, s) => sum + (s.durationSec ?? end - s.atSec), 0),
    emptyBufferStalls: record.stalls.filter((s) => s.bufferSec < EMPTY_BUFFER_SEC).length,
  };
}
