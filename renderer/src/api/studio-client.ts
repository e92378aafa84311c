import type { StudioApi } from '../../../src/common/api/studio-api';
import { createHttpStudioApi } from './http-studio-api';

/** What the desktop app's preload exposes on `window.studio`: the same API, plus a path for a dropped File. */
export interface DesktopStudioApi extends StudioApi {
  pathForFile(file: File): string;
  /** The native folder picker (for watch folders); undefined when cancelled. */
  pickFolder(): Promise<string | undefined>;
}

declare global {
  interface Window {
    studio?: DesktopStudioApi;
  }
}

export interface StudioClient {
  api: StudioApi;
  /** Turns dropped or picked files into paths the back end can read. */
  toPaths(files: File[]): Promise<string[]>;
  face: 'desktop' | 'browser';
  /** A native folder picker, where there is one (the desktop app). */
  pickFolder?: () => Promise<string | undefined>;
}

/** The Electron preload's bridge when there is one, else HTTP to `hls-studio serve`. */
export function createStudioClient(): StudioClient {
  const desktop = window.studio;
  if (desktop) {
    return {
      api: desktop,
      face: 'desktop',
      toPaths: async (files) => files.map((f) => desktop.pathForFile(f)),
      pickFolder: () => desktop.pickFolder(),
    };
  }
  const http = createHttpStudioApi();
  return { api: http, face: 'browser', toPaths: (files) => Promise.all(files.map((f) => http.upload(f))) };
}
