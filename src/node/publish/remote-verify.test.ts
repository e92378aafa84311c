import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { headerPolicy } from '../../common/publish/object-headers.js';
import { clip } from '../../../test/helpers/clips.js';
import { encodeInto, testPreset } from '../../../test/helpers/encode.js';
import { startFaultProxy } from '../../../test/helpers/fault-proxy.js';
import { s3Target, useTestS3 } from '../../../test/helpers/s3-server.js';
import { readLocalPackage } from './local-package.js';
import { publishPackage } from './publish-package.js';
import { verifyRemote, type CountedVerification } from './remote-verify.js';

const s3 = useTestS3();
const FAST_RETRY = { attempts: 6, baseDelayMs: 20, maxDelayMs: 200 };

/**
 * Issue 13, "verification that survives faults": through a proxy that answers ~15% of requests with
 * 503 SlowDown or a dropped connection (plus latency), the verification after publishing and the
 * validator on the URL must retry, pass, and say how many requests needed a retry; what stays failed
 * is still reported, with its attempts.
 */
describe('remote verification through a faulty network', () => {
  it('publish, checks and validator all through the fault proxy: passes, and the retries are counted', async () => {
    const input = await clip('verify-faults.mp4', { width: 320, height: 180, durationSec: 3 });
    const { out, result } = await encodeInto(input, testPreset({ images: { previewDurationSec: 0 } }));
    const proxy = await startFaultProxy(s3.endpoint, {
      seed: 13,
      drop: 0.08,
      error503: 0.07,
      latency: 1,
      latencyMs: [20, 20],
    });
    try {
      const prefix = `verify-faults/${Date.now()}`;
      const summary = await publishPackage(
        {
          packageDir: result.packageDir,
          target: s3Target(s3, prefix, {
            endpoint: proxy.url,
            publicBaseUrl: `${proxy.url}/${s3.bucket}`,
          }),
          options: { retry: FAST_RETRY, validate: true },
        },
        { credentials: s3.credentials },
      );
      const v = summary.verification as CountedVerification;
      expect(v.failures).toEqual([]);
      expect(v.validation, JSON.stringify(v.validation)).toMatchObject({ valid: true, newFailures: [] });
      expect(v.ok).toBe(true);
      // The reads met faults too, and each was retried and counted.
      const readFaults = proxy.log.filter((e) => e.fault && (e.method === 'GET' || e.method === 'HEAD'));
      expect(readFaults.length).toBeGreaterThan(0);
      expect(v.network.retried).toBeGreaterThan(0);
      expect(v.network.failed).toBe(0);
      expect(v.network.retries).toBeGreaterThanOrEqual(readFaults.length - 2); // (a probe of the target may meet one)
      expect(v.notes.join('\n')).toMatch(/checks: \d+ of \d+ request\(s\) needed a retry/);
      expect(v.notes.join('\n')).toMatch(/validator: \d+ of \d+ request\(s\) needed a retry/);
    } finally {
      await proxy.stop();
      await rm(out, { recursive: true, force: true });
    }
  });

  it('an object that always answers 503 SlowDown is still reported failed, with its attempts', async () => {
    const input = await clip('verify-faults.mp4', { width: 320, height: 180, durationSec: 3 });
    const { out, result } = await encodeInto(input, testPreset({ images: { previewDurationSec: 0 } }));
    const prefix = `verify-broken/${Date.now()}`;
    const summary = await publishPackage(
      { packageDir: result.packageDir, target: s3Target(s3, prefix), options: { verify: false } },
      { credentials: s3.credentials },
    );
    const bad = 'v0-180p/seg_00001.ts';
    const proxy = await startFaultProxy(s3.endpoint, {
      error503: 1,
      match: ({ path: p }) => p.endsWith(`/${prefix}/pkg/${bad}`),
    });
    try {
      const local = await readLocalPackage(result.packageDir, { includeKeys: false, policy: headerPolicy() });
      const packageUrl = new URL('./', summary.playbackUrl.replace(s3.endpoint, proxy.url)).href;
      const v = await verifyRemote({
        packageUrl,
        files: local.files,
        origin: '*',
        expectCors: false,
        validate: true,
        keysElsewhere: false,
        hashSample: 1_000,
        retry: FAST_RETRY,
      });
      expect(v.ok).toBe(false);
      expect(v.failures).toEqual([
        expect.objectContaining({ path: bad, problem: 'HTTP 503 SlowDown after 6 attempts' }),
      ]);
      expect(v.validation!.newFailures).toContainEqual(
        expect.objectContaining({
          id: 'rfc8216-6.2.1',
          message: expect.stringMatching(
            /seg_00001\.ts is unreadable \(HTTP 503( SlowDown)? after 6 attempts\)/,
          ),
        }),
      );
      expect(v.network.failed).toBeGreaterThanOrEqual(2);
      expect(proxy.log.filter((e) => e.path.endsWith(bad) && e.method === 'GET').length % 6).toBe(0);
    } finally {
      await proxy.stop();
      await rm(out, { recursive: true, force: true });
    }
  });
});
