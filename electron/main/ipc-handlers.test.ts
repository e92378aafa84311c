import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { API_CALLS, type StudioApi } from '../../src/common/api/studio-api.js';
import {
  CALL_CHANNEL,
  PICK_FOLDER_CHANNEL,
  registerFolderPicker,
  registerShowPackage,
  registerStudioIpc,
  SHOW_PACKAGE_CHANNEL,
} from './ipc-handlers.js';
import { CONTENT_SECURITY_POLICY, externalLink } from './window-security.js';

type Handler = (event: { senderFrame?: { url: string } | null }, ...args: unknown[]) => Promise<unknown>;

/** The real handler, registered on a stand-in ipcMain: no Electron binary needed. */
function handler(api: Partial<StudioApi>): Handler {
  let registered: Handler | undefined;
  registerStudioIpc(
    { handle: (channel, fn) => channel === CALL_CHANNEL && (registered = fn) },
    api as StudioApi,
  );
  return registered!;
}

const app = { senderFrame: { url: 'studio://app/index.html' } };

describe('Electron IPC handler', () => {
  const calls: unknown[] = [];
  const call = handler({
    listJobs: async () => [],
    cancelJob: async (request) => void calls.push(request),
  });

  it('runs a valid call from the app page', async () => {
    expect(await call(app, 'listJobs', {})).toEqual({ ok: true, value: [] });
    expect(await call(app, 'cancelJob', { id: 'abc123' })).toEqual({ ok: true, value: null });
    expect(calls).toEqual([{ id: 'abc123' }]);
  });

  it('rejects malformed payloads and unknown calls without running anything', async () => {
    const before = calls.length;
    expect(await call(app, 'cancelJob', { id: 42 })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT' },
    });
    expect(await call(app, 'cancelJob', { id: 'abc', extra: true })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT' },
    });
    expect(await call(app, '__proto__', {})).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT' },
    });
    expect(await call(app, 'constructor', {})).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT' },
    });
    expect(calls.length).toBe(before);
  });

  it('rejects calls from foreign frames (a navigated or embedded page)', async () => {
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'studio://app.evil/x', '']) {
      expect(await call({ senderFrame: { url } }, 'listJobs', {})).toMatchObject({
        ok: false,
        error: { code: 'INVALID_ARGUMENT' },
      });
    }
    expect(await call({ senderFrame: null }, 'listJobs', {})).toMatchObject({ ok: false });
  });
});

describe('the preload bridge', () => {
  it('exposes exactly the calls the API defines, no more', async () => {
    const source = await readFile(new URL('../preload/preload.cts', import.meta.url), 'utf8');
    const list = /const CALLS = \[([^\]]*)\]/.exec(source)?.[1] ?? '';
    const names = [...list.matchAll(/'(\w+)'/g)].map((m) => m[1]).sort();
    expect(names).toEqual(Object.keys(API_CALLS).sort());
  });

  it('a secret in a saveTarget call is validated, not echoed in errors', async () => {
    const canary = 'CANARY-secret-9f8e7d';
    const reject = handler({});
    const result = (await reject(app, 'saveTarget', {
      name: 'x',
      target: {},
      credentials: { accessKeyId: 'AKIA', secretAccessKey: canary },
      extra: canary,
    })) as { ok: boolean };
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain(canary);
  });
});

describe('window security', () => {
  it('the CSP allows no remote scripts and no inline scripts', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/script-src[^;]*unsafe-inline/);
  });

  it('hands only http(s) links to the system browser', () => {
    expect(externalLink('https://cdn.example.com/v/master.m3u8')).toBe(
      'https://cdn.example.com/v/master.m3u8',
    );
    for (const url of [
      'file:///etc/passwd',
      'smb://host/share',
      'javascript:alert(1)',
      'studio://app/x',
      'nope',
    ])
      expect(externalLink(url)).toBeUndefined();
  });
});

describe('the folder picker channel', () => {
  it('answers the app page and nobody else', async () => {
    let registered: Handler | undefined;
    registerFolderPicker(
      { handle: (channel, fn) => channel === PICK_FOLDER_CHANNEL && (registered = fn) },
      async () => '/picked',
    );
    expect(await registered!(app)).toBe('/picked');
    expect(await registered!({ senderFrame: { url: 'https://evil.example/' } })).toBeUndefined();
  });
});

describe('the show-package channel (Show in folder)', () => {
  const shown: string[] = [];
  let registered: Handler | undefined;
  registerShowPackage(
    { handle: (channel, fn) => channel === SHOW_PACKAGE_CHANNEL && (registered = fn) },
    (id) => (id === 'abc123' ? '/videos/HLS Studio/clip' : undefined),
    (folder) => shown.push(folder),
  );

  it('shows the package folder of a finished job, named by its id', async () => {
    expect(await registered!(app, 'abc123')).toEqual({ ok: true, value: null });
    expect(shown).toEqual(['/videos/HLS Studio/clip']);
  });

  it('refuses paths, malformed ids, jobs without a package and foreign frames, showing nothing', async () => {
    const before = shown.length;
    for (const arg of ['/etc', '../x', 42, undefined, { id: 'abc123' }, 'ABC123', 'zzz999'])
      expect(await registered!(app, arg)).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(await registered!({ senderFrame: { url: 'https://evil.example/' } }, 'abc123')).toMatchObject({
      ok: false,
    });
    expect(await registered!({ senderFrame: null }, 'abc123')).toMatchObject({ ok: false });
    expect(shown.length).toBe(before);
  });
});
