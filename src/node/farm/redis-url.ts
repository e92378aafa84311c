import { StudioError } from '../../common/errors.js';

/** Connection options for BullMQ (its ioredis client) from `redis://[user:password@]host:port/db`. */
export interface RedisConnection {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls?: Record<string, never>;
}

/** Parses a queue URL (`redis://`, `rediss://` for TLS); a bad URL is a usage error that names it. */
export function parseRedisUrl(value: string): RedisConnection {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new StudioError('INVALID_ARGUMENT', `"${value}" is not a redis://host:port/db URL`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    throw new StudioError('INVALID_ARGUMENT', `"${value}" is not a redis:// or rediss:// URL`);
  const dbText = url.pathname.replace(/^\//, '') || '0';
  const db = Number(dbText);
  if (!Number.isInteger(db) || db < 0 || db > 15)
    throw new StudioError('INVALID_ARGUMENT', `"${value}": the database must be a number from 0 to 15`);
  return {
    host: url.hostname || '127.0.0.1',
    port: url.port ? Number(url.port) : 6379,
    db,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** The URL without its password, for logs and messages. */
export function redisLabel(value: string): string {
  return value.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
