import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { appendFile, mkdir, rm, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { dispatchCall } from '../../common/api/dispatch.js';
import { PACKAGE_ZIP_ROUTE } from '../../common/api/package-download.js';
import { LAB_ROUTE } from '../../common/lab/network-profiles.js';
import { pageCsp } from '../../common/api/page-csp.js';
import { StudioError } from '../../common/errors.js';
import { packageNameFor } from '../../common/package-name.js';
import { findUp } from '../find-up.js';
import type { SecretCipher } from '../publish/credential-vault.js';
import { configDir } from '../config-dir.js';
import { liveReply } from '../studio/live-preview.js';
import { StudioBackend, type StudioBackendOptions } from '../studio/studio-backend.js';
import { contentTypeFor } from './content-types.js';
import { LabSessions } from './network-throttle.js';
import { folderEntries, zipSize, zipStream } from './zip-stream.js';
import { readJson, sameSecret, sendJson } from './http-json.js';

export interface StudioServerOptions {
  /** 0 picks a free port. */
  port?: number;
  /** Defaults to a fresh random token. */
  token?: string;
  outDir: string;
  /** Settings, queue, presets, targets (default: the config folder, see configDir()). */
  stateDir?: string;
  /** Where dropped files are streamed to (default: `uploads` in the state folder, so a restart finds them). */
  uploadDir?: string;
  rendererDir?: string;
  /** Browser mode stores no secrets; tests may give a cipher to exercise the credential store. */
  cipher?: SecretCipher;
  /** Log file (one line per command run, publish, watch event; never a secret). */
  logFile?: string;
  watch?: StudioBackendOptions['watch'];
}

export interface StudioServer {
  url: string;
  port: number;
  token: string;
  backend: StudioBackend;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
/** Running jobs' live previews: `/api/live/<job id>/master.m3u8`, …. */
const LIVE_PREFIX = '/api/live';
const WS_SOURCES = ['ws://127.0.0.1:*', 'ws://localhost:*'];
/** Cookies ignore ports: each server's cookie carries its port, so two servers never log each other out. */
const cookieName = (port: number) => `hls_studio_token_${port}`;
export const DEFAULT_RENDERER_DIR =
  findUp(import.meta.url, 'dist/renderer') ??
  fileURLToPath(new URL('../../../dist/renderer/', import.meta.url));

/**
 * Browser mode: the built UI and the StudioApi over HTTP + WebSocket, on 127.0.0.1 only. Every request
 * needs the random token (in the URL once, then an HttpOnly SameSite=Strict cookie) and a Host/Origin
 * of this very server, so other sites and other users' browsers cannot drive it (DNS rebinding included).
 */
export async function startStudioServer(options: StudioServerOptions): Promise<StudioServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  if (token.length < 24)
    throw new StudioError('INVALID_ARGUMENT', 'the access token must be at least 24 characters long');
  const rendererDir = options.rendererDir ?? DEFAULT_RENDERER_DIR;
  if (!(await stat(path.join(rendererDir, 'index.html')).catch(() => undefined))) {
    throw new StudioError(
      'IO_ERROR',
      `the UI is not built (${rendererDir} has no index.html): run npm run build`,
    );
  }
  const stateDir = options.stateDir ?? configDir();
  const uploadDir = options.uploadDir ?? path.join(stateDir, 'uploads');
  await mkdir(uploadDir, { recursive: true });
  const logFile = options.logFile;
  const backend = await StudioBackend.open({
    face: 'browser',
    stateDir,
    outDir: options.outDir,
    packageBaseUrl: '/packages',
    liveBaseUrl: LIVE_PREFIX,
    uploadDir,
    ...(options.cipher ? { cipher: options.cipher } : {}),
    ...(options.watch ? { watch: options.watch } : {}),
    ...(logFile
      ? {
          log: (line: string) =>
            void appendFile(logFile, `${new Date().toISOString()} ${line}\n`).catch(() => undefined),
        }
      : {}),
  });
  let port = 0;
  const labs = new LabSessions();

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: String((error as Error).message) });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${HOST}:${port}`);
    const refusal = refuse(req, url);
    if (refusal) return sendJson(res, refusal.status, { error: refusal.reason });
    if (url.searchParams.get('token') === token) {
      res.setHeader('Set-Cookie', `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`);
    }
    if (req.method === 'POST' && url.pathname.startsWith('/api/call/')) {
      const body = await readJson(req);
      return sendJson(res, 200, await dispatchCall(backend, url.pathname.slice('/api/call/'.length), body));
    }
    if (req.method === 'PUT' && url.pathname === '/api/upload') return upload(req, res, url);
    if (req.method === 'GET' && url.pathname.startsWith('/packages/')) return servePackage(res, url);
    if (req.method === 'GET' && url.pathname.startsWith(`${PACKAGE_ZIP_ROUTE}/`)) return serveZip(res, url);
    if (req.method === 'GET' && url.pathname.startsWith(`${LIVE_PREFIX}/`)) return serveLive(res, url);
    if (req.method === 'GET' && url.pathname.startsWith(`${LAB_ROUTE}/`)) return serveLab(res, url);
    if (req.method === 'GET')
      return serveStatic(res, rendererDir, url.pathname === '/' ? '/index.html' : url.pathname, true);
    sendJson(res, 405, { error: 'method not allowed' });
  }

  /** Host must be this server (DNS rebinding), Origin when present too, and the token must match. */
  function refuse(req: IncomingMessage, url: URL): { status: number; reason: string } | undefined {
    const allowedHosts = [`${HOST}:${port}`, `localhost:${port}`];
    if (!allowedHosts.includes(req.headers.host ?? '')) return { status: 403, reason: 'foreign Host header' };
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedHosts.map((h) => `http://${h}`).includes(origin)) {
      return { status: 403, reason: 'foreign Origin' };
    }
    const given = url.searchParams.get('token') ?? cookie(req.headers.cookie, cookieName(port));
    if (!given || !sameSecret(given, token)) return { status: 401, reason: 'missing or wrong token' };
    return undefined;
  }

  async function upload(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    // The file keeps the name it was dropped with, in a folder of its own, so the job, its messages and
    // its package are named as the user's file was; its bytes are never interpreted here.
    const folder = path.join(uploadDir, randomBytes(6).toString('hex'));
    await mkdir(folder);
    const file = path.join(folder, uploadFileName(url.searchParams.get('name') ?? ''));
    try {
      await pipeline(req, createWriteStream(file));
    } catch (error) {
      // A cancelled or broken upload (the user stopped a 4 GB drop halfway) leaves nothing behind.
      await rm(folder, { recursive: true, force: true }).catch(() => undefined);
      throw error;
    }
    sendJson(res, 200, { path: file });
  }

  async function servePackage(res: ServerResponse, url: URL, pace?: Transform): Promise<void> {
    const [, , jobId, ...rest] = url.pathname.split('/');
    const dir = jobId ? backend.packageDirOf(jobId) : undefined;
    if (!dir) return sendJson(res, 404, { error: 'no such package' });
    return serveStatic(res, dir, '/' + rest.map(decodeURIComponent).join('/'), false, pace);
  }

  /** The playback lab: a package's files through a simulated network (see network-throttle.ts). */
  async function serveLab(res: ServerResponse, url: URL): Promise<void> {
    const lab = labs.route(url.pathname);
    if (!lab) return sendJson(res, 404, { error: 'no such lab profile' });
    const gone = new AbortController();
    res.once('close', () => gone.abort());
    if (!(await lab.link.latency(gone.signal))) return;
    return servePackage(res, new URL(lab.packagePath, url), lab.link.pacer());
  }

  /** A finished job's package folder as `<name>.zip`, streamed (store-only: segments are compressed). */
  async function serveZip(res: ServerResponse, url: URL): Promise<void> {
    // Job ids are [a-z0-9-]: anything else (encoded or not) names no package.
    const dir = backend.packageDirOf(url.pathname.slice(PACKAGE_ZIP_ROUTE.length + 1));
    if (!dir) return sendJson(res, 404, { error: 'no such package' });
    const entries = await folderEntries(dir);
    let size: number;
    try {
      size = zipSize(entries);
    } catch (error) {
      return sendJson(res, 413, { error: (error as Error).message });
    }
    const name = `${path.basename(dir)}.zip`;
    res.writeHead(200, {
      'Content-Type': 'application/zip',
      'Content-Length': size,
      // RFC 6266: an ASCII fallback, and the real (UTF-8) name for browsers that read filename*.
      'Content-Disposition': `attachment; filename="${name.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    const gone = new AbortController();
    res.once('close', () => gone.abort());
    // A failure halfway (a file changed) cuts the response short: the browser reports the download failed.
    await pipeline(Readable.from(zipStream(entries, gone.signal)), res).catch(() => res.destroy());
  }

  /** A running job's preview: only the names its plan lists, each segment once it is complete. */
  async function serveLive(res: ServerResponse, url: URL): Promise<void> {
    const [jobId = '', ...rest] = url.pathname.slice(LIVE_PREFIX.length + 1).split('/');
    const job = backend.liveJobOf(jobId);
    if (!job) return sendJson(res, 404, { error: 'no live preview' });
    // Held while the segment is encoded: given up when the player goes away.
    const gone = new AbortController();
    res.once('close', () => gone.abort());
    const reply = await liveReply(job, rest.map(decodeURIComponent).join('/'), { signal: gone.signal });
    if (reply.status !== 200) {
      if (res.destroyed) return;
      return sendJson(res, reply.status, { error: reply.message });
    }
    const headers = {
      'Content-Type': reply.contentType,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    };
    if ('body' in reply) {
      res.writeHead(200, { ...headers, 'Content-Length': Buffer.byteLength(reply.body) });
      res.end(reply.body);
      return;
    }
    if (res.destroyed) return void reply.stream.destroy();
    res.writeHead(200, { ...headers, 'Content-Length': reply.size });
    await pipeline(reply.stream, res).catch(() => undefined);
  }

  async function serveStatic(
    res: ServerResponse,
    root: string,
    pathname: string,
    page: boolean,
    pace?: Transform,
  ): Promise<void> {
    const file = path.resolve(root, '.' + path.posix.normalize(pathname));
    if (!file.startsWith(path.resolve(root) + path.sep))
      return sendJson(res, 403, { error: 'outside the served folder' });
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return sendJson(res, 404, { error: 'not found' });
    res.writeHead(200, {
      'Content-Type': contentTypeFor(file),
      'Content-Length': info.size,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      ...(page
        ? {
            'Content-Security-Policy': pageCsp({
              connectSources: WS_SOURCES,
              publicOrigins: await backend.publicOrigins(),
            }),
          }
        : {}),
    });
    await (pace ? pipeline(createReadStream(file), pace, res) : pipeline(createReadStream(file), res));
  }

  const events = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://${HOST}:${port}`);
    if (url.pathname !== '/api/events' || refuse(req, url)) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    events.handleUpgrade(req, socket, head, (ws) => {
      const unsubscribe = backend.onEvent((event) => ws.send(JSON.stringify(event)));
      ws.on('close', unsubscribe);
    });
  });

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, HOST, resolve));
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://${HOST}:${port}/?token=${token}`,
    port,
    token,
    backend,
    async close() {
      await backend.close();
      for (const client of events.clients) client.terminate();
      events.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A dropped file's name as a single safe path component: no folder part, no control characters, not
 * `.`/`..`, at most 200 bytes with its extension kept. ffmpeg gets it as `file:<absolute path>`,
 * so spaces, a leading dash or a colon are harmless.
 */
export function uploadFileName(name: string): string {
  const base = (name.split(/[\\/]/).pop() ?? '').replace(/[\p{Cc}\p{Cf}]/gu, '').trim();
  const ext = path.extname(base).slice(0, 16);
  // File systems count bytes (255 on most): `Été…` takes two a letter, CJK three.
  let stem = [...base.slice(0, base.length - ext.length)];
  while (Buffer.byteLength(stem.join('') + ext) > 200) stem = stem.slice(0, -1);
  const safe = `${stem.join('').trim()}${ext}`;
  return safe === '' || /^\.+$/.test(safe) ? `${packageNameFor(safe)}${ext}` : safe;
}

function cookie(header: string | undefined, name: string): string | undefined {
  return header
    ?.split(';')
    .map((c) => c.trim().split('='))
    .find(([k]) => k === name)?.[1];
}

/** Opens a URL in the default browser: argument arrays, no shell. */
export function openInBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['rundll32', ['url.dll,FileProtocolHandler', url]]
        : ['xdg-open', [url]];
  spawn(command, args, { detached: true, stdio: 'ignore' })
    .on('error', () => undefined)
    .unref();
}
