import type { z } from 'zod';
import type { RetryPolicy } from '../../common/publish/backoff.js';
import type { PlannedFile, PublishEvent, PublishProgress } from '../../common/publish/publish-events.js';
import type { LocalPackage } from './local-package.js';

/** How a publish runs, whatever the store. */
export interface PublishOptions {
  concurrency: number;
  dryRun: boolean;
  /** Upload even what the store already has, identical. */
  force: boolean;
  /** Check the bucket's CORS for browser playback, set it, or leave it alone. */
  cors: 'check' | 'apply' | 'skip';
  /** Origin the player page is served from; '*' = any. */
  corsOrigin: string;
  retry: RetryPolicy;
  multipartThresholdBytes?: number;
  partSizeBytes?: number;
  /** A request whose socket is idle this long has stalled (ms). */
  socketTimeoutMs?: number;
}

/** What a publisher is handed (Kap's share-service context): the files, progress, cancellation. */
export interface PublishContext<Config> {
  config: Config;
  package: LocalPackage;
  options: PublishOptions;
  /** Throttled by the publisher (about four a second). */
  setProgress(progress: PublishProgress): void;
  emit(event: Exclude<PublishEvent, { type: 'progress' }>): void;
  signal: AbortSignal;
}

export interface PublishOutcome {
  /** The package folder as players fetch it, ending in '/': master.m3u8 resolves against it. */
  packageUrl: string;
  planned: PlannedFile[];
  uploaded: number;
  skipped: number;
  bytesSent: number;
  /** Did the store's own CORS configuration allow browser playback? Undefined: unknown or not checked. */
  corsOk?: boolean;
}

export interface PublisherLocation {
  /** For people: `s3://bucket/prefix/name/`. */
  label: string;
  endpoint?: string;
  packageUrl: string;
}

/**
 * A publishing target plug-in: `{ id, title, configSchema, publish(ctx) }`. Every S3-protocol store is
 * one instance of the S3 publisher; a store with another protocol is one more implementation.
 */
export interface Publisher<Config = unknown> {
  id: string;
  title: string;
  configSchema: z.ZodType<Config>;
  /** Where a package would land, before anything is sent. */
  locate(config: Config, packageName: string): PublisherLocation;
  publish(ctx: PublishContext<Config>): Promise<PublishOutcome>;
}
