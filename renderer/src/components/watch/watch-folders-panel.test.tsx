// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { JobView, PresetEntry, StudioApi, TargetView } from '../../../../src/common/api/studio-api';
import type { Preset } from '../../../../src/common/presets/preset-schema';
import { renderWithMantine } from '../../test-setup';
import { WatchFoldersPanel } from './watch-folders-panel';

const preset = (id: string, name: string): PresetEntry => ({
  id,
  name,
  builtIn: true,
  preset: {} as Preset,
});
const presets = [preset('web-compact', 'Web compact'), preset('archive', 'Archive')];
const targets: TargetView[] = [
  {
    name: 'cdn',
    target: { store: 's3', bucket: 'videos' },
    store: 's3',
    publicBaseUrl: 'https://videos.s3.us-east-1.amazonaws.com',
    hasCredentials: false,
    isDefault: true,
  },
];

function fakeApi() {
  const fake = {
    addWatchFolder: vi.fn(async () => ({ id: 'w2', path: '/srv/in', presetId: 'archive', queued: 0 })),
    removeWatchFolder: vi.fn(async () => {}),
  };
  return fake as unknown as StudioApi & typeof fake;
}

afterEach(cleanup);

describe('WatchFoldersPanel', () => {
  it('lists folders with preset, target, where their files are now and problem; stops watching one', async () => {
    const api = fakeApi();
    const job = (id: string, status: JobView['status'], extra: Partial<JobView> = {}): JobView => ({
      id,
      fileName: `${id}.mp4`,
      presetId: 'archive',
      status,
      notes: [],
      addedAt: 0,
      watchFolderId: 'w1',
      ...extra,
    });
    renderWithMantine(
      <WatchFoldersPanel
        api={api}
        presets={presets}
        targets={targets}
        jobs={[
          job('a', 'done', { publish: { status: 'published', target: 'cdn' } }),
          job('b', 'done', { publish: { status: 'published', target: 'cdn' } }),
          job('c', 'encoding'),
          job('d', 'done', { publish: { status: 'failed', target: 'cdn' } }),
          job('e', 'queued', { watchFolderId: 'w9' }),
          job('f', 'queued', { watchFolderId: undefined }),
        ]}
        watchFolders={[
          { id: 'w1', path: '/media/incoming', presetId: 'archive', target: 'cdn', queued: 3 },
          { id: 'w9', path: '/gone', presetId: 'web-compact', queued: 0, problem: '/gone: no such folder' },
        ]}
      />,
    );
    const [first, second] = screen.getAllByTestId('watch-row');
    expect(first!.textContent).toContain('/media/incoming');
    expect(first!.textContent).toContain('Archive');
    expect(first!.textContent).toContain('→ publishes to cdn');
    // The badges follow the jobs: a published file no longer says "queued".
    const states = (row: HTMLElement) =>
      within(row)
        .getAllByTestId('watch-state')
        .map((b) => b.textContent);
    expect(states(first!)).toEqual(['1 encoding', '2 published', '1 publish failed']);
    expect(states(second!)).toEqual(['1 waiting']);
    expect(within(second!).getByTestId('watch-problem').textContent).toBe('/gone: no such folder');
    fireEvent.click(within(second!).getByRole('button', { name: 'Stop watching' }));
    await waitFor(() => expect(api.removeWatchFolder).toHaveBeenCalledWith({ id: 'w9' }));
  });

  it('adds a folder with the default preset; in browser mode says the path is on the server', async () => {
    const api = fakeApi();
    const onChanged = vi.fn();
    renderWithMantine(
      <WatchFoldersPanel
        api={api}
        presets={presets}
        targets={targets}
        watchFolders={[]}
        face="browser"
        defaultPresetId="archive"
        onChanged={onChanged}
      />,
    );
    expect(screen.getByText(/on the server's machine/)).toBeTruthy();
    const watch = screen.getByRole('button', { name: 'Watch folder' }) as HTMLButtonElement;
    expect(watch.disabled).toBe(true);
    fireEvent.change(screen.getByLabelText('Folder'), { target: { value: '/srv/in ' } });
    fireEvent.click(watch);
    await waitFor(() =>
      expect(api.addWatchFolder).toHaveBeenCalledWith({ path: '/srv/in', presetId: 'archive' }),
    );
    await waitFor(() => expect((screen.getByLabelText('Folder') as HTMLInputElement).value).toBe(''));
    expect(onChanged).toHaveBeenCalledTimes(1);
  });

  it('shows why adding failed', async () => {
    const api = fakeApi();
    api.addWatchFolder.mockRejectedValueOnce(new Error('/nope: no such folder'));
    renderWithMantine(<WatchFoldersPanel api={api} presets={presets} targets={targets} watchFolders={[]} />);
    fireEvent.change(screen.getByLabelText('Folder'), { target: { value: '/nope' } });
    fireEvent.click(screen.getByRole('button', { name: 'Watch folder' }));
    expect((await screen.findByTestId('watch-error')).textContent).toBe('/nope: no such folder');
    expect(api.addWatchFolder).toHaveBeenCalledWith({ path: '/nope', presetId: 'web-compact' });
  });

  it('the desktop app’s Browse… fills the folder from the native picker; browser mode has no Browse…', async () => {
    const api = fakeApi();
    const pickFolder = vi.fn(async () => '/Users/me/Movies/in');
    renderWithMantine(
      <WatchFoldersPanel
        api={api}
        watchFolders={[]}
        presets={presets}
        targets={targets}
        pickFolder={pickFolder}
      />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Browse…' }));
    await waitFor(() =>
      expect(screen.getByLabelText('Folder')).toHaveProperty('value', '/Users/me/Movies/in'),
    );
    cleanup();
    renderWithMantine(
      <WatchFoldersPanel api={api} watchFolders={[]} presets={presets} targets={targets} face="browser" />,
    );
    expect(screen.queryByRole('button', { name: 'Browse…' })).toBeNull();
  });
});
