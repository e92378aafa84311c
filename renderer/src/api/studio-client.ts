import { packageZipUrl } from '../../../src/common/api/package-download';
import type { StudioApi } from '../../../src/common/api/studio-api';
import { dropTokenFromAddress } from './address-token';
import { createHttpStudioApi, type UploadOptions } from './http-studio-api';

/** What the desktop app's preload exposes on `window.studio`: the same API, plus a path for a dropped File. */
export interface DesktopStudioApi extends StudioApi {
  pathForFile(file: File): string;
  /** The native folder picker (for watch folders); undefined when cancelled. */
  pickFolder(): Promise<string | undefined>;
  /** Shows a finished job's package folder in the file manager (Finder, Explorer, …). */
  showPackage(jobId: string): Promise<void>;
}

/** What a finished job's row offers for its package: the folder on the desktop, a .zip in a browser. */
export type PackageAction =
  { kind: 'show'; show(jobId: string): Promise<void> } | { kind: 'download'; href(jobId: string): string };

declare global {
  interface Window {
    studio?: DesktopStudioApi;
  }
}

export interface StudioClient {
  api: StudioApi;
  /** A path the back end can read for a dropped or picked file: its own path, or where it was uploaded. */
  pathFor(file: File, options?: UploadOptions): Promise<string>;
  /** What makes two drops the same file: its path on the desktop, name + size + modification time in a browser. */
  identityOf(file: File): string;
  face: 'desktop' | 'browser';
  /** A native folder picker, where there is one (the desktop app). */
  pickFolder?: () => Promise<string | undefined>;
  packageAction?: PackageAction;
}

/** The Electron preload's bridge when there is one, else HTTP to `hls-studio serve`. */
export function createStudioClient(): StudioClient {
  const desktop = window.studio;
  if (desktop) {
    return {
      api: desktop,
      face: 'desktop',
      pathFor: async (file) => desktop.pathForFile(file),
      identityOf: (file) => desktop.pathForFile(file) || fileIdentity(file),
      pickFolder: () => desktop.pickFolder(),
      packageAction: { kind: 'show', show: (jobId) => desktop.showPackage(jobId) },
    };
  }
  // The page was served, so the cookie is set: the token has done its work in the address bar.
  dropTokenFromAddress();
  const http = createHttpStudioApi();
  return {
    api: http,
    face: 'browser',
    pathFor: http.upload,
    identityOf: fileIdentity,
    packageAction: { kind: 'download', href: packageZipUrl },
  };
}

/** A browser sees no path: a file dropped twice has the same name, size and modification time. */
export function fileIdentity(file: File): string {
  return `${file.name}|${file.size}|${file.lastModified}`;
}
