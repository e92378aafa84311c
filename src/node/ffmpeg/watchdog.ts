/** Seconds of no work (no output, no CPU time) before an encode's ffmpeg is judged hung. */
export const DEFAULT_STALL_TIMEOUT_SEC = 120;

/**
 * The watchdog's limit: the caller's value, else `HLS_STUDIO_STALL_TIMEOUT_SEC`, else 120 s. Tests and
 * slow network mounts set it; it is one setting for every face (CLI flag, studio, worker).
 */
export function stallTimeoutSec(override?: number): number {
  if (override !== undefined && override > 0) return override;
  const env = Number(process.env.HLS_STUDIO_STALL_TIMEOUT_SEC);
  return Number.isFinite(env) && env > 0 ? env : DEFAULT_STALL_TIMEOUT_SEC;
}
