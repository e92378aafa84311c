// @vitest-environment jsdom
import { act, cleanup, renderHook, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { JobView, StudioApi, StudioEvent } from '../../../src/common/api/studio-api';
import { useJobs } from './use-jobs';

const job = (id: string, status: JobView['status'] = 'queued'): JobView => ({
  id,
  fileName: `${id}.mp4`,
  presetId: 'web-compact',
  status,
  notes: [],
  addedAt: 0,
});

function fakeApi(initial: JobView[]) {
  const listeners = new Set<(event: StudioEvent) => void>();
  let jobs = initial;
  const api = {
    listJobs: vi.fn(async () => jobs),
    onEvent: vi.fn((listener: (event: StudioEvent) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    }),
  };
  return {
    api: api as unknown as StudioApi & typeof api,
    emit: (event: StudioEvent) => act(() => listeners.forEach((l) => l(event))),
    setJobs: (next: JobView[]) => (jobs = next),
  };
}

afterEach(cleanup);

describe('useJobs', () => {
  it('follows job events, and fetches the whole list again when the stream is restored', async () => {
    const fake = fakeApi([job('a')]);
    const { result } = renderHook(() => useJobs(fake.api));
    await waitFor(() => expect(result.current.jobs.map((j) => j.id)).toEqual(['a']));
    fake.emit({ type: 'job', job: job('a', 'encoding') });
    expect(result.current.jobs[0]!.status).toBe('encoding');

    // While the stream was down, a finished and a queued job went unannounced.
    fake.emit({ type: 'connection', state: 'lost' });
    fake.setJobs([job('a', 'done'), job('b')]);
    expect(fake.api.listJobs).toHaveBeenCalledTimes(1);
    fake.emit({ type: 'connection', state: 'restored' });
    await waitFor(() =>
      expect(result.current.jobs.map((j) => [j.id, j.status])).toEqual([
        ['a', 'done'],
        ['b', 'queued'],
      ]),
    );
    expect(fake.api.listJobs).toHaveBeenCalledTimes(2);
  });

  it('an event that arrives while the list is being fetched is not undone by the older snapshot', async () => {
    const fake = fakeApi([job('a', 'encoding')]);
    let release: (jobs: JobView[]) => void = () => {};
    fake.api.listJobs.mockImplementationOnce(() => new Promise<JobView[]>((resolve) => (release = resolve)));
    const { result } = renderHook(() => useJobs(fake.api));
    fake.emit({ type: 'job', job: job('a', 'done') });
    fake.emit({ type: 'drained', done: 1, failed: 0, cancelled: 0 });
    await act(async () => release([job('a', 'encoding')])); // taken before the job finished
    expect(result.current.jobs.map((j) => j.status)).toEqual(['done']);
    expect(result.current.summary).toEqual({ done: 1, failed: 0, cancelled: 0 });
  });

  it('a queue found busy after a reconnect drops the old "finished" summary', async () => {
    const fake = fakeApi([job('a', 'done')]);
    const { result } = renderHook(() => useJobs(fake.api));
    fake.emit({ type: 'drained', done: 1, failed: 0, cancelled: 0 });
    await waitFor(() => expect(result.current.summary).toBeDefined());
    fake.setJobs([job('a', 'done'), job('b', 'encoding')]);
    fake.emit({ type: 'connection', state: 'restored' });
    await waitFor(() => expect(result.current.jobs).toHaveLength(2));
    expect(result.current.summary).toBeUndefined();
  });
});
