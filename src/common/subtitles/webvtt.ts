/** A WebVTT cue: times in seconds on the media timeline, the rest of the block kept verbatim. */
export interface VttCue {
  start: number;
  end: number;
  /** Cue settings after the timing ("line:90% align:center"), may be empty. */
  settings: string;
  text: string;
}

const TIMING = /^(?:(\d+):)?(\d{2}):(\d{2})[.,](\d{3})\s+-->\s+(?:(\d+):)?(\d{2}):(\d{2})[.,](\d{3})(.*)$/;

/** Parses the cues of a WebVTT file (as ffmpeg's webvtt encoder writes it); NOTE/STYLE blocks are dropped. */
export function parseVtt(text: string): VttCue[] {
  const blocks = text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/);
  const cues: VttCue[] = [];
  for (const block of blocks) {
    const lines = block.split('\n');
    const timingLine = lines.findIndex((l) => TIMING.test(l));
    if (timingLine < 0 || timingLine > 1) continue;
    const m = TIMING.exec(lines[timingLine]!)!;
    const seconds = (h: string | undefined, mm: string, ss: string, ms: string) =>
      Number(h ?? 0) * 3600 + Number(mm) * 60 + Number(ss) + Number(ms) / 1000;
    cues.push({
      start: seconds(m[1], m[2]!, m[3]!, m[4]!),
      end: seconds(m[5], m[6]!, m[7]!, m[8]!),
      settings: m[9]!.trim(),
      text: lines
        .slice(timingLine + 1)
        .join('\n')
        .replace(/\s+$/, ''),
    });
  }
  return cues;
}

/** 3725.5 → "01:02:05.500" (hours always written: players accept it, and long videos need it). */
export function formatVttTime(seconds: number): string {
  const totalMs = Math.max(0, Math.round(seconds * 1000));
  const h = Math.floor(totalMs / 3_600_000);
  const m = Math.floor((totalMs % 3_600_000) / 60_000);
  const s = Math.floor((totalMs % 60_000) / 1000);
  const ms = totalMs % 1000;
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms, 3)}`;
}

/**
 * Splits cues into WebVTT segments on the media segments' boundaries. A cue spanning a boundary is
 * repeated in each segment it overlaps (RFC 8216 3.5). Every segment starts with X-TIMESTAMP-MAP, which
 * ties LOCAL 0 to the MPEG-2 timestamp (90 kHz) the media segments give to time 0.
 */
export function segmentVtt(cues: VttCue[], segmentDurations: number[], mpegtsAtZero: number): string[] {
  const header = `WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:${Math.round(mpegtsAtZero)},LOCAL:00:00:00.000\n`;
  let start = 0;
  return segmentDurations.map((duration, i) => {
    const end = start + duration;
    const last = i === segmentDurations.length - 1;
    const inside = cues.filter((c) => c.end > start && (c.start < end || (last && c.start >= end)));
    start = end;
    const body = inside.map(
      (c) =>
        `${formatVttTime(c.start)} --> ${formatVttTime(c.end)}${c.settings ? ` ${c.settings}` : ''}\n${c.text}`,
    );
    return `${header}\n${body.join('\n\n')}${body.length ? '\n' : ''}`;
  });
}
