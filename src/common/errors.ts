/**
 * The closed set of failure codes that cross every boundary (CLI exit, JSON lines, later the StudioApi).
 * Like hls.js `ErrorDetails`: callers switch on `code`, people read `message`, `detail` holds the evidence
 * (ffmpeg's last stderr lines, the schema issue list).
 */
export const ERROR_CODES = [
  'FILE_NOT_FOUND',
  'NOT_A_FILE',
  'FILE_EMPTY',
  'NOT_MEDIA',
  'TRUNCATED',
  'NO_MEDIA_STREAMS',
  'UNDECODABLE',
  'FFMPEG_MISSING',
  'FFMPEG_FAILED',
  'FFMPEG_STALLED',
  'CANCELLED',
  'PRESET_NOT_FOUND',
  'PRESET_INVALID',
  'OUTPUT_EXISTS',
  'PACKAGE_INVALID',
  'INVALID_ARGUMENT',
  'IO_ERROR',
  /** A publish target is misconfigured or unreachable (bad bucket, endpoint, region, options). */
  'PUBLISH_CONFIG',
  /** The store refused the credentials, or none were found. */
  'PUBLISH_AUTH',
  /** An upload failed for good (after retries). */
  'PUBLISH_FAILED',
  /** The store kept different bytes than were sent (hash, ETag or size mismatch). */
  'PUBLISH_INTEGRITY',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** A failure as data: what crosses the API boundary and what `--json` prints. */
export interface StudioErrorData {
  code: ErrorCode;
  message: string;
  /** The file the failure is about, when there is one. */
  file?: string;
  detail?: string;
}

export class StudioError extends Error {
  readonly code: ErrorCode;
  readonly file: string | undefined;
  readonly detail: string | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { file?: string; detail?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'StudioError';
    this.code = code;
    this.file = options.file;
    this.detail = options.detail;
  }

  toData(): StudioErrorData {
    return {
      code: this.code,
      message: this.message,
      ...(this.file === undefined ? {} : { file: this.file }),
      ...(this.detail === undefined ? {} : { detail: this.detail }),
    };
  }
}

/** Any thrown value as StudioErrorData; unknown failures keep their message under IO_ERROR. */
export function toErrorData(error: unknown): StudioErrorData {
  if (error instanceof StudioError) return error.toData();
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'IO_ERROR', message };
}
