import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  net,
  Notification,
  protocol,
  safeStorage,
  session,
  shell,
} from 'electron';
import { findUp } from '../../src/node/find-up.js';
import { configDir } from '../../src/node/config-dir.js';
import { liveReply } from '../../src/node/studio/live-preview.js';
import { StudioBackend } from '../../src/node/studio/studio-backend.js';
import {
  EVENT_CHANNEL,
  registerFolderPicker,
  registerShowPackage,
  registerStudioIpc,
} from './ipc-handlers.js';
import { safeStorageCipher } from './safe-storage-cipher.js';
import {
  APP_ORIGIN,
  APP_SCHEME,
  contentSecurityPolicy,
  externalLink,
  isAppUrl,
  LIVE_HOST,
  PACKAGE_SCHEME,
} from './window-security.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const RENDERER_DIR = findUp(import.meta.url, 'dist/renderer') ?? path.resolve(here, '../../../renderer');
const PRELOAD = path.join(here, '../preload/preload.cjs');

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  {
    scheme: PACKAGE_SCHEME,
    privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, corsEnabled: true },
  },
]);

const logFile = () => path.join(app.getPath('logs'), 'hls-studio.log');
const log = (line: string) =>
  void appendFile(logFile(), `${new Date().toISOString()} ${line}\n`).catch(() => undefined);

let backend: StudioBackend;
let window: BrowserWindow | undefined;
const recent: string[] = [];

app.whenReady().then(start, (error: unknown) => fail(error));

async function start(): Promise<void> {
  try {
    await open();
  } catch (error) {
    fail(error);
  }
}

/** The app cannot start (an unreadable config folder, …): say why rather than idle without a window. */
function fail(error: unknown): void {
  log(`cannot start: ${(error as Error).message}`);
  dialog.showErrorBox('HLS Studio cannot start', (error as Error).message);
  app.exit(1);
}

async function open(): Promise<void> {
  const outDir = path.join(app.getPath('videos'), 'HLS Studio');
  await mkdir(outDir, { recursive: true });
  // The queue comes back as it was: interrupted jobs re-run, finished ones stay as history.
  backend = await StudioBackend.open({
    face: 'desktop',
    stateDir: configDir(),
    outDir,
    packageBaseUrl: `${PACKAGE_SCHEME}://p`,
    liveBaseUrl: `${PACKAGE_SCHEME}://${LIVE_HOST}`,
    cipher: safeStorageCipher(safeStorage),
    log,
  });
  registerStudioIpc(ipcMain, backend);
  registerFolderPicker(ipcMain, async () => {
    const options = {
      properties: ['openDirectory', 'createDirectory'] as ('openDirectory' | 'createDirectory')[],
    };
    const picked = window
      ? await dialog.showOpenDialog(window, options)
      : await dialog.showOpenDialog(options);
    return picked.canceled ? undefined : picked.filePaths[0];
  });
  registerShowPackage(
    ipcMain,
    (id) => backend.packageDirOf(id),
    (folder) => shell.showItemInFolder(folder),
  );
  // A job sends many events once done (publishing progress, …): tell the user once, when it ends.
  const lastStatus = new Map<string, string>((await backend.listJobs()).map((j) => [j.id, j.status]));
  backend.onEvent((event) => {
    window?.webContents.send(EVENT_CHANNEL, event);
    if (event.type !== 'job') return;
    const before = lastStatus.get(event.job.id);
    lastStatus.set(event.job.id, event.job.status);
    if (before !== event.job.status && (event.job.status === 'done' || event.job.status === 'failed')) {
      log(
        `${event.job.fileName}: ${event.job.status}${event.job.error ? ` — ${event.job.error.message}` : ''}`,
      );
      if (Notification.isSupported()) {
        new Notification({
          title: event.job.status === 'done' ? 'Package ready' : 'Encoding failed',
          body:
            event.job.status === 'done'
              ? event.job.fileName
              : `${event.job.fileName}: ${event.job.error?.message ?? ''}`,
        }).show();
      }
    }
  });

  // Pages come from the app protocol (no file://); packages only from folders the queue produced.
  protocol.handle(APP_SCHEME, (request) => serveFrom(RENDERER_DIR, new URL(request.url).pathname));
  protocol.handle(PACKAGE_SCHEME, (request) => {
    const url = new URL(request.url);
    if (url.host === LIVE_HOST) return serveLive(url, request.signal);
    const [, jobId, ...rest] = url.pathname.split('/');
    const dir = jobId ? backend.packageDirOf(jobId) : undefined;
    return dir ? serveFrom(dir, '/' + rest.join('/')) : new Response('not found', { status: 404 });
  });

  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    void backend.publicOrigins().then((origins) =>
      callback({
        responseHeaders: {
          ...details.responseHeaders,
          'Content-Security-Policy': [contentSecurityPolicy(origins)],
        },
      }),
    );
  });
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    // Links (a playback URL) open in the user's browser; the app never opens windows of its own.
    contents.setWindowOpenHandler(({ url }) => {
      const link = externalLink(url);
      if (link) void shell.openExternal(link);
      return { action: 'deny' };
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });

  buildMenu();
  createWindow();
}

