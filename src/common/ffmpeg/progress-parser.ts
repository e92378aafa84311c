/** One `-progress` block of ffmpeg, reduced to what people watch. */
export interface FfmpegProgress {
  /** Output time reached, in seconds. */
  outTimeSec: number;
  frame?: number;
  fps?: number;
  /** Multiple of real time ("2.5x" → 2.5). */
  speed?: number;
  /** The last block (`progress=end`). */
  end: boolean;
}

/**
 * Incremental parser for `-progress pipe:1`: key=value lines, each block closed by `progress=continue|end`.
 * Feed it raw chunks (they split lines anywhere); it calls `onProgress` once per complete block.
 */
export function createProgressParser(onProgress: (p: FfmpegProgress) => void): { push(chunk: string): void } {
  let pending = '';
  let block = new Map<string, string>();
  return {
    push(chunk: string) {
      pending += chunk;
      const lines = pending.split(/\r?\n/);
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const eq = line.indexOf('=');
        if (eq <= 0) continue;
        const key = line.slice(0, eq).trim();
        const value = line.slice(eq + 1).trim();
        if (key !== 'progress') {
          block.set(key, value);
          continue;
        }
        onProgress(toProgress(block, value === 'end'));
        block = new Map();
      }
    },
  };
}

function toProgress(block: Map<string, string>, end: boolean): FfmpegProgress {
  // out_time_us is the precise one; out_time_ms is (despite its name) also microseconds in ffmpeg 5.
  const micros = number(block.get('out_time_us')) ?? number(block.get('out_time_ms'));
  return {
    outTimeSec: micros !== undefined && micros >= 0 ? micros / 1e6 : 0,
    frame: number(block.get('frame')),
    fps: number(block.get('fps')),
    speed: number(block.get('speed')?.replace(/x$/, '')),
    end,
  };
}

function number(text: string | undefined): number | undefined {
  if (text === undefined || text === 'N/A' || text === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

export interface ProgressEstimate {
  /** 0..1 of the source duration. */
  ratio: number;
  /** Seconds left at the current speed, when known. */
  etaSec?: number;
}

/** Ratio done and time left, from a progress block and the source duration. */
export function estimateProgress(p: FfmpegProgress, durationSec: number): ProgressEstimate {
  if (p.end) return { ratio: 1, etaSec: 0 };
  if (!(durationSec > 0)) return { ratio: 0 };
  const ratio = Math.min(1, Math.max(0, p.outTimeSec / durationSec));
  const etaSec = p.speed && p.speed > 0 ? (durationSec - p.outTimeSec) / p.speed : undefined;
  return { ratio, etaSec: etaSec === undefined ? undefined : Math.max(0, etaSec) };
}

/**
 * Time left from the recent pace rather than ffmpeg's `speed` (an average since the start, which keeps
 * the slow start-up and every past change of load in it): media seconds done over the last `windowSec`
 * of wall time. Undefined until the window holds at least `minSpanSec`.
 */
export function createEtaEstimator(
  durationSec: number,
  windowSec = 60,
  minSpanSec = 5,
): (wallSec: number, outTimeSec: number) => number | undefined {
  const samples: { wall: number; out: number }[] = [];
  return (wall, out) => {
    samples.push({ wall, out });
    while (samples.length > 2 && wall - samples[1]!.wall >= windowSec) samples.shift();
    const first = samples[0]!;
    const span = wall - first.wall;
    if (span < minSpanSec || out <= first.out) return undefined;
    return Math.max(0, ((durationSec - out) * span) / (out - first.out));
  };
}
