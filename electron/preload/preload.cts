// Sandboxed preloads run as CommonJS with a small, safe subset of Electron: only this bridge reaches the page.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a sandboxed preload is CommonJS: this is its import
import electron = require('electron');

const { contextBridge, ipcRenderer, webUtils } = electron;

type Listener = (event: unknown) => void;
const call = async (method: string, payload: object = {}) => {
  const result = (await ipcRenderer.invoke('studio:call', method, payload)) as
    { ok: true; value: unknown } | { ok: false; error: { code: string; message: string; detail?: string } };
  if (!result.ok) throw Object.assign(new Error(result.error.message), { data: result.error });
  return result.value;
};

// The closed list of calls (src/common/api/studio-api.ts API_CALLS; a test keeps the two equal).
const CALLS = [
  'listPresets',
  'savePreset',
  'deletePreset',
  'encodeExcerpt',
  'cancelExcerpt',
  'analyzePerTitle',
  'cancelPerTitle',
  'setPresetLadder',
  'listJobs',
  'addJobs',
  'cancelJob',
  'retryJob',
  'removeJob',
  'moveJob',
  'setConcurrency',
  'getSettings',
  'setDefaultPreset',
  'listTargets',
  'saveTarget',
  'removeTarget',
  'setDefaultTarget',
  'testTarget',
  'fixCors',
  'describePublish',
  'publishJob',
  'cancelPublish',
  'listWatchFolders',
  'addWatchFolder',
  'removeWatchFolder',
  'listFarms',
  'saveFarm',
  'removeFarm',
  'testFarm',
  'sendToFarm',
  'listFarmJobs',
  'cancelFarmJob',
  'retryFarmJob',
  'removeFarmJob',
] as const;

contextBridge.exposeInMainWorld('studio', {
  ...Object.fromEntries(CALLS.map((method) => [method, (request: object = {}) => call(method, request)])),
  onEvent(listener: Listener) {
    const relay = (_e: unknown, event: unknown) => listener(event);
    ipcRenderer.on('studio:event', relay);
    return () => ipcRenderer.removeListener('studio:event', relay);
  },
  pathForFile: (file: File) => webUtils.getPathForFile(file),
  pickFolder: () => ipcRenderer.invoke('studio:pick-folder') as Promise<string | undefined>,
  showPackage: async (jobId: string) => {
    const result = (await ipcRenderer.invoke('studio:show-package', jobId)) as
      { ok: true } | { ok: false; error: { code: string; message: string } };
    if (!result.ok) throw Object.assign(new Error(result.error.message), { data: result.error });
  },
});
