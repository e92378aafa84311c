import { describe, expect, it } from 'vitest';
import { parseRedisUrl, redisLabel } from './redis-url.js';

describe('queue URLs', () => {
  it('host, port, database, user and password come from the URL; rediss:// means TLS', () => {
    expect(parseRedisUrl('redis://queue.internal:6380/2')).toEqual({
      host: 'queue.internal',
      port: 6380,
      db: 2,
    });
    expect(parseRedisUrl('redis://127.0.0.1')).toEqual({ host: '127.0.0.1', port: 6379, db: 0 });
    expect(parseRedisUrl('rediss://worker:p%40ss@r.example:6379/0')).toEqual({
      host: 'r.example',
      port: 6379,
      db: 0,
      username: 'worker',
      password: 'p@ss',
      tls: {},
    });
  });

  it('other schemes and databases are refused with the URL in the message', () => {
    expect(() => parseRedisUrl('http://localhost:6379')).toThrow(
      /"http:\/\/localhost:6379" is not a redis:\/\//,
    );
    expect(() => parseRedisUrl('redis://localhost/99')).toThrow(/database must be a number from 0 to 15/);
    expect(() => parseRedisUrl('localhost:6379')).toThrow(/not a redis/);
  });

  it('passwords never appear in labels', () => {
    expect(redisLabel('redis://u:secret@h:1/0')).toBe('redis://u:***@h:1/0');
  });
});
