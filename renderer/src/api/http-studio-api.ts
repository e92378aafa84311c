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

/** Waits between reconnects: doubling from 1 s, at most 10 s. */
export const RECONNECT_DELAYS_MS = { first: 1000, max: 10_000 } as const;
/** Sockets in a row that close unopened while calls answer 401: the server's token changed. */
export const REFUSALS_TO_GIVE_UP = 3;

/**
 * StudioApi over `hls-studio serve`: calls are POSTs to /api/call/<name>, events come over one WebSocket.
 * The token rides in an HttpOnly cookie the server set when the page was opened with ?token=.
 * When the socket drops, listeners get `connection` events: 'lost' once per outage, 'restored' when a
 * socket opens again (events may have been missed: refetch), 'refused' when retrying cannot help.
 */
export function createHttpStudioApi(): StudioApi & { upload: typeof uploadFile } {
  const listeners = new Set<(event: StudioEvent) => void>();
  const emit = (event: StudioEvent) => {
    for (const listener of listeners) listener(event);
  };
  let socket: WebSocket | undefined;
  let lost = false;
  let failures = 0;
  let refusals = 0;

  const connect = () => {
    const ws = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/api/events`);
    socket = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      failures = 0;
      refusals = 0;
      if (lost) {
        lost = false;
        emit({ type: 'connection', state: 'restored' });
      }
    };
    ws.onmessage = (message) => emit(JSON.parse(String(message.data)) as StudioEvent);
    ws.onclose = () => void reconnect(opened);
  };

  const reconnect = async (opened: boolean) => {
    if (!lost) {
      lost = true;
      emit({ type: 'connection', state: 'lost' });
    }
    // A browser hides why an upgrade failed; a call with the same cookie tells a refused token (401)
    // from a server that is down or still starting.
    refusals = !opened && (await tokenRefused()) ? refusals + 1 : 0;
    if (refusals >= REFUSALS_TO_GIVE_UP) {
      emit({ type: 'connection', state: 'refused' });
      return;
    }
    const delay = Math.min(RECONNECT_DELAYS_MS.first * 2 ** failures, RECONNECT_DELAYS_MS.max);
    failures++;
    setTimeout(connect, delay);
  };

  const call = async (method: ApiCall, request: object = {}) => {
    const response = await fetch(`/api/call/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(request),
    });
    // Refusals (401 wrong token, 403 foreign host) answer `{ error }`, not a CallResult.
    if (!response.ok)
      throw new ApiError({
        code: 'IO_ERROR',
        message: `the server refused the call (${response.status})`,
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
    upload: (file, options) => uploadFile(file, options),
  };
}

async function tokenRefused(): Promise<boolean> {
  try {
    const response = await fetch('/api/call/getSettings', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    return response.status === 401;
  } catch {
    return false;
  }
}

export interface UploadOptions {
  /** Bytes sent so far, as the browser reports them (XHR upload progress: fetch has none). */
  onProgress?: (sentBytes: number) => void;
  signal?: AbortSignal;
}

/** Streams a dropped file to the server's working folder; the server's path for it comes back. */
export function uploadFile(file: File, options: UploadOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const fail = (code: StudioErrorData['code'], message: string) => reject(new ApiError({ code, message }));
    xhr.open('PUT', `/api/upload?name=${encodeURIComponent(file.name)}`);
    xhr.upload.onprogress = (e) => options.onProgress?.(e.loaded);
    xhr.onload = () => {
      if (xhr.status !== 200) return fail('IO_ERROR', `upload of ${file.name} failed (${xhr.status})`);
      try {
        resolve((JSON.parse(xhr.responseText) as { path: string }).path);
      } catch {
        fail('IO_ERROR', `upload of ${file.name} failed (the server's answer was not JSON)`);
      }
    };
    xhr.onerror = () => fail('IO_ERROR', `upload of ${file.name} failed (the connection was lost)`);
    xhr.onabort = () => fail('CANCELLED', `upload of ${file.name} cancelled`);
    if (options.signal?.aborted) return fail('CANCELLED', `upload of ${file.name} cancelled`);
    options.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}
