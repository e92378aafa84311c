// @vitest-environment jsdom
// (.tsx only so the renderer's test glob picks it up.)
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StudioEvent } from '../../../src/common/api/studio-api';
import { createHttpStudioApi } from './http-studio-api';

/** A WebSocket the test opens and closes by hand. */
class FakeSocket {
  static made: FakeSocket[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((message: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.made.push(this);
  }
  open() {
    this.onopen?.();
  }
  close() {
    this.onclose?.();
  }
}

const last = () => FakeSocket.made.at(-1)!;
let status: number | 'down' = 'down';
const fetchMock = vi.fn(async () => {
  if (status === 'down') throw new TypeError('Failed to fetch');
  return new Response(JSON.stringify({ error: 'missing or wrong token' }), { status });
});

function subscribe() {
  const events: StudioEvent[] = [];
  createHttpStudioApi().onEvent((e) => events.push(e));
  return events;
}

/** Closes the last socket unopened and lets the refusal check answer, then waits `ms` for the next one. */
async function failAndWait(ms: number) {
  const before = FakeSocket.made.length;
  last().close();
  await vi.advanceTimersByTimeAsync(ms - 1);
  expect(FakeSocket.made.length).toBe(before);
  await vi.advanceTimersByTimeAsync(1);
  expect(FakeSocket.made.length).toBe(before + 1);
}

beforeEach(() => {
  vi.useFakeTimers();
  FakeSocket.made = [];
  status = 'down';
  fetchMock.mockClear();
  vi.stubGlobal('WebSocket', FakeSocket);
  vi.stubGlobal('fetch', fetchMock);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('createHttpStudioApi event stream', () => {
  it('says lost once per outage, backs off 1, 2, 4, 8, 10, 10 s, and says restored when a socket opens', async () => {
    const events = subscribe();
    expect(last().url).toMatch(/^ws:\/\/.*\/api\/events$/);
    last().open();
    last().onmessage?.({ data: JSON.stringify({ type: 'removed', id: 'a' }) });
    expect(events).toEqual([{ type: 'removed', id: 'a' }]);

    last().close();
    await vi.advanceTimersByTimeAsync(1000);
    for (const ms of [2000, 4000, 8000, 10_000, 10_000]) await failAndWait(ms);
    expect(events.filter((e) => e.type === 'connection')).toEqual([{ type: 'connection', state: 'lost' }]);

    last().open();
    expect(events.at(-1)).toEqual({ type: 'connection', state: 'restored' });

    // A new outage starts the backoff afresh and is reported again.
    await failAndWait(1000);
    expect(events.at(-1)).toEqual({ type: 'connection', state: 'lost' });
  });

  it('gives up with refused after 3 unopened sockets in a row while calls answer 401', async () => {
    const events = subscribe();
    last().open();
    status = 401;
    await failAndWait(1000); // the open socket dropped: not a refusal by itself
    await failAndWait(2000); // refusal 1
    status = 'down';
    await failAndWait(4000); // the server is down, not refusing: the count starts over
    status = 401;
    await failAndWait(8000); // 1
    await failAndWait(10_000); // 2
    expect(events.some((e) => e.type === 'connection' && e.state === 'refused')).toBe(false);

    const made = FakeSocket.made.length;
    last().close(); // 3
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSocket.made.length).toBe(made);
    expect(events.at(-1)).toEqual({ type: 'connection', state: 'refused' });
    expect(fetchMock).toHaveBeenCalledWith('/api/call/getSettings', expect.objectContaining({ body: '{}' }));
  });
});
