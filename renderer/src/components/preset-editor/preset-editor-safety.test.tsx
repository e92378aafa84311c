// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type {
  PresetEntry,
  SavePresetRequest,
  StudioApi,
  StudioEvent,
  StudioSettings,
} from '../../../../src/common/api/studio-api';
import { parsePreset, type Preset } from '../../../../src/common/presets/preset-schema';
import { renderWithMantine } from '../../test-setup';
import { PresetEditor } from './preset-editor';

function preset(json: Record<string, unknown>): Preset {
  const result = parsePreset(json);
  if (!result.ok) throw new Error(result.issues.join('; '));
  return result.preset;
}

function entry(id: string, name: string, builtIn: boolean, kbps: number[]): PresetEntry {
  const rungs = kbps.map((k, i) => ({ width: 640 * (i + 1), height: 360 * (i + 1), bitrateKbps: k }));
  return { id, name, builtIn, preset: preset({ id, name, rungs }) };
}

const builtIn = entry('ladder', 'Ladder', true, [400, 1200]);
const mine = entry('mine', 'Mine', false, [500, 1500]);

/** The calls the editor makes for these features, and the settings event the back end sends. */
function fakeApi(settings: Partial<StudioSettings> = {}) {
  const listeners: ((e: StudioEvent) => void)[] = [];
  let current: StudioSettings = {
    face: 'browser',
    concurrency: 1,
    defaultPresetId: 'web-compact',
    credentialStorage: { available: false, plainText: false, note: '' },
    ...settings,
  };
  const emit = (e: StudioEvent) => listeners.forEach((l) => l(e));
  const api = {
    getSettings: vi.fn(async () => current),
    setDefaultPreset: vi.fn(async ({ id }: { id: string }) => {
      current = { ...current, defaultPresetId: id };
      emit({ type: 'changed', what: 'settings' });
    }),
    savePreset: vi.fn(async ({ preset: p }: SavePresetRequest) => {
      const saved = preset(p);
      return { id: saved.id, name: saved.name, builtIn: false, preset: saved } satisfies PresetEntry;
    }),
    onEvent: vi.fn((listener: (e: StudioEvent) => void) => {
      listeners.push(listener);
      return () => listeners.splice(listeners.indexOf(listener), 1);
    }),
  };
  return { api, studio: api as unknown as StudioApi };
}

const input = (label: string) => screen.getByLabelText(label) as HTMLInputElement;
const type = (label: string, value: string) => {
  input(label).focus();
  fireEvent.change(input(label), { target: { value } });
};
const key = (init: KeyboardEventInit) => fireEvent.keyDown(document.activeElement ?? document.body, init);
const button = (name: string | RegExp) => screen.getByRole('button', { name }) as HTMLButtonElement;

// jsdom has no layout: Mantine's option list scrolls its active option into view.
beforeAll(() => {
  Element.prototype.scrollIntoView ??= () => {};
});

afterEach(() => {
  cleanup();
  localStorage.clear();
});

describe('undo and redo', () => {
  it('a field typed in is one step; Ctrl+Z, Ctrl+Shift+Z, Ctrl+Y and ⌘Z move through the history', () => {
    const { studio } = fakeApi();
    renderWithMantine(<PresetEditor api={studio} presets={[mine]} />);
    expect(button(/Undo/).disabled).toBe(true);
    type('Rung 2 average kb/s', '2');
    type('Rung 2 average kb/s', '25');
    type('Rung 2 average kb/s', '2500');
    type('Audio kb/s', '96');

    key({ key: 'z', ctrlKey: true });
    expect(input('Audio kb/s').value).toBe('128');
    expect(input('Rung 2 average kb/s').value).toBe('2500');
    key({ key: 'z', metaKey: true });
    expect(input('Rung 2 average kb/s').value).toBe('1500');
    expect(button(/Undo/).disabled).toBe(true);
    key({ key: 'Z', ctrlKey: true, shiftKey: true });
    expect(input('Rung 2 average kb/s').value).toBe('2500');
    key({ key: 'y', ctrlKey: true });
    expect(input('Audio kb/s').value).toBe('96');
    expect(button(/Redo/).disabled).toBe(true);
  });

  it('adding and removing rungs, and the global settings, undo with the buttons', () => {
    const { studio } = fakeApi();
    renderWithMantine(<PresetEditor api={studio} presets={[mine]} />);
    fireEvent.click(button('Add rung'));
    expect(screen.getAllByTestId('rung-row')).toHaveLength(3);
    fireEvent.click(button('Remove rung 1'));
    expect(screen.getAllByTestId('rung-row')).toHaveLength(2);
    fireEvent.click(screen.getByRole('switch', { name: 'AES-128 encryption' }));
    expect((screen.getByRole('switch', { name: 'AES-128 encryption' }) as HTMLInputElement).checked).toBe(
      true,
    );

    fireEvent.click(button(/Undo/));
    expect((screen.getByRole('switch', { name: 'AES-128 encryption' }) as HTMLInputElement).checked).toBe(
      false,
    );
    fireEvent.click(button(/Undo/));
    expect(screen.getAllByTestId('rung-row')).toHaveLength(3);
    expect(input('Rung 1 average kb/s').value).toBe('500');
    fireEvent.click(button(/Undo/));
    expect(screen.getAllByTestId('rung-row')).toHaveLength(2);
    fireEvent.click(button(/Redo/));
    expect(screen.getAllByTestId('rung-row')).toHaveLength(3);
  });

  it("undoing a built-in's first edit gives the built-in back, not an unsaved copy", () => {
    const { studio } = fakeApi();
    renderWithMantine(<PresetEditor api={studio} presets={[builtIn]} />);
    type('Rung 1 average kb/s', '450');
    expect(input('Preset name').value).toBe('Ladder (copy)');
    fireEvent.click(button(/Undo/));
    expect(input('Preset name').value).toBe('Ladder');
    expect(screen.getByText('built-in · read-only')).toBeTruthy();
  });

  it('keys do nothing while the editor is hidden (another tab is showing)', () => {
    const { studio } = fakeApi();
    renderWithMantine(
      <div style={{ display: 'none' }}>
        <PresetEditor api={studio} presets={[mine]} />
      </div>,
    );
    type('Rung 1 average kb/s', '450');
    document.body.focus();
    key({ key: 'z', ctrlKey: true });
    expect(input('Rung 1 average kb/s').value).toBe('450');
  });

  it('keys typed outside the editor are left alone', () => {
    const { studio } = fakeApi();
    const outside = document.createElement('input');
    document.body.append(outside);
    renderWithMantine(<PresetEditor api={studio} presets={[mine]} />);
    type('Rung 1 average kb/s', '450');
    outside.focus();
    const event = new KeyboardEvent('keydown', { key: 'z', ctrlKey: true, bubbles: true, cancelable: true });
    outside.dispatchEvent(event);
    expect(event.defaultPrevented).toBe(false);
    expect(input('Rung 1 average kb/s').value).toBe('450');
    outside.remove();
  });
});

