import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startFaultProxy } from '../../../test/helpers/fault-proxy.js';
import { makeFakePackage, removeFakePackages } from '../../../test/helpers/publish-fixture.js';
import {
  headObject,
  listObjects,
  objectBytes,
  s3Target,
  useTestS3,
} from '../../../test/helpers/s3-server.js';
import { digestBuffer } from './file-digest.js';
import { publishPackage, type PublishRequest } from './publish-package.js';

const CHILD = fileURLToPath(new URL('../../../test/helpers/publish-child.ts', import.meta.url));

const s3 = useTestS3();
afterAll(removeFakePackages);

const sha256 = (data: Buffer) => digestBuffer(data).sha256;

/** Starts the publish in a child process and SIGKILLs it after `killAfter` files were uploaded. */
function publishAndKill(request: PublishRequest, killAfter: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', CHILD, JSON.stringify({ request, credentials: s3.credentials })],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let uploaded = 0;
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const event = JSON.parse(buffer.slice(0, nl)) as { type: string };
        buffer = buffer.slice(nl + 1);
        if (event.type === 'uploaded' && ++uploaded === killAfter) child.kill('SIGKILL');
        if (event.type === 'done') reject(new Error('the publish finished before it was killed'));
      }
    });
    child.on('error', reject);
    child.on('exit', () => resolve(uploaded));
  });
}

describe('resume after a killed publish', () => {
  it('a second run sends only what is missing, the bucket ends byte-identical; a third run sends nothing', async () => {
    const pkg = await makeFakePackage({ rungs: 3, segments: 8 });
    const prefix = `resume/${Date.now()}`;
    const slow = await startFaultProxy(s3.endpoint, { latency: 1, latencyMs: [60, 100] });
    const request = (endpoint: string): PublishRequest => ({
      packageDir: pkg.packageDir,
      target: s3Target(s3, prefix, { endpoint, publicBaseUrl: `${s3.endpoint}/${s3.bucket}` }),
      options: { concurrency: 2, validate: false },
    });
    try {
      const seen = await publishAndKill(request(slow.url), 15);
      expect(seen).toBe(15);
    } finally {
      await slow.stop();
    }
    await new Promise((r) => setTimeout(r, 300));

    // What the killed run left: complete, identical objects (a PUT cut short leaves nothing).
    const client = s3.client();
    const key = (rel: string) => path.posix.normalize(`${prefix}/${pkg.name}/${rel}`);
    const identical = new Set<string>();
    for (const rel of pkg.files) {
      const h = await headObject(client, s3.bucket, key(rel)).catch(() => undefined);
      const local = await readFile(path.resolve(pkg.packageDir, rel));
      if (h?.Metadata?.sha256 === sha256(local) && h.ContentLength === local.length) identical.add(rel);
    }
    expect(identical.size).toBeGreaterThanOrEqual(15);
    expect(identical.size).toBeLessThan(pkg.files.length);
    expect(identical.has('master.m3u8')).toBe(false);

    const recorder = await startFaultProxy(s3.endpoint);
    try {
      const second = await publishPackage(request(recorder.url), { credentials: s3.credentials });
      const missing = pkg.files.filter((f) => !identical.has(f));
      expect(second.uploaded).toBe(missing.length);
      const puts = recorder.log
        .filter((e) => e.method === 'PUT')
        .map((e) => e.path.slice(`/${s3.bucket}/`.length));
      expect(puts.sort()).toEqual(missing.map(key).sort());
      expect(second.verification?.ok).toBe(true);

      recorder.log.length = 0;
      const third = await publishPackage(request(recorder.url), { credentials: s3.credentials });
      expect(third).toMatchObject({ uploaded: 0, skipped: pkg.files.length });
      expect(recorder.log.filter((e) => e.method !== 'GET' && e.method !== 'HEAD')).toEqual([]);
    } finally {
      await recorder.stop();
    }

    const stored = await listObjects(client, s3.bucket, `${prefix}/`);
    expect([...stored.keys()].sort()).toEqual(pkg.files.map(key).sort());
    for (const rel of pkg.files) {
      const back = await objectBytes(client, s3.bucket, key(rel));
      expect(sha256(back), rel).toBe(sha256(await readFile(path.resolve(pkg.packageDir, rel))));
    }
  });
});
