import type { ProbeWindow } from '../ffmpeg/probe-encode-args.js';
import type { Rational } from '../media/rational.js';

/** One decoded frame of the scene scan: its time and how much it differs from the frame before. */
export interface ScanFrame {
  timeSec: number;
  /** Mean absolute difference from the previous frame (scdet's `mafd`, 0–100): how much moves. */
  mafd: number;
  /** scdet's scene score (0–100): a cut when it reaches the threshold. */
  score: number;
}

/** A stretch of the source between two cuts (or a slice of a long one), with its average motion. */
export interface Shot {
  startSec: number;
  endSec: number;
  motion: number;
}

/** What video.json records of the scan: how the probe windows were chosen. */
export interface SceneScanSummary {
  frames: number;
  cuts: number;
  shots: number;
  /** How the windows were placed: at motion quantiles over shots, or evenly (no usable scan). */
  placement: 'motion quantiles' | 'even';
  /** Stretches of the span the scan decoded, and their total length: all of it on a short source. */
  scanned: { stretches: number; seconds: number };
}

/** scdet's own default: a score of 10 is a cut. */
export const CUT_SCORE = 10;

/**
 * On a long source the scan decodes evenly spaced stretches instead of everything: one about every
 * SCAN_STRETCH_EVERY_SEC, never fewer than SCAN_STRETCHES_MIN nor more than SCAN_STRETCHES_MAX, each
 * SCAN_STRETCH_SEC long (a probe window and some room to keep it off a cut). The decode was the part of
 * the analysis that grew with the length (about 0.33 s of CPU per second of 1080p H.264); sampled, a
 * 10-minute film decodes 40 stretches (a fifth of it) and a 2-hour film 80 (3%). A source short enough
 * that the stretches would cover half of it is decoded whole.
 */
export const SCAN_STRETCH_SEC = 3;
export const SCAN_STRETCH_EVERY_SEC = 15;
export const SCAN_STRETCHES_MIN = 24;
export const SCAN_STRETCHES_MAX = 80;

/** The parts of the span the scan decodes: the span itself, or evenly spaced stretches of a long one. */
export function scanStretches(span: ProbeWindow): ProbeWindow[] {
  const count = Math.min(
    SCAN_STRETCHES_MAX,
    Math.max(SCAN_STRETCHES_MIN, Math.round(span.durationSec / SCAN_STRETCH_EVERY_SEC)),
  );
  if (count * SCAN_STRETCH_SEC * 2 >= span.durationSec) return [span];
  return evenWindows(span, count, SCAN_STRETCH_SEC);
}

/**
 * Reads the scan's `metadata=mode=print` file: a `frame:N pts:… pts_time:T` line, then `lavfi.scd.*`
 * lines for that frame. Frames without both values are skipped.
 */
export function parseSceneScan(text: string): ScanFrame[] {
  const frames: ScanFrame[] = [];
  let current: Partial<ScanFrame> | undefined;
  const flush = () => {
    if (current?.timeSec !== undefined && current.mafd !== undefined)
      frames.push({ timeSec: current.timeSec, mafd: current.mafd, score: current.score ?? 0 });
  };
  for (const line of text.split(/\r?\n/)) {
    const head = /^frame:\d+\s+pts:\S+\s+pts_time:(\S+)/.exec(line);
    if (head) {
      flush();
      const t = Number(head[1]);
      current = Number.isFinite(t) ? { timeSec: t } : undefined;
      continue;
    }
    const kv = /^lavfi\.scd\.(mafd|score)=(\S+)/.exec(line);
    if (kv && current) {
      const v = Number(kv[2]);
      if (Number.isFinite(v)) current[kv[1] as 'mafd' | 'score'] = v;
    }
  }
  flush();
  return frames;
}

/**
 * Shots of the scanned stretches (the whole span, or a long source's samples): cut where the scene
 * score reaches CUT_SCORE, and shots longer than `maxShotSec` sliced evenly (a single two-hour take
 * still offers a choice of places). Motion is the shot's mean frame difference, the cut frame itself
 * left out (it measures the cut, not the shot).
 */
export function shotsOf(
  frames: readonly ScanFrame[],
  scanned: readonly ProbeWindow[],
  maxShotSec: number,
): { shots: Shot[]; cuts: number } {
  const shots: Shot[] = [];
  let cuts = 0;
  for (const stretch of scanned) {
    const end = stretch.startSec + stretch.durationSec;
    const inStretch = frames.filter((f) => f.timeSec >= stretch.startSec && f.timeSec < end);
    const bounds = [stretch.startSec];
    for (const f of inStretch)
      if (f.score >= CUT_SCORE && f.timeSec > stretch.startSec) bounds.push(f.timeSec);
    cuts += bounds.length - 1;
    bounds.push(end);
    for (let i = 0; i + 1 < bounds.length; i++) {
      const [a, b] = [bounds[i]!, bounds[i + 1]!];
      const pieces = Math.max(1, Math.ceil((b - a) / maxShotSec));
      for (let p = 0; p < pieces; p++) {
        const s = a + ((b - a) * p) / pieces;
        const e = a + ((b - a) * (p + 1)) / pieces;
        const inside = inStretch.filter((f) => f.timeSec >= s && f.timeSec < e && f.score < CUT_SCORE);
        const motion = inside.length ? inside.reduce((sum, f) => sum + f.mafd, 0) / inside.length : 0;
        shots.push({ startSec: s, endSec: e, motion });
      }
    }
  }
  return { shots, cuts };
}

