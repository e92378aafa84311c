import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, describe, expect, it } from 'vitest';
import {
  NETWORK_PROFILES,
  networkProfile,
  rateAt,
  transmitEndSec,
  type NetworkProfile,
} from '../../common/lab/network-profiles.js';
import { LabSessions, NetworkLink } from './network-throttle.js';

const servers: Server[] = [];
afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

/** A real HTTP server whose every response is `size` bytes through `link`, after its latency. */
async function throttledServer(link: NetworkLink, size: number): Promise<string> {
  const server = createServer((_req, res) => {
    void (async () => {
      await link.latency();
      res.writeHead(200, { 'Content-Length': size });
      await pipeline(Readable.from([Buffer.alloc(size)]), link.pacer(), res).catch(() => undefined);
    })();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

/** Downloads `url` and says when its first and last bytes came (ms after the request) and how many. */
function download(url: string): Promise<{ firstMs: number; lastMs: number; bytes: number }> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let firstMs = -1;
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        if (firstMs < 0) firstMs = performance.now() - start;
        bytes += chunk.length;
      });
      res.on('end', () => resolve({ firstMs, lastMs: performance.now() - start, bytes }));
    }).on('error', reject);
  });
}

const profile = (trace: NetworkProfile['trace'], latencyMs = 0): NetworkProfile => ({
  id: 'test',
  label: 'test',
  latencyMs,
  trace,
});

describe('network profiles', () => {
  it("has the issue's networks: 3G 1.6 Mb/s 300 ms, 4G 9 Mb/s 60 ms, cable 25 Mb/s 15 ms, a 20 s drop to 0.5 Mb/s", () => {
    const at = (id: string, sec: number) => rateAt(networkProfile(id)!, sec);
    expect([at('3g', 0), networkProfile('3g')!.latencyMs]).toEqual([1_600_000, 300]);
    expect([at('4g', 0), networkProfile('4g')!.latencyMs]).toEqual([9_000_000, 60]);
    expect([at('cable', 0), networkProfile('cable')!.latencyMs]).toEqual([25_000_000, 15]);
    expect([at('drop', 14.9), at('drop', 15), at('drop', 34.9), at('drop', 35), at('drop', 500)]).toEqual([
      9_000_000, 500_000, 500_000, 9_000_000, 9_000_000,
    ]);
    expect(new Set(NETWORK_PROFILES.map((p) => p.id)).size).toBe(NETWORK_PROFILES.length);
  });

  it("takes a transfer that runs into a drop at the drop's rate for its tail", () => {
    const trace = profile([
      { bitsPerSec: 8000, forSec: 1 },
      { bitsPerSec: 800, forSec: 10 },
      { bitsPerSec: 8000 },
    ]);
    // 1000 bytes at 8 kb/s take 1 s; starting at 0.5 s, half go fast and the other 500 take 5 s at 800 b/s.
    expect(transmitEndSec(trace, 0, 1000)).toBeCloseTo(1);
    expect(transmitEndSec(trace, 0.5, 1000)).toBeCloseTo(6);
    // Through the whole drop (1000 bytes in it) and out the other side.
    expect(transmitEndSec(trace, 0, 3000)).toBeCloseTo(12);
  });
});

describe('the throttle on real HTTP responses', () => {
  it('limits each profile to its rate (bytes measured over time) and waits its latency before the first byte', async () => {
    const measured = await Promise.all(
      (['3g', '4g', 'cable'] as const).map(async (id) => {
        const p = networkProfile(id)!;
        // About 1.5 s worth of bytes at the profile's rate.
        const url = await throttledServer(new NetworkLink(p), Math.round((p.trace[0]!.bitsPerSec / 8) * 1.5));
        const got = await download(url);
        // Over the whole transfer after the latency: a late event loop cannot make a window look fast.
        const rate = (got.bytes / (got.lastMs - p.latencyMs)) * 1000 * 8;
        return { id, configured: p.trace[0]!.bitsPerSec, rate, firstMs: got.firstMs, latencyMs: p.latencyMs };
      }),
    );
    console.log(
      measured
        .map(
          (m) =>
            `${m.id}: ${(m.rate / 8).toFixed(0)} B/s measured, ${m.configured / 8} B/s configured, first byte ${m.firstMs.toFixed(0)} ms`,
        )
        .join('\n'),
    );
    for (const m of measured) {
      expect(m.rate, m.id).toBeLessThan(m.configured * 1.15);
      expect(m.rate, m.id).toBeGreaterThan(m.configured * 0.6);
      expect(m.firstMs, m.id).toBeGreaterThanOrEqual(m.latencyMs);
    }
  });

  it('shares one link between parallel responses of a session: together they get its rate, not each', async () => {
    const link = new NetworkLink(profile([{ bitsPerSec: 1_600_000 }]));
    const url = await throttledServer(link, 100_000);
    const start = performance.now();
    const both = await Promise.all([download(url), download(url)]);
    const seconds = (performance.now() - start) / 1000;
    // 200 kB at 200 kB/s: about 1 s for both, where two separate links would take 0.5 s.
    // The floor is the promise; the ceiling only has to tell "shared" from "one after the other" (a
    // serial link ends them 0.5 s apart), loosely, since a loaded machine's timers run late.
    expect(seconds).toBeGreaterThan(0.9);
    expect(seconds).toBeLessThan(3);
    // Interleaved: neither finished long before the other.
    expect(Math.abs(both[0].lastMs - both[1].lastMs)).toBeLessThan(350);
  });

  it('follows a trace: the rate drops and recovers while a response is under way', async () => {
    const link = new NetworkLink(
      profile([
        { bitsPerSec: 8_000_000, forSec: 0.5 },
        { bitsPerSec: 800_000, forSec: 1 },
        { bitsPerSec: 8_000_000 },
      ]),
    );
    // 0.5 s fast (500 kB), 1 s slow (100 kB), then 400 kB fast (0.4 s): about 1.9 s, where 0.5 Mb/s-free would be 1 s.
    const got = await download(await throttledServer(link, 1_000_000));
    expect(got.lastMs).toBeGreaterThan(1750);
    // Loose: the floor shows the drop; a loaded machine's timers only ever make it later.
    expect(got.lastMs).toBeLessThan(4000);
  });
});

describe('lab routes', () => {
  it('maps /lab/<profile>/<session>/packages/… to the package path, one link per session', () => {
    const labs = new LabSessions();
    const a = labs.route('/lab/3g/s1/packages/job/master.m3u8');
    expect(a?.packagePath).toBe('/packages/job/master.m3u8');
    expect(a?.link.profile.id).toBe('3g');
    expect(labs.route('/lab/3g/s1/packages/job/v0/seg_001.ts')?.link).toBe(a?.link);
    expect(labs.route('/lab/3g/s2/packages/job/master.m3u8')?.link).not.toBe(a?.link);
    expect(labs.route('/lab/5g/s1/packages/job/master.m3u8')).toBeUndefined();
    expect(labs.route('/lab/3g/s1/api/call/listJobs')).toBeUndefined();
    expect(labs.route('/lab/3g/../packages/job/master.m3u8')).toBeUndefined();
  });
});
