import { request } from 'node:http';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { scratchDir } from '../../../test/helpers/clips.js';
import { waitFor } from '../../../test/helpers/wait-for.js';
import { startStudioServer, uploadFileName, type StudioServer } from './studio-server.js';

let server: StudioServer;
let base: string;
let uploadRoot: string;

beforeAll(async () => {
  const work = await scratchDir('serve-');
  const rendererDir = path.join(work, 'ui');
  await mkdir(rendererDir);
  await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>ui</title>');
  uploadRoot = path.join(work, 'up');
  server = await startStudioServer({
    outDir: path.join(work, 'out'),
    uploadDir: uploadRoot,
    stateDir: path.join(work, 'state'),
    rendererDir,
  });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(() => server.close());

/** A raw request, so Host and Origin can be set to anything. */
function raw(pathname: string, headers: Record<string, string> = {}, method = 'GET', body?: string) {
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>(
    (resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: server.port, path: pathname, method, headers },
        (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode!, body: text, headers: res.headers }));
        },
      );
      req.on('error', reject);
      req.end(body);
    },
  );
}

describe('hls-studio serve security', () => {
  it('binds to 127.0.0.1 only and prints a URL with a long random token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32,}$/);
  });

  it('refuses requests without the token (401), and accepts the page with it (with a strict CSP)', async () => {
    expect((await raw('/')).status).toBe(401);
    expect((await raw('/?token=wrong')).status).toBe(401);
    const ok = await raw(`/?token=${server.token}`);
    expect(ok.status).toBe(200);
    expect(String(ok.headers['content-security-policy'])).toContain("default-src 'self'");
    expect(String(ok.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
  });

  it('the cookie set by the token authorises later requests', async () => {
    const response = await fetch(`${base}/api/call/listPresets`, {
      method: 'POST',
      headers: {
        cookie: `hls_studio_token_${server.port}=${server.token}`,
        'content-type': 'application/json',
      },
      body: '{}',
    });
    expect(((await response.json()) as { ok: boolean }).ok).toBe(true);
  });

  it('refuses a foreign Origin even with the token (another site driving the API)', async () => {
    const r = await raw(
      `/api/call/listJobs?token=${server.token}`,
      { Origin: 'https://evil.example', Host: `127.0.0.1:${server.port}` },
      'POST',
      '{}',
    );
    expect(r.status).toBe(403);
  });

  it('refuses a foreign Host header even with the token (DNS rebinding)', async () => {
    const r = await raw(`/?token=${server.token}`, { Host: `attacker.example:${server.port}` });
    expect(r.status).toBe(403);
  });

  it('refuses a WebSocket without the token', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events`);
    const outcome = await new Promise<string>((resolve) => {
      ws.on('open', () => resolve('open'));
      ws.on('error', () => resolve('refused'));
      ws.on('unexpected-response', () => resolve('refused'));
    });
    expect(outcome).toBe('refused');
    const authorised = new WebSocket(`ws://127.0.0.1:${server.port}/api/events?token=${server.token}`);
    await new Promise<void>((resolve, reject) => {
      authorised.on('open', () => resolve());
      authorised.on('error', reject);
    });
    authorised.close();
  });

  it('validates every call: unknown calls and malformed payloads come back as INVALID_ARGUMENT data', async () => {
    const call = async (name: string, body: unknown) =>
      JSON.parse(
        (
          await raw(
            `/api/call/${name}?token=${server.token}`,
            { 'content-type': 'application/json' },
            'POST',
            JSON.stringify(body),
          )
        ).body,
      );
    expect(await call('deleteEverything', {})).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT' },
    });
    expect(await call('cancelJob', { id: '../../etc' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT' },
    });
    expect(await call('addJobs', { paths: [], presetId: 'web-compact' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT' },
    });
    expect(await call('addJobs', { paths: ['/a.mp4'], presetId: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'PRESET_NOT_FOUND' },
    });
  });

  it('serves no file outside the UI folder and no package it did not make', async () => {
    expect((await raw(`/..%2f..%2fetc%2fpasswd?token=${server.token}`)).status).toBeGreaterThanOrEqual(403);
    expect((await raw(`/packages/abc/master.m3u8?token=${server.token}`)).status).toBe(404);
  });

  it('a live preview needs the token like everything else, and exists only for a running job', async () => {
    expect((await raw('/api/live/abc/master.m3u8')).status).toBe(401);
    expect((await raw(`/api/live/abc/master.m3u8?token=${server.token}`)).status).toBe(404);
  });

  it('an upload keeps the name it was dropped with (so rows and messages say it), inside its own folder', async () => {
    const put = async (name: string) =>
      JSON.parse(
        (await raw(`/api/upload?name=${encodeURIComponent(name)}&token=${server.token}`, {}, 'PUT', 'bytes'))
          .body,
      ) as { path: string };
    const spaced = await put('holiday notes (1).mp4');
    expect(path.basename(spaced.path)).toBe('holiday notes (1).mp4');
    const climbing = await put('../../etc/passwd');
    expect(path.basename(climbing.path)).toBe('passwd');
    expect(path.dirname(path.dirname(climbing.path))).toBe(path.dirname(path.dirname(spaced.path)));
  });
});

describe('uploads', () => {
  it('an upload stopped halfway leaves no folder behind', async () => {
    const uploads = uploadRoot;
    const before = await readdir(uploads);
    const req = request({
      host: '127.0.0.1',
      port: server.port,
      path: `/api/upload?name=big.mov&token=${server.token}`,
      method: 'PUT',
      headers: { 'Content-Length': String(10 * 1024 * 1024) },
    });
    req.on('error', () => undefined);
    req.write(Buffer.alloc(256 * 1024));
    await waitFor(async () => (await readdir(uploads)).length > before.length, 'the upload to start', 5000);
    req.destroy();
    await waitFor(
      async () => (await readdir(uploads)).length === before.length,
      'the partial upload to be removed',
      5000,
    );
  });
});

describe('uploadFileName', () => {
  it('keeps a dropped name, minus folders and control characters, within 200 bytes', () => {
    expect(uploadFileName('Été 2024 🎬.mov')).toBe('Été 2024 🎬.mov');
    expect(uploadFileName('C:\\Users\\me\\-clip.mp4')).toBe('-clip.mp4');
    expect(uploadFileName('bad\u0000na\u202eme.mp4')).toBe('badname.mp4');
    expect(uploadFileName('..')).toBe('video');
    expect(uploadFileName('')).toBe('video');
    const long = uploadFileName(`${'é'.repeat(300)}.mp4`);
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(200);
    expect(long.endsWith('é.mp4')).toBe(true);
  });
});

describe('package download (.zip)', () => {
  it('is token-protected like every route, and 404 for a job with no finished package', async () => {
    expect((await raw('/api/package-zip/abc123')).status).toBe(401);
    const cookie = { Cookie: `hls_studio_token_${server.port}=${server.token}` };
    expect((await raw('/api/package-zip/abc123', cookie)).status).toBe(404);
    expect((await raw('/api/package-zip/..%2F..%2Fetc', cookie)).status).toBe(404);
    expect((await raw('/api/package-zip/%E0%A4%A', cookie)).status).toBe(404);
  });
});