// macOS keeps the app (and its queue) running with no window; the dock icon brings one back.
app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
app.on('activate', () => {
  if (backend && !window) createWindow();
});

// Every way out (Cmd+Q, File → Quit, the last window) stops ffmpeg and writes the queue first.
let quitting = false;
app.on('before-quit', (event) => {
  if (quitting || !backend) return;
  event.preventDefault();
  quitting = true;
  void backend.close().finally(() => app.exit(0));
});

function createWindow(): void {
  // Written out here, at the constructor, so Electronegativity's static checks can see every value.
  window = new BrowserWindow({
    width: 1280,
    height: 860,
    title: 'HLS Studio',
    webPreferences: {
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      disableBlinkFeatures: 'Auxclick',
    },
  });
  void window.loadURL(`${APP_ORIGIN}/index.html`);
  window.on('closed', () => (window = undefined));
}

async function serveFrom(root: string, pathname: string): Promise<Response> {
  const file = path.resolve(root, '.' + path.posix.normalize(decodeURIComponent(pathname)));
  if (!file.startsWith(path.resolve(root) + path.sep)) return new Response('forbidden', { status: 403 });
  return net.fetch(pathToFileURL(file).href);
}

/** A running job's live preview (the same replies as browser mode's /api/live route). */
async function serveLive(url: URL, signal: AbortSignal): Promise<Response> {
  const [, jobId = '', ...rest] = url.pathname.split('/');
  const job = backend.liveJobOf(jobId);
  if (!job) return new Response('no live preview', { status: 404 });
  const reply = await liveReply(job, rest.map(decodeURIComponent).join('/'), { signal });
  if (reply.status !== 200) return new Response(reply.message, { status: reply.status });
  const headers = { 'Content-Type': reply.contentType, 'Cache-Control': 'no-store' };
  if ('body' in reply) return new Response(reply.body, { headers });
  return new Response(Readable.toWeb(reply.stream) as ReadableStream<Uint8Array>, {
    headers: { ...headers, 'Content-Length': String(reply.size) },
  });
}

/** Files and folders picked in the menu, into the queue (the queue expands folders, as for drops). */
async function addPaths(paths: string[]): Promise<void> {
  if (paths.length === 0) return;
  recent.unshift(...paths);
  recent.splice(10);
  buildMenu();
  try {
    const { defaultPresetId } = await backend.getSettings();
    await backend.addJobs({ paths, presetId: defaultPresetId });
  } catch (error) {
    dialog.showErrorBox('Could not add the files', (error as Error).message);
  }
}

function buildMenu(): void {
  const template: Electron.MenuItemConstructorOptions[] = [
    {
      label: 'File',
      submenu: [
        {
          label: 'Open…',
          accelerator: 'CmdOrCtrl+O',
          click: async () => {
            const picked = await dialog.showOpenDialog({
              properties: ['openFile', 'openDirectory', 'multiSelections'],
            });
            if (!picked.canceled) await addPaths(picked.filePaths);
          },
        },
        {
          label: 'Recent',
          submenu: recent.length
            ? recent.map((file) => ({ label: path.basename(file), click: () => void addPaths([file]) }))
            : [{ label: 'None', enabled: false }],
        },
        {
          label: process.platform === 'darwin' ? 'Reveal Packages in Finder' : 'Show Packages Folder',
          click: () => void shell.openPath(path.join(app.getPath('videos'), 'HLS Studio')),
        },
        { label: 'Show Log', click: () => void shell.openPath(logFile()) },
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    { role: 'viewMenu' },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
