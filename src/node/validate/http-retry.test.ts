import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient, HttpFailure } from './http-retry.js';

const FAST = { attempts: 4, baseDelayMs: 10, maxDelayMs: 50 };

/** Each path answers from a script: one step per request, the last step repeated. */
type Step = (res: ServerResponse) => void;
const ok: Step = (res) => res.writeHead(200, { 'content-length': 5 }).end('hello');
const status =
  (code: number, headers: Record<string, string> = {}): Step =>
  (res) =>
    res.writeHead(code, headers).end();
const stall: Step = () => {}; // never answers
const cutMidBody: Step = (res) => {
  res.writeHead(200, { 'content-length': 1000 });
  res.write('partial');
  setTimeout(() => res.socket?.destroy(), 20);
};

const scripts: Record<string, Step[]> = {
  '/flaky': [status(503), status(500), ok],
  '/stall-once': [stall, ok],
  '/cut-once': [cutMidBody, ok],
  '/throttled': [status(429, { 'retry-after': '0.2' }), ok],
  '/missing': [status(404)],
  '/always-503': [status(503)],
  '/not-implemented': [status(501)],
};
const hits = new Map<string, number>();
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const p = req.url!;
    const n = hits.get(p) ?? 0;
    hits.set(p, n + 1);
    const script = scripts[p] ?? [status(404)];
    script[Math.min(n, script.length - 1)]!(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('createHttpClient: transient failures are retried and counted, the rest are answers', () => {
  it('503 then 500 then 200: the body arrives, one request needed two retries', async () => {
    const http = createHttpClient({ policy: FAST });
    const r = await http.fetch(`${base}/flaky`, { readBody: true });
    expect(r.body!.toString()).toBe('hello');
    expect(r.attempts).toBe(3);
    expect(http.stats).toEqual({ requests: 1, retried: 1, retries: 2, failed: 0 });
  });

  it('a request that stalls past the per-attempt timeout is given up and retried', async () => {
    const http = createHttpClient({ policy: FAST, timeoutMs: 300 });
    const started = Date.now();
    const r = await http.fetch(`${base}/stall-once`, { readBody: true });
    expect(r.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(http.stats.retried).toBe(1);
  });

  it('a connection cut while the body is read is retried (the body is read inside the attempt)', async () => {
    const http = createHttpClient({ policy: FAST });
    const r = await http.fetch(`${base}/cut-once`, { readBody: true });
    expect(r.body!.toString()).toBe('hello');
    expect(r.attempts).toBe(2);
  });

  it('429 waits at least its Retry-After (up to the policy’s longest wait)', async () => {
    const http = createHttpClient({ policy: { ...FAST, maxDelayMs: 1_000 } });
    const started = Date.now();
    const r = await http.fetch(`${base}/throttled`);
    expect(r.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('404 and 501 are answers, not retried', async () => {
    const http = createHttpClient({ policy: FAST });
    expect((await http.fetch(`${base}/missing`)).attempts).toBe(1);
    expect((await http.fetch(`${base}/not-implemented`)).attempts).toBe(1);
    expect(hits.get('/missing')).toBe(1);
    expect(http.stats).toEqual({ requests: 2, retried: 0, retries: 0, failed: 0 });
  });

  it('a status that stays transient comes back with its attempts and counts as failed', async () => {
    const http = createHttpClient({ policy: FAST });
    const r = await http.fetch(`${base}/always-503`, { method: 'HEAD' });
    expect(r).toMatchObject({ status: 503, attempts: 4 });
    expect(http.stats).toEqual({ requests: 1, retried: 1, retries: 3, failed: 1 });
  });

  it('a refused connection that stays refused fails with its attempts', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const http = createHttpClient({ policy: FAST });
    const error = await http.fetch(`http://127.0.0.1:${port}/x`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpFailure);
    expect((error as HttpFailure).message).toBe('ECONNREFUSED after 4 attempts');
  });

  it('a redirect the caller refuses is not followed', async () => {
    const redirecting = createServer((_req, res) => res.writeHead(302, { location: `${base}/flaky` }).end());
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
    const before = hits.get('/flaky') ?? 0;
    try {
      const http = createHttpClient({ policy: FAST, allowRedirect: () => 'another origin' });
      const url = `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}/`;
      await expect(http.fetch(url)).rejects.toThrow(`redirected to ${base}/flaky: another origin`);
      expect(hits.get('/flaky') ?? 0).toBe(before);
    } finally {
      await new Promise<void>((resolve) => redirecting.close(() => resolve()));
    }
  });
});
