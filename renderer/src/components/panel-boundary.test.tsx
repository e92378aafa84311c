// @vitest-environment jsdom
import { MantineProvider } from '@mantine/core';
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PresetEntry, StudioApi } from '../../../src/common/api/studio-api';
import { parsePreset } from '../../../src/common/presets/preset-schema';
import { renderWithMantine } from '../test-setup';
import { PanelBoundary } from './panel-boundary';
import { PresetEditor } from './preset-editor/preset-editor';

/** A child that renders nothing until armed, then throws while rendering, as a buggy component would. */
let arm: () => void = () => {};
function Bomb() {
  const [armed, setArmed] = useState(false);
  arm = () => setArmed(true);
  if (armed) throw new Error('ladder chart: cannot draw NaN');
  return null;
}

const parsed = parsePreset({
  id: 'my-ladder',
  name: 'My ladder',
  rungs: [
    { width: 640, height: 360, bitrateKbps: 400 },
    { width: 1280, height: 720, bitrateKbps: 2000 },
  ],
});
if (!parsed.ok) throw new Error(parsed.issues.join('; '));
const mine: PresetEntry = { id: 'my-ladder', name: 'My ladder', builtIn: false, preset: parsed.preset };
const api = { onEvent: () => () => {} } as unknown as StudioApi;
const field = (label: string) => screen.getByRole('textbox', { name: label }) as HTMLInputElement;

afterEach(() => {
  cleanup();
  localStorage.clear();
  vi.restoreAllMocks();
});

describe('PanelBoundary', () => {
  it('a child that throws: the panel says what failed and logs it, the page around it stays', () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    renderWithMantine(
      <>
        <p>the other panels</p>
        <PanelBoundary name="Queue">
          <p>queue rows</p>
          <Bomb />
        </PanelBoundary>
      </>,
    );
    act(() => arm());

    const alert = screen.getByTestId('panel-error');
    expect(alert.textContent).toContain('Queue stopped working');
    expect(screen.getByTestId('panel-error-message').textContent).toBe('ladder chart: cannot draw NaN');
    expect(screen.queryByText('queue rows')).toBeNull();
    expect(screen.getByText('the other panels')).toBeTruthy();
    expect(log).toHaveBeenCalledWith(
      '[hls-studio] Queue failed to render:',
      expect.objectContaining({ message: 'ladder chart: cannot draw NaN' }),
      expect.any(String),
    );

    fireEvent.click(screen.getByRole('button', { name: 'Reload this panel' }));
    expect(screen.getByText('queue rows')).toBeTruthy();
    expect(screen.queryByTestId('panel-error')).toBeNull();
  });

  it("the editor's unsaved draft survives a crash, Reload this panel, and a reload of the page", async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const { unmount } = renderWithMantine(
      <PanelBoundary name="Preset editor" note="Your unsaved ladder is kept.">
        <PresetEditor api={api} presets={[mine]} />
        <Bomb />
      </PanelBoundary>,
    );
    fireEvent.change(field('Rung 2 average kb/s'), { target: { value: '2500' } });
    fireEvent.change(field('Preset name'), { target: { value: 'Draft kept' } });

    act(() => arm());
    expect(screen.queryByTestId('preset-editor')).toBeNull();
    expect(screen.getByTestId('panel-error').textContent).toContain('Your unsaved ladder is kept.');

    fireEvent.click(screen.getByRole('button', { name: 'Reload this panel' }));
    expect(field('Rung 2 average kb/s').value).toBe('2500');
    expect(field('Preset name').value).toBe('Draft kept');

    // A new page: the preset list arrives after the first render, and the draft is still there,
    // still the edit of "My ladder" (Save replaces it, not a new preset).
    unmount();
    const page = renderWithMantine(<PresetEditor api={api} presets={[]} />);
    expect(field('Preset name').value).toBe('Draft kept');
    page.rerender(
      <MantineProvider>
        <PresetEditor api={api} presets={[mine]} />
      </MantineProvider>,
    );
    expect(field('Rung 2 average kb/s').value).toBe('2500');
    expect(field('Preset name').value).toBe('Draft kept');
    await waitFor(() =>
      expect((screen.getByRole('combobox', { name: 'Start from preset' }) as HTMLInputElement).value).toBe(
        'My ladder',
      ),
    );
  });
});