describe('leaving unsaved changes', () => {
  const pick = async (name: string) => {
    fireEvent.click(screen.getByRole('combobox', { name: 'Start from preset' }));
    fireEvent.click(await screen.findByRole('option', { name, hidden: true }));
  };

  it('Cancel keeps the edits; Discard opens the other preset', async () => {
    const { studio } = fakeApi();
    renderWithMantine(<PresetEditor api={studio} presets={[builtIn, mine]} />);
    await pick('Mine');
    expect(input('Preset name').value).toBe('Mine');
    type('Rung 1 average kb/s', '450');

    await pick('Ladder');
    const dialog = await screen.findByRole('dialog', { name: 'Unsaved changes' });
    expect(dialog.textContent).toContain('“Mine” has changes that are not saved');
    fireEvent.click(button('Cancel'));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(input('Rung 1 average kb/s').value).toBe('450');

    await pick('Ladder');
    fireEvent.click(await screen.findByRole('button', { name: 'Discard changes' }));
    await waitFor(() => expect(input('Preset name').value).toBe('Ladder'));
  });

  it('Save saves the draft, then opens the other preset', async () => {
    const { api, studio } = fakeApi();
    const onSaved = vi.fn();
    renderWithMantine(<PresetEditor api={studio} presets={[mine, builtIn]} onSaved={onSaved} />);
    type('Rung 1 average kb/s', '450');
    await pick('Ladder');
    fireEvent.click(await screen.findByRole('button', { name: 'Save' }));
    await waitFor(() => expect(input('Preset name').value).toBe('Ladder'));
    expect(api.savePreset.mock.calls[0]![0]).toMatchObject({
      replaceId: 'mine',
      preset: { rungs: [{ bitrateKbps: 450 }, {}] },
    });
    expect(onSaved).toHaveBeenCalledWith('mine');
  });

  it('an untouched preset switches without asking', async () => {
    const { studio } = fakeApi();
    renderWithMantine(<PresetEditor api={studio} presets={[builtIn, mine]} />);
    await pick('Mine');
    expect(input('Preset name').value).toBe('Mine');
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('beforeunload is held only while there are unsaved changes, and only in the browser', async () => {
    const unload = () => {
      const event = new Event('beforeunload', { cancelable: true });
      window.dispatchEvent(event);
      return event.defaultPrevented;
    };
    const { api, studio } = fakeApi();
    renderWithMantine(<PresetEditor api={studio} presets={[mine]} />);
    await waitFor(() => expect(api.getSettings).toHaveBeenCalled());
    expect(unload()).toBe(false);
    type('Rung 1 average kb/s', '450');
    await waitFor(() => expect(unload()).toBe(true));
    fireEvent.click(button(/Undo/));
    expect(unload()).toBe(false);
    cleanup();

    const desktop = fakeApi({ face: 'desktop' });
    renderWithMantine(<PresetEditor api={desktop.studio} presets={[mine]} />);
    await waitFor(() => expect(desktop.api.getSettings).toHaveBeenCalled());
    type('Rung 1 average kb/s', '450');
    await act(async () => {});
    expect(unload()).toBe(false);
  });
});

describe('Use for new jobs', () => {
  it('sets the saved preset as the default; off while unsaved', async () => {
    const { api, studio } = fakeApi();
    renderWithMantine(<PresetEditor api={studio} presets={[mine]} />);
    const use = await screen.findByRole('button', { name: 'Use for new jobs' });
    type('Rung 1 average kb/s', '450');
    expect((use as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(button(/Undo/));
    expect((use as HTMLButtonElement).disabled).toBe(false);
    fireEvent.click(use);
    await waitFor(() => expect(api.setDefaultPreset).toHaveBeenCalledWith({ id: 'mine' }));
    expect((await screen.findByTestId('used-for-new-jobs')).textContent).toBe('✓ used for new jobs');
  });
});
