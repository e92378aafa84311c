import {
  API_CALLS,
  type ApiCall,
  type CallResult,
  type StudioApi,
  type StudioEvent,
} from '../../../src/common/api/studio-api';
import type { StudioErrorData } from '../../../src/common/errors';

/** A failure that came back from the back end as data. */
export class ApiError extends Error {
  constructor(readonly data: StudioErrorData) {
    super(data.message);
  }
}

/**
 * StudioApi over `hls-studio serve`: calls are POSTs to /api/call/<name>, events come over one WebSocket.
 * The token rides in an HttpOnly cookie the server set when the page was opened with ?token=.
 */
export function createHttpStudioApi(): StudioApi & { upload(file: File): Promise<string> } {
  const listeners = new Set<(event: StudioEvent) => void>();
  let socket: WebSocket | undefined;
  const connect = () => {
    socket = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/api/events`);
    socket.onmessage = (message) => {
      const event = JSON.parse(String(message.data)) as StudioEvent;
      for (const listener of listeners) listener(event);
    };
    socket.onclose = () => setTimeout(connect, 1000);
  };
  const call = async (method: ApiCall, request: object = {}) => {
    const response = await fetch(`/api/call/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(request),
    });
    const result = (await response.json()) as CallResult;
    if (!result.ok) throw new ApiError(result.error);
    return result.value as never;
  };
  return {
    ...(Object.fromEntries(
      Object.keys(API_CALLS).map((method) => [
        method,
        (request?: object) => call(method as ApiCall, request),
      ]),
    ) as unknown as Omit<StudioApi, 'onEvent'>),
    onEvent(listener) {
      if (!socket) connect();
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** Streams a dropped file to the server's working folder; the server's path comes back. */
    async upload(file) {
      const response = await fetch(`/api/upload?name=${encodeURIComponent(file.name)}`, {
        method: 'PUT',
        body: file,
      });
      if (!response.ok)
        throw new ApiError({
          code: 'IO_ERROR',
          message: `upload of ${file.name} failed (${response.status})`,
        });
      return ((await response.json()) as { path: string }).path;
    },
  };
}
