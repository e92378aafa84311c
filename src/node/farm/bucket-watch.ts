import { createHash } from 'node:crypto';
import type { NewObject } from './bucket-events.js';

/** Which objects were queued already: kept in Redis, so a restarted watcher does not queue them again. */
export interface SeenSet {
  has(id: string): Promise<boolean>;
  add(id: string): Promise<void>;
}

export interface BucketWatchDeps {
  /** Every object under the watched prefix now (a listing of the bucket). */
  list(signal: AbortSignal): AsyncIterable<NewObject>;
  seen: SeenSet;
  /** Queues one object's encode under the given job id (BullMQ ignores an id it already holds). */
  enqueue(object: NewObject, jobId: string): Promise<void>;
  onQueued?(object: NewObject, jobId: string): void;
}

/** One object's identity: its bucket, key and content (a key written again with new bytes is new). */
export const objectId = (o: NewObject) => `${o.bucket}/${o.key}@${o.etag}`;
/** A job id from that identity: the same object always gets the same id, so two watchers agree. */
export const watchJobId = (o: NewObject) =>
  `watch-${createHash('sha256').update(objectId(o)).digest('hex').slice(0, 24)}`;

/**
 * Queues each new object of a bucket prefix exactly once, whether it is seen by a listing (stores
 * without event delivery) or pushed by the store (S3 event notifications): the job is added under a
 * deterministic id first, then the object is marked seen. A watcher killed between the two adds it
 * again after a restart under the same id, which BullMQ ignores while the first job is kept.
 */
export class BucketWatch {
  constructor(private readonly deps: BucketWatchDeps) {}

  /** Offers objects (from a listing or an event); returns how many were queued now. */
  async offer(objects: Iterable<NewObject>): Promise<number> {
    let queued = 0;
    for (const object of objects) {
      const id = objectId(object);
      if (await this.deps.seen.has(id)) continue;
      const jobId = watchJobId(object);
      await this.deps.enqueue(object, jobId);
      await this.deps.seen.add(id);
      this.deps.onQueued?.(object, jobId);
      queued += 1;
    }
    return queued;
  }

  /** One listing of the prefix; returns how many objects it queued. */
  async pollOnce(signal: AbortSignal): Promise<number> {
    let queued = 0;
    for await (const object of this.deps.list(signal)) queued += await this.offer([object]);
    return queued;
  }

  /**
   * Lists every `intervalMs` until the signal aborts. A failed listing (the store away for a while) is
   * reported and tried again at the next turn; the watcher does not stop for it.
   */
  async run(intervalMs: number, signal: AbortSignal, onError: (error: unknown) => void): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.pollOnce(signal);
      } catch (error) {
        if (signal.aborted) break;
        onError(error);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalMs);
        signal.addEventListener(
          'abort',
          () => {
            clearTimeout(timer);
            resolve();
          },
          { once: true },
        );
      });
    }
  }
}
