// @vitest-environment jsdom
import { cleanup, renderHook, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StudioApi, StudioEvent, TargetView } from '../../../src/common/api/studio-api';
import { useStudioLists } from './use-studio-lists';

const target = (name: string): TargetView => ({
  name,
  target: { store: 's3', bucket: 'videos' },
  store: 's3',
  publicBaseUrl: 'https://videos.s3.us-east-1.amazonaws.com',
  hasCredentials: false,
  isDefault: false,
});

function fakeApi() {
  const listeners = new Set<(event: StudioEvent) => void>();
  let targets = [target('first')];
  const api = {
    listPresets: vi.fn(async () => []),
    listTargets: vi.fn(async () => targets),
    listWatchFolders: vi.fn(async () => []),
    getSettings: vi.fn(async () => ({
      face: 'browser' as const,
      concurrency: 1,
      defaultPresetId: 'web-compact',
      credentialStorage: { available: false, plainText: false, note: 'AWS credential chain' },
    })),
    onEvent: vi.fn((listener: (event: StudioEvent) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    }),
  };
  return {
    api: api as unknown as StudioApi & typeof api,
    emit: (event: StudioEvent) => listeners.forEach((l) => l(event)),
    setTargets: (next: TargetView[]) => (targets = next),
    listeners,
  };
}

afterEach(cleanup);

describe('useStudioLists', () => {
  it('loads every list, then refetches only the list a changed event names', async () => {
    const fake = fakeApi();
    const { result } = renderHook(() => useStudioLists(fake.api));
    await waitFor(() => expect(result.current.settings?.face).toBe('browser'));
    expect(result.current.targets.map((t) => t.name)).toEqual(['first']);
    expect(fake.api.listPresets).toHaveBeenCalledTimes(1);

    fake.setTargets([target('first'), target('second')]);
    fake.emit({ type: 'changed', what: 'targets' });
    await waitFor(() => expect(result.current.targets.map((t) => t.name)).toEqual(['first', 'second']));
    expect(fake.api.listTargets).toHaveBeenCalledTimes(2);
    expect(fake.api.listPresets).toHaveBeenCalledTimes(1);
    expect(fake.api.listWatchFolders).toHaveBeenCalledTimes(1);
    expect(fake.api.getSettings).toHaveBeenCalledTimes(1);

    fake.emit({ type: 'changed', what: 'watch' });
    await waitFor(() => expect(fake.api.listWatchFolders).toHaveBeenCalledTimes(2));
    expect(fake.api.listTargets).toHaveBeenCalledTimes(2);
  });

  it('refetches every list when the event stream is restored (changes sent meanwhile were missed)', async () => {
    const fake = fakeApi();
    const { result } = renderHook(() => useStudioLists(fake.api));
    await waitFor(() => expect(result.current.targets).toHaveLength(1));
    fake.emit({ type: 'connection', state: 'lost' });
    fake.setTargets([target('first'), target('added-while-away')]);
    expect(fake.api.listTargets).toHaveBeenCalledTimes(1);

    fake.emit({ type: 'connection', state: 'restored' });
    await waitFor(() => expect(result.current.targets).toHaveLength(2));
    for (const call of [fake.api.listPresets, fake.api.listWatchFolders, fake.api.getSettings])
      expect(call).toHaveBeenCalledTimes(2);
  });

  it('keeps the last list and reports why a reload failed; unsubscribes on unmount', async () => {
    const fake = fakeApi();
    const { result, unmount } = renderHook(() => useStudioLists(fake.api));
    await waitFor(() => expect(result.current.targets).toHaveLength(1));
    fake.api.listTargets.mockRejectedValueOnce(new Error('targets.json: not valid JSON'));
    await result.current.reload('targets');
    await waitFor(() => expect(result.current.errors.targets).toBe('targets.json: not valid JSON'));
    expect(result.current.targets).toHaveLength(1);
    unmount();
    expect(fake.listeners.size).toBe(0);
  });
});
