import { dispatchCall } from '../../src/common/api/dispatch.js';
import type { CallResult, StudioApi } from '../../src/common/api/studio-api.js';
import { isTrustedFrameUrl } from './window-security.js';

export const CALL_CHANNEL = 'studio:call';
export const EVENT_CHANNEL = 'studio:event';
export const PICK_FOLDER_CHANNEL = 'studio:pick-folder';

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
