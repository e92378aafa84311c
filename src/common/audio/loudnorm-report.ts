import type { LoudnessMeasurement } from '../plan/encode-plan.js';

/**
 * The JSON block ffmpeg's loudnorm filter prints at the end of a measuring pass (`print_format=json`):
 * `{ "input_i" : "-27.61", "input_tp" : "-4.47", … "target_offset" : "0.25" }`, after a log prefix line.
 */
export function parseLoudnormReport(stderr: string): LoudnessMeasurement | undefined {
  const start = stderr.lastIndexOf('{');
  const end = stderr.lastIndexOf('}');
  if (start < 0 || end < start) return undefined;
  let json: Record<string, string>;
  try {
    json = JSON.parse(stderr.slice(start, end + 1)) as Record<string, string>;
  } catch {
    return undefined;
  }
  const num = (key: string) => Number(json[key]);
  const measurement = {
    inputI: num('input_i'),
    inputTp: num('input_tp'),
    inputLra: num('input_lra'),
    inputThresh: num('input_thresh'),
    targetOffset: num('target_offset'),
  };
  // Silence measures as -inf: there is nothing to normalise then.
  return Object.values(measurement).every(Number.isFinite) ? measurement : undefined;
}
