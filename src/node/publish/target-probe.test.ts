import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTarget } from '../../common/publish/publish-target.js';
import { s3Target, useTestS3 } from '../../../test/helpers/s3-server.js';
import { probeTarget } from './target-probe.js';

const s3 = useTestS3();
/** A "CDN" in front of the bucket that refuses anonymous reads, as a private bucket does. */
let forbidden: http.Server;
let forbiddenUrl: string;
beforeAll(async () => {
  forbidden = http.createServer((_req, res) => res.writeHead(403).end('AccessDenied'));
  await new Promise<void>((resolve) => forbidden.listen(0, '127.0.0.1', resolve));
  forbiddenUrl = `http://127.0.0.1:${(forbidden.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => forbidden.close(resolve)));

const config = (extra: Record<string, unknown>) => {
  const parsed = parseTarget(s3Target(s3, 'probe', extra));
  if (!parsed.ok) throw new Error(parsed.issues.join('; '));
  return parsed.target;
};

describe('Test connection: failed steps say what would fix them', () => {
  it('players refused (HTTP 403) on the read back: fix public-read, in words without a command-line flag', async () => {
    const report = await probeTarget(config({ publicBaseUrl: forbiddenUrl }), s3.credentials);
    const get = report.steps.find((s) => s.step === 'get')!;
    expect(get).toMatchObject({ ok: false, status: 403, fix: 'public-read' });
    expect(get.message).toMatch(/answered HTTP 403: players could not fetch packages/);
    expect(get.message).toContain('public base URL');
    expect(get.message).not.toMatch(/--\w/);
    // Writing worked: the credentials are not the problem.
    expect(report.steps.find((s) => s.step === 'put')).toMatchObject({ ok: true });
  });

  it('keys the store refuses: fix credentials', async () => {
    const report = await probeTarget(config({}), {
      accessKeyId: 'NOSUCHKEY123',
      secretAccessKey: 'nope-nope-nope',
    });
    expect(report.steps[0]).toMatchObject({ step: 'list', ok: false, status: 403, fix: 'credentials' });
    expect(report.ok).toBe(false);
  });
});
