import type { StudioErrorData } from '../errors.js';
import type { NetworkCounts, RuleResult } from '../validate/validation-report.js';
import type { PublishPhase } from './upload-order.js';

/** Upload progress, throttled by the engine (about four a second). Files and bytes count uploads only. */
export interface PublishProgress {
  bytesDone: number;
  bytesTotal: number;
  filesDone: number;
  filesTotal: number;
  /** Files already in the store, identical (not counted in the totals). */
  filesSkipped: number;
  phase?: PublishPhase;
  rateBytesPerSec?: number;
  etaSec?: number;
  /** Files being sent now. */
  current: { path: string; bytesDone: number; bytes: number }[];
}

export interface PlannedFile {
  path: string;
  key: string;
  bytes: number;
  contentType: string;
  cacheControl: string;
  action: 'upload' | 'skip';
  /** Why it is uploaded: not in the store, or there with other bytes or headers. */
  reason?: 'missing' | 'changed' | 'headers' | 'forced' | 'unknown';
}

export interface RemoteCheckFailure {
  path: string;
  url: string;
  problem: string;
}

export interface RemoteVerification {
  ok: boolean;
  baseUrl: string;
  /** Objects fetched or HEAD-requested through the public URL. */
  checked: number;
  /** Objects whose bytes were fetched and hashed back. */
  hashed: number;
  /** Did responses carry Access-Control-Allow-Origin for the Origin we sent? */
  corsHeader?: boolean;
  failures: RemoteCheckFailure[];
  notes: string[];
  /** Requests made through the public URL, and how many needed a retry (checks and validator together). */
  network?: NetworkCounts;
  validation?: {
    valid: boolean;
    /** MUST rules that fail remotely but passed (or were not recorded as failing) locally. */
    newFailures: Pick<RuleResult, 'id' | 'title' | 'message'>[];
    mustFailures: number;
  };
}

export interface PublishSummary {
  playbackUrl: string;
  embedHtml: string;
  uploaded: number;
  skipped: number;
  bytesSent: number;
  durationSec: number;
  dryRun: boolean;
  verification?: RemoteVerification;
}

/** What `publish` reports as it goes; `--json` prints one per line. */
export type PublishEvent =
  | {
      type: 'target';
      store: string;
      bucket: string;
      prefix: string;
      endpoint?: string;
      playbackUrl: string;
    }
  | {
      type: 'planned';
      dryRun: boolean;
      upload: number;
      skip: number;
      uploadBytes: number;
      files: PlannedFile[];
    }
  | { type: 'phase'; phase: PublishPhase; files: number }
  | ({ type: 'progress' } & PublishProgress)
  | { type: 'uploaded'; path: string; key: string; bytes: number; multipart: boolean; attempts: number }
  | { type: 'retry'; path: string; attempt: number; delayMs: number; reason: string }
  | { type: 'cors'; ok: boolean | undefined; applied: boolean; problems: string[] }
  | { type: 'warning'; message: string }
  | ({ type: 'verified' } & RemoteVerification)
  | ({ type: 'done' } & PublishSummary)
  | { type: 'failed'; error: StudioErrorData };