/**
 * Representative windows: the shots sorted by motion, each weighted by its length, and one window taken
 * at each of `count` evenly spaced quantiles (1/2k, 3/2k, …) of that distribution — so the probes see
 * the calm and the busy parts of the film in the proportion the film has them. Each window sits in the
 * middle of its shot (never across a cut when the shot is long enough), and no shot is used twice while
 * unused ones remain. Without frames (the scan found nothing) the windows are spread evenly. On a
 * sampled scan every stretch stands for an equal share of the film, so the quantiles still weigh the
 * calm and the busy parts as the film has them.
 */
export function pickProbeWindows(
  frames: readonly ScanFrame[],
  span: ProbeWindow,
  count: number,
  lengthSec: number,
  scanned: readonly ProbeWindow[] = [span],
): { windows: ProbeWindow[]; summary: SceneScanSummary } {
  const coverage = {
    stretches: scanned.length,
    seconds: round(scanned.reduce((sum, w) => sum + w.durationSec, 0)),
  };
  if (frames.length < count) {
    return {
      windows: evenWindows(span, count, lengthSec),
      summary: { frames: frames.length, cuts: 0, shots: 0, placement: 'even', scanned: coverage },
    };
  }
  const { shots, cuts } = shotsOf(frames, scanned, span.durationSec / count);
  const byMotion = [...shots].sort((a, b) => a.motion - b.motion || a.startSec - b.startSec);
  const total = byMotion.reduce((sum, s) => sum + (s.endSec - s.startSec), 0);
  const used = new Set<Shot>();
  const windows: ProbeWindow[] = [];
  for (let k = 0; k < count; k++) {
    const target = ((k + 0.5) / count) * total;
    let acc = 0;
    let pick = byMotion[byMotion.length - 1]!;
    for (const s of byMotion) {
      acc += s.endSec - s.startSec;
      if (acc >= target) {
        pick = s;
        break;
      }
    }
    // A shot already taken gives way to the nearest unused one in motion order.
    if (used.has(pick)) {
      const i = byMotion.indexOf(pick);
      const free = byMotion
        .map((s, j) => ({ s, d: Math.abs(j - i) }))
        .filter(({ s }) => !used.has(s))
        .sort((a, b) => a.d - b.d)[0];
      if (free) pick = free.s;
    }
    used.add(pick);
    windows.push(centeredIn(pick, span, lengthSec));
  }
  windows.sort((a, b) => a.startSec - b.startSec);
  return {
    windows,
    summary: {
      frames: frames.length,
      cuts,
      shots: shots.length,
      placement: 'motion quantiles',
      scanned: coverage,
    },
  };
}

/** The old placement: `count` windows at the middles of `count` equal parts of the span. */
export function evenWindows(span: ProbeWindow, count: number, lengthSec: number): ProbeWindow[] {
  const length = Math.min(lengthSec, span.durationSec / count);
  return Array.from({ length: count }, (_, k) => ({
    startSec: round(span.startSec + ((k + 0.5) * span.durationSec) / count - length / 2),
    durationSec: round(length),
  }));
}

/**
 * The window moved to whole frames of `rate` (start and length). A probe window must start on the frame
 * grid: the probe is encoded from the seek's first frame and read back as raw H.264 re-timed from 0, while
 * the reference keeps the seek's off-grid first timestamp, so off the grid the two sides end up one frame
 * apart and anything that moves measures 15-20 dB too low (measured: a 1080p CRF 20 probe of moving
 * graphics, 54.8 dB from 0.2667 s, 36.1 dB from 0.25 s).
 */
export function onFrameGrid(w: ProbeWindow, rate: Rational): ProbeWindow {
  const frames = (sec: number) => Math.round((sec * rate.num) / rate.den);
  const seconds = (n: number) => Math.round(((n * rate.den) / rate.num) * 1e6) / 1e6;
  return { startSec: seconds(frames(w.startSec)), durationSec: seconds(Math.max(1, frames(w.durationSec))) };
}

/** A window of the given length in the middle of the shot, kept inside the span. */
function centeredIn(shot: Shot, span: ProbeWindow, lengthSec: number): ProbeWindow {
  const length = Math.min(lengthSec, span.durationSec);
  const mid = (shot.startSec + shot.endSec) / 2;
  const start = Math.min(
    Math.max(mid - length / 2, span.startSec),
    span.startSec + span.durationSec - length,
  );
  return { startSec: round(start), durationSec: round(length) };
}

const round = (v: number) => Math.round(v * 100) / 100;
