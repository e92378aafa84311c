import type { ErrorCode } from '../common/errors.js';

/** Exit codes of `hls-studio`, documented in the README. */
export const EXIT = {
  OK: 0,
  /** Every file failed, or the one command failed. */
  FAILED: 1,
  /** Bad command line, preset or option: nothing was attempted. */
  USAGE: 2,
  /** Some files were packaged, some failed. */
  PARTIAL: 3,
  /** ffmpeg or ffprobe is missing. */
  NO_FFMPEG: 4,
  /** A package was made (or checked) but fails a MUST rule of the validator. */
  INVALID: 5,
  /** Interrupted (Ctrl-C). */
  CANCELLED: 130,
} as const;

export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case 'FFMPEG_MISSING':
      return EXIT.NO_FFMPEG;
    case 'PRESET_NOT_FOUND':
    case 'PRESET_INVALID':
    case 'INVALID_ARGUMENT':
      return EXIT.USAGE;
    case 'CANCELLED':
      return EXIT.CANCELLED;
    default:
      return EXIT.FAILED;
  }
}
