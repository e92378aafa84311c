import { STORE_PRESETS, type StoreId } from '../../common/publish/store-presets.js';
import type { S3TargetConfig } from '../../common/publish/publish-target.js';
import type { Publisher } from './publisher.js';
import { createS3Publisher, type S3PublisherDeps } from './s3-publisher.js';

/**
 * Every publisher by id. All current stores speak S3, so each is the S3 publisher with its preset
 * (STORE_PRESETS); a store with another protocol would add its own `Publisher` here.
 */
export function publishers(deps: S3PublisherDeps = {}): Map<StoreId, Publisher<S3TargetConfig>> {
  return new Map(STORE_PRESETS.map((p) => [p.id, createS3Publisher(p.id, deps)]));
}

export function publisherFor(id: StoreId, deps: S3PublisherDeps = {}): Publisher<S3TargetConfig> {
  return createS3Publisher(id, deps);
}
