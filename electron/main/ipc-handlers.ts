import { dispatchCall } from '../../src/common/api/dispatch.js';
import { jobRequest, type CallResult, type StudioApi } from '../../src/common/api/studio-api.js';
import { isTrustedFrameUrl } from './window-security.js';

export const CALL_CHANNEL = 'studio:call';
export const EVENT_CHANNEL = 'studio:event';
export const PICK_FOLDER_CHANNEL = 'studio:pick-folder';
export const SHOW_PACKAGE_CHANNEL = 'studio:show-package';

/** The part of ipcMain this needs (so tests drive the real handler without Electron). */
export interface IpcMainLike {
  handle(
    channel: string,
    listener: (event: { senderFrame?: { url: string } | null }, ...args: unknown[]) => Promise<unknown>,
  ): void;
}

/**
 * The one IPC surface: `studio:call (method, payload)`. A call from any frame that is not the app's own
 * page is refused; the method must be in the closed list and the payload must pass its zod schema
 * (dispatchCall); failures come back as `{ ok: false, error: { code, message } }`.
 */
export function registerStudioIpc(ipc: IpcMainLike, api: StudioApi): void {
  ipc.handle(CALL_CHANNEL, async (event, method, payload): Promise<CallResult> => {
    if (!isTrustedFrameUrl(event.senderFrame?.url)) {
      return {
        ok: false,
        error: { code: 'INVALID_ARGUMENT', message: 'calls are only accepted from the app’s own pages' },
      };
    }
    return dispatchCall(api, method, payload);
  });
}

/** The native folder picker for watch folders: the app's own pages only; the answer is a path or undefined. */
export function registerFolderPicker(ipc: IpcMainLike, pick: () => Promise<string | undefined>): void {
  ipc.handle(PICK_FOLDER_CHANNEL, async (event) =>
    isTrustedFrameUrl(event.senderFrame?.url) ? pick() : undefined,
  );
}

/**
 * "Show in folder" for a finished job: the page names the job, never a path; the package folder comes
 * from the queue (a done job's own folder), so no page can make the shell reveal anything else.
 */
export function registerShowPackage(
  ipc: IpcMainLike,
  packageDirOf: (jobId: string) => string | undefined,
  show: (folder: string) => void,
): void {
  ipc.handle(SHOW_PACKAGE_CHANNEL, async (event, jobId): Promise<CallResult> => {
    if (!isTrustedFrameUrl(event.senderFrame?.url))
      return {
        ok: false,
        error: { code: 'INVALID_ARGUMENT', message: 'calls are only accepted from the app’s own pages' },
      };
    const request = jobRequest.safeParse({ id: jobId });
    if (!request.success) return { ok: false, error: { code: 'INVALID_ARGUMENT', message: 'not a job id' } };
    const folder = packageDirOf(request.data.id);
    if (!folder)
      return {
        ok: false,
        error: { code: 'INVALID_ARGUMENT', message: 'that job has no finished package to show' },
      };
    show(folder);
    return { ok: true, value: null };
  });
}
