import type { Redis } from 'ioredis';
import type { SeenSet } from './bucket-watch.js';

/** The Redis set of objects a watcher queued, per queue: `hls-studio:watch:<queue>:seen`. */
export const seenSetKey = (queueName: string) => `hls-studio:watch:${queueName}:seen`;

/** The seen objects kept in Redis beside the queue, so they survive the watcher and are shared by watchers. */
export function redisSeenSet(client: Redis, queueName: string): SeenSet {
  const key = seenSetKey(queueName);
  return {
    has: async (id) => (await client.sismember(key, id)) === 1,
    add: async (id) => {
      await client.sadd(key, id);
    },
  };
}
