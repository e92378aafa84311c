// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PresetEntry, StudioApi, StudioEvent } from '../../src/common/api/studio-api';
import { parsePreset } from '../../src/common/presets/preset-schema';
import { ApiError } from './api/http-studio-api';
import type { StudioClient } from './api/studio-client';
import { App } from './app';
import { renderWithMantine } from './test-setup';

function entry(id: string, name: string, builtIn: boolean): PresetEntry {
  const parsed = parsePreset({ id, name, rungs: [{ width: 1280, height: 720, bitrateKbps: 3000 }] });
  if (!parsed.ok) throw new Error(parsed.issues.join('; '));
  return { id, name, builtIn, preset: parsed.preset };
}

function fakeClient() {
  const listeners = new Set<(event: StudioEvent) => void>();
  const api = {
    listJobs: vi.fn(async () => []),
    listPresets: vi.fn(async () => [entry('web-compact', 'Web compact', true), entry('mine', 'Mine', false)]),
    listTargets: vi.fn(async () => []),
    listWatchFolders: vi.fn(async () => []),
    getSettings: vi.fn(async () => ({
      face: 'browser' as const,
      concurrency: 1,
      defaultPresetId: 'web-compact',
      credentialStorage: { available: false, plainText: false, note: 'AWS credential chain' },
    })),
    setDefaultPreset: vi.fn(async (): Promise<void> => {
      throw new ApiError({ code: 'PRESET_NOT_FOUND', message: 'no preset named "mine"' });
    }),
    setConcurrency: vi.fn(async (): Promise<void> => {
      throw new ApiError({ code: 'IO_ERROR', message: 'settings.json: permission denied' });
    }),
    onEvent: vi.fn((listener: (event: StudioEvent) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    }),
  };
  const client: StudioClient = {
    api: api as unknown as StudioApi,
    face: 'browser',
    pathFor: async (file) => `/uploads/${file.name}`,
    identityOf: (file) => `${file.name}|${file.size}|${file.lastModified}`,
  };
  return { api, client, emit: (event: StudioEvent) => act(() => listeners.forEach((l) => l(event))) };
}

// Mantine's Combobox scrolls the selected option into view; jsdom has no layout to scroll.
Element.prototype.scrollIntoView ??= () => undefined;

afterEach(() => {
  cleanup();
  // The editor keeps unsaved drafts in localStorage: each test starts without one.
  localStorage.clear();
});

describe('App', () => {
  it('says it is reconnecting while the event stream is lost, and to reopen the page when refused', async () => {
    const { client, emit } = fakeClient();
    renderWithMantine(<App client={client} />);
    await screen.findByRole('tab', { name: 'Queue' });
    expect(screen.queryByTestId('connection-lost')).toBeNull();

    emit({ type: 'connection', state: 'lost' });
    expect(screen.getByTestId('connection-lost').textContent).toMatch(/^Reconnecting to the server…/);
    emit({ type: 'connection', state: 'restored' });
    expect(screen.queryByTestId('connection-lost')).toBeNull();

    emit({ type: 'connection', state: 'lost' });
    emit({ type: 'connection', state: 'refused' });
    expect(screen.queryByTestId('connection-lost')).toBeNull();
    expect(screen.getByTestId('connection-refused').textContent).toBe(
      'The server restarted with a new address: open the address it printed (hls-studio serve)',
    );
  });

  it('the preset editor keeps an unsaved draft across tab switches; other panels unmount', async () => {
    const { client } = fakeClient();
    renderWithMantine(<App client={client} />);
    fireEvent.click(await screen.findByRole('tab', { name: 'Presets' }));
    const name = () => screen.getByLabelText('Preset name') as HTMLInputElement;
    await waitFor(() => expect(name().value).toBe('Web compact'));
    fireEvent.change(screen.getByLabelText('Rung 1 average kb/s'), { target: { value: '2500' } });
    fireEvent.change(name(), { target: { value: 'Draft not saved' } });

    fireEvent.click(screen.getByRole('tab', { name: 'Publish targets' }));
    expect(screen.getByRole('button', { name: 'Add target' })).toBeTruthy();
    const editor = screen.getByTestId('preset-editor');
    expect(editor.closest<HTMLElement>('[role="tabpanel"]')!.style.display).toBe('none');

    fireEvent.click(screen.getByRole('tab', { name: 'Queue' }));
    expect(screen.queryByRole('button', { name: 'Add target' })).toBeNull();

    fireEvent.click(screen.getByRole('tab', { name: 'Presets' }));
    expect(screen.getByTestId('preset-editor')).toBe(editor);
    expect(editor.closest<HTMLElement>('[role="tabpanel"]')!.style.display).not.toBe('none');
    expect(name().value).toBe('Draft not saved');
    expect((screen.getByLabelText('Rung 1 average kb/s') as HTMLInputElement).value).toBe('2500');
  });

  it('shows why changing the default preset or the jobs at once failed', async () => {
    const { api, client } = fakeClient();
    renderWithMantine(<App client={client} />);
    await waitFor(() => expect(api.getSettings).toHaveBeenCalled());
    const preset = screen.getByRole('combobox', { name: 'Preset' });
    await waitFor(() => expect((preset as HTMLInputElement).value).toBe('Web compact'));
    fireEvent.click(preset);
    // In jsdom this dropdown stays display: none; the option's click still selects it.
    fireEvent.click(await screen.findByRole('option', { name: 'Mine (mine)', hidden: true }));
    await waitFor(() => expect(api.setDefaultPreset).toHaveBeenCalledWith({ id: 'mine' }));
    expect((await screen.findByTestId('setting-error')).textContent).toContain('no preset named "mine"');

    fireEvent.change(screen.getByLabelText('Jobs at once'), { target: { value: '3' } });
    await waitFor(() => expect(api.setConcurrency).toHaveBeenCalledWith({ jobs: 3 }));
    await waitFor(() =>
      expect(screen.getByTestId('setting-error').textContent).toContain('settings.json: permission denied'),
    );
  });
});
