import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { BodyTooLargeError, readJson, sameSecret, sendJson } from '../server/http-json.js';
import { createdObjects, type NewObject } from './bucket-events.js';

/** The path stores push notifications to: `http://host:port/s3-events?token=…`. */
export const EVENTS_PATH = '/s3-events';

export interface EventEndpointOptions {
  host: string;
  port: number;
  /** Required on every push (`?token=` in the endpoint URL, or an `X-Hls-Studio-Token` header). */
  token?: string;
  /** Only objects of this bucket and under this prefix are taken. */
  bucket: string;
  prefix: string;
  offer(objects: NewObject[]): Promise<number>;
  onSkipped?(reason: string): void;
}

export interface EventEndpoint {
  /** The URL to give the store as its push endpoint, token included. */
  url: string;
  token: string;
  close(): Promise<void>;
}

/**
 * An HTTP endpoint for S3 event notifications (radosgw pushes them to an HTTP topic; on Amazon S3 they
 * reach it through SNS or EventBridge). It answers 200 once the objects are queued, so a store that
 * retries on failure retries only what was not taken; 401 without the token, 413 past 1 MiB, 400 for
 * a body that is not a notification. It listens on loopback unless told otherwise.
 */
export async function startEventEndpoint(options: EventEndpointOptions): Promise<EventEndpoint> {
  const token = options.token ?? randomBytes(18).toString('base64url');
  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://endpoint');
      if (url.pathname !== EVENTS_PATH) return sendJson(res, 404, { error: 'not found' });
      if (req.method !== 'POST') return sendJson(res, 405, { error: 'POST S3 event notifications here' });
      const presented = url.searchParams.get('token') ?? String(req.headers['x-hls-studio-token'] ?? '');
      if (!sameSecret(presented, token)) return sendJson(res, 401, { error: 'bad or missing token' });
      let body: unknown;
      try {
        body = await readJson(req);
      } catch (error) {
        if (error instanceof BodyTooLargeError) return sendJson(res, 413, { error: error.message });
        throw error;
      }
      const { objects, skipped } = createdObjects(body, options.prefix);
      for (const reason of skipped) options.onSkipped?.(reason);
      if (body === undefined || (objects.length === 0 && skipped.length > 0))
        return sendJson(res, 400, { error: skipped[0] ?? 'not JSON' });
      const ours = objects.filter((o) => o.bucket === options.bucket);
      const queued = await options.offer(ours);
      sendJson(res, 200, { received: objects.length, queued });
    })().catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 503, { error: (error as Error).message });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}${EVENTS_PATH}?token=${encodeURIComponent(token)}`,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
