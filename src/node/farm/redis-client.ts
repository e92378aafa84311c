import { Redis } from 'ioredis';
import type { RedisConnection } from './redis-url.js';

/**
 * A Redis client for BullMQ. BullMQ 6 no longer bundles one (ioredis is an optional peer it loads
 * with require(), which ES modules do not have), so we build the ioredis client and hand it over.
 * 'worker': every command waits through an outage and the client reconnects for ever (BullMQ needs
 * maxRetriesPerRequest null); 'command' (submit, jobs): a dead Redis is an error within seconds.
 */
export function redisClient(connection: RedisConnection, mode: 'worker' | 'command'): Redis {
  return new Redis({
    ...connection,
    lazyConnect: false,
    ...(mode === 'worker'
      ? { maxRetriesPerRequest: null, retryStrategy: (times: number) => Math.min(200 * times, 2000) }
      : {
          maxRetriesPerRequest: 1,
          connectTimeout: 5000,
          retryStrategy: (times: number) => (times > 3 ? null : 300),
        }),
  });
}
