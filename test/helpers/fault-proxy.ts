import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP proxy in front of an S3 server that misbehaves on purpose: it drops connections
 * (before forwarding, or after the server acted but before the client hears back), answers 500 or 503
 * SlowDown, and adds latency, each on a share of requests drawn from a seeded generator. It records every
 * request in arrival order with a logical clock for start and end, so tests can check ordering.
 */
export interface FaultPlan {
  seed?: number;
  /** Shares of matching requests, 0..1. */
  drop?: number;
  error500?: number;
  error503?: number;
  latency?: number;
  latencyMs?: [number, number];
  /** Which requests may get faults (default: every request). */
  match?: (request: { method: string; path: string; query: string }) => boolean;
}

export type Fault = 'drop-before' | 'drop-after' | '500' | '503';

export interface ProxyLogEntry {
  method: string;
  /** Path without the query, percent-decoded: `/bucket/key`. */
  path: string;
  query: string;
  fault?: Fault;
  delayedMs?: number;
  /** Status the client received (undefined when the connection was dropped). */
  status?: number;
  /** Logical clock: every request start and end takes the next tick. */
  start: number;
  /** Wall clock (ms) when the request arrived. */
  at: number;
  end?: number;
}

export interface FaultProxy {
  url: string;
  log: ProxyLogEntry[];
  setPlan(plan: FaultPlan): void;
  stop(): Promise<void>;
}

/** mulberry32: small, fast, good enough to spread faults reproducibly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const errorBody = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;

export async function startFaultProxy(upstream: string, initial: FaultPlan = {}): Promise<FaultProxy> {
  const target = new URL(upstream);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const log: ProxyLogEntry[] = [];
  let plan = initial;
  let random = seededRandom(plan.seed ?? 1);
  let clock = 0;

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const entry: ProxyLogEntry = {
      method: req.method ?? 'GET',
      path: decodeURIComponent(url.pathname),
      query: url.search,
      start: ++clock,
      at: Date.now(),
    };
    log.push(entry);
    const finish = (status?: number) => {
      entry.end ??= ++clock;
      if (status !== undefined) entry.status = status;
    };
    const eligible = plan.match
      ? plan.match({ method: entry.method, path: entry.path, query: entry.query })
      : true;
    const roll = random();
    const delayRoll = random();
    let fault: Fault | undefined;
    if (eligible) {
      const drop = plan.drop ?? 0;
      const e500 = plan.error500 ?? 0;
      const e503 = plan.error503 ?? 0;
      if (roll < drop) fault = roll < drop / 2 ? 'drop-before' : 'drop-after';
      else if (roll < drop + e500) fault = '500';
      else if (roll < drop + e500 + e503) fault = '503';
    }
    if (fault) entry.fault = fault;
    const [lo, hi] = plan.latencyMs ?? [20, 120];
    const delay = eligible && delayRoll < (plan.latency ?? 0) ? Math.round(lo + random() * (hi - lo)) : 0;
    if (delay) entry.delayedMs = delay;

    const run = () => {
      if (fault === 'drop-before') {
        finish();
        req.socket.destroy();
        return;
      }
      if (fault === '500' || fault === '503') {
        // Read the whole body first, as a real server would before answering.
        req.resume();
        req.on('end', () => {
          const body =
            fault === '503'
              ? errorBody('SlowDown', 'Please reduce your request rate.')
              : errorBody('InternalError', 'We encountered an internal error. Please try again.');
          res.writeHead(Number(fault), {
            'content-type': 'application/xml',
            'content-length': Buffer.byteLength(body),
          });
          res.end(body, () => finish(Number(fault)));
        });
        return;
      }
      const upstreamReq = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
          agent,
        },
        (upstreamRes) => {
          if (fault === 'drop-after') {
            // The server did the work; the client never learns it.
            upstreamRes.resume();
            upstreamRes.on('end', () => {
              finish();
              req.socket.destroy();
            });
            return;
          }
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
          upstreamRes.pipe(res);
          res.on('finish', () => finish(upstreamRes.statusCode));
        },
      );
      upstreamReq.on('error', () => {
        finish();
        req.socket.destroy();
      });
      // The client gave up (cancel, timeout): the server must not be left waiting for the rest of the body.
      res.on('close', () => {
        if (!res.writableFinished) upstreamReq.destroy();
      });
      req.pipe(upstreamReq);
    };
    if (delay) setTimeout(run, delay);
    else run();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    setPlan(next) {
      plan = next;
      random = seededRandom(next.seed ?? 1);
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
