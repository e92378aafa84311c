// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type {
  JobResult,
  JobView,
  PresetEntry,
  SavePresetRequest,
  StudioApi,
  StudioEvent,
} from '../../../../src/common/api/studio-api';
import { estimateSize } from '../../../../src/common/presets/ladder-analysis';
import { parsePreset, type Preset } from '../../../../src/common/presets/preset-schema';
import { source } from '../../../../test/helpers/sources';
import { renderWithMantine } from '../../test-setup';
import { PresetEditor } from './preset-editor';

function preset(json: Record<string, unknown>): Preset {
  const result = parsePreset(json);
  if (!result.ok) throw new Error(result.issues.join('; '));
  return result.preset;
}

const builtIn: PresetEntry = {
  id: 'apple-lite',
  name: 'Apple lite',
  builtIn: true,
  preset: preset({
    id: 'apple-lite',
    name: 'Apple lite',
    rungs: [
      { width: 640, height: 360, bitrateKbps: 365, maxFrameRate: 30 },
      { width: 960, height: 540, bitrateKbps: 2000 },
      { width: 1280, height: 720, bitrateKbps: 4500 },
    ],
  }),
};
const mine: PresetEntry = {
  id: 'my-ladder',
  name: 'My ladder',
  builtIn: false,
  preset: preset({
    id: 'my-ladder',
    name: 'My ladder',
    rungs: [
      { width: 640, height: 360, bitrateKbps: 400, maxFrameRate: 30 },
      { width: 1280, height: 720, bitrateKbps: 2000 },
    ],
  }),
};

function fakeApi() {
  const listeners: ((e: StudioEvent) => void)[] = [];
  let finishExcerpt: (r: JobResult) => void = () => {};
  const api = {
    savePreset: vi.fn(async ({ preset: p }: SavePresetRequest) => {
      const saved = preset(p);
      return { id: saved.id, name: saved.name, builtIn: false, preset: saved } satisfies PresetEntry;
    }),
    deletePreset: vi.fn(async () => {}),
    encodeExcerpt: vi.fn(() => new Promise<JobResult>((resolve) => (finishExcerpt = resolve))),
    cancelExcerpt: vi.fn(async () => {}),
    onEvent: vi.fn((listener: (e: StudioEvent) => void) => {
      listeners.push(listener);
      return () => listeners.splice(listeners.indexOf(listener), 1);
    }),
  };
  return {
    api,
    studio: api as unknown as StudioApi,
    emit: (e: StudioEvent) => act(() => listeners.forEach((l) => l(e))),
    finishExcerpt: (r: JobResult) => act(async () => finishExcerpt(r)),
  };
}

const input = (label: string) => screen.getByLabelText(label) as HTMLInputElement;
const type = (label: string, value: string) => fireEvent.change(input(label), { target: { value } });
const saveButton = () => screen.getByRole('button', { name: 'Save preset' }) as HTMLButtonElement;
const points = () => screen.getAllByTestId('chart-point');

afterEach(() => {
  cleanup();
  // The editor keeps unsaved drafts in localStorage: each test starts without one.
  localStorage.clear();
});

describe('PresetEditor', () => {
  it('a bit rate typed in the table changes the size estimate and moves its chart point', () => {
    const { studio } = fakeApi();
    renderWithMantine(<PresetEditor api={studio} presets={[mine]} />);
    const before = screen.getByTestId('estimate-size').textContent;
    const mb = (kbps: number[]) =>
      `${(estimateSize({ ...mine.preset, rungs: kbps.map((k, i) => ({ ...mine.preset.rungs[i]!, bitrateKbps: k })) }).bytesPerMinute / 1e6).toFixed(1)} MB/min`;
    expect(before).toBe(mb([400, 2000]));
    const cyBefore = Number(points()[1]!.getAttribute('cy'));

    type('Rung 2 average kb/s', '3000');

    expect(screen.getByTestId('estimate-size').textContent).toBe(mb([400, 3000]));
    expect(points()[1]!.getAttribute('data-kbps')).toBe('3000');
    // Higher rate, higher on the chart: a smaller y.
    expect(Number(points()[1]!.getAttribute('cy'))).toBeLessThan(cyBefore);
  });

  it('Add rung adds a table row and a chart point', () => {
    const { studio } = fakeApi();
    renderWithMantine(<PresetEditor api={studio} presets={[mine]} />);
    expect(screen.getAllByTestId('rung-row')).toHaveLength(2);
    fireEvent.click(screen.getByRole('button', { name: 'Add rung' }));
    expect(screen.getAllByTestId('rung-row')).toHaveLength(3);
    expect(points()).toHaveLength(3);
    expect(input('Rung 3 height').value).toBe('1080');
  });

  it('an odd height disables Save and says why', () => {
    const { studio } = fakeApi();
    renderWithMantine(<PresetEditor api={studio} presets={[mine]} />);
    type('Rung 1 average kb/s', '450');
    expect(saveButton().disabled).toBe(false);
    type('Rung 1 height', '361');
    expect(saveButton().disabled).toBe(true);
    expect(screen.getByTestId('preset-issues').textContent).toMatch(
      /rungs\[0\]\.height: height must be even/,
    );
  });

  it('Save sends a preset that passes parsePreset; a new name renames with replaceId', async () => {
    const { api, studio } = fakeApi();
    const onSaved = vi.fn();
    renderWithMantine(<PresetEditor api={studio} presets={[mine]} onSaved={onSaved} />);
    type('Rung 2 average kb/s', '2500');
    type('Preset name', 'Phone ladder 2');
    expect(screen.getByTestId('preset-id').textContent).toBe('phone-ladder-2');
    fireEvent.click(saveButton());
    await waitFor(() => expect(onSaved).toHaveBeenCalledWith('phone-ladder-2'));
    const request = api.savePreset.mock.calls[0]![0];
    expect(request.replaceId).toBe('my-ladder');
    const parsed = parsePreset(request.preset);
    expect(parsed.ok).toBe(true);
    expect(parsed.ok && parsed.preset).toMatchObject({
      id: 'phone-ladder-2',
      name: 'Phone ladder 2',
      rungs: [{ bitrateKbps: 400 }, { bitrateKbps: 2500 }],
    });
    // Saved and unchanged: nothing more to save.
    expect(saveButton().disabled).toBe(true);
  });

  it('Save over a user preset under its own id sends replaceId = that id and no overwrite', async () => {
    const { api, studio } = fakeApi();
    renderWithMantine(<PresetEditor api={studio} presets={[mine]} />);
    type('Rung 2 average kb/s', '2500');
    expect(screen.queryByText(/Saving replaces your preset/)).toBeNull();
    fireEvent.click(saveButton());
    await waitFor(() => expect(api.savePreset).toHaveBeenCalledTimes(1));
    const request = api.savePreset.mock.calls[0]![0];
    expect(request.replaceId).toBe('my-ladder');
    expect(request.overwrite).toBeUndefined();
    expect(request.preset).toMatchObject({ id: 'my-ladder', rungs: [{}, { bitrateKbps: 2500 }] });
    expect((await screen.findByTestId('preset-status')).textContent).toBe('Saved my-ladder');
  });

  it('auto-publish can name its target; the preset saved says so', async () => {
    const { api, studio } = fakeApi();
    renderWithMantine(<PresetEditor api={studio} presets={[mine]} targets={['cdn', 'backup']} />);
    expect(screen.queryByRole('combobox', { name: 'Auto-publish to' })).toBeNull();
    fireEvent.click(screen.getByRole('switch', { name: 'Auto-publish when done' }));
    fireEvent.click(screen.getByRole('combobox', { name: 'Auto-publish to' }));
    fireEvent.click(await screen.findByRole('option', { name: 'backup', hidden: true }));
    fireEvent.click(saveButton());
    await waitFor(() => expect(api.savePreset).toHaveBeenCalledTimes(1));
    expect(api.savePreset.mock.calls[0]![0].preset).toMatchObject({
      publish: { auto: true, target: 'backup' },
    });
  });

  it('overwrite is sent only when the editor said Save replaces your preset (import, duplicate)', async () => {
    const { api, studio } = fakeApi();
    const copy: PresetEntry = {
      ...mine,
      id: 'my-ladder-copy',
      name: 'My ladder (copy)',
      preset: { ...mine.preset, id: 'my-ladder-copy', name: 'My ladder (copy)' },
    };
    const { container } = renderWithMantine(<PresetEditor api={studio} presets={[mine, copy]} />);

    // A duplicate of "My ladder" lands on the id of the copy saved earlier.
    fireEvent.click(screen.getByRole('button', { name: 'Duplicate' }));
    expect(screen.getByTestId('preset-id').textContent).toBe('my-ladder-copy');
    expect(screen.getByText('Saving replaces your preset “My ladder (copy)” (same id).')).toBeTruthy();
    fireEvent.click(saveButton());
    await waitFor(() => expect(api.savePreset).toHaveBeenCalledTimes(1));
    expect(api.savePreset.mock.calls[0]![0]).toMatchObject({ overwrite: true });
    expect(api.savePreset.mock.calls[0]![0].replaceId).toBeUndefined();

    // An imported file with the id of a user preset: the same warning, the same request.
    const file = container.ownerDocument.querySelector('input[type="file"]') as HTMLInputElement;
    const json = JSON.stringify({ ...mine.preset, name: 'My ladder from disk' });
    fireEvent.change(file, { target: { files: [new File([json], 'mine.json')] } });
    await waitFor(() => expect(input('Preset name').value).toBe('My ladder from disk'));
    expect(screen.getByText('Saving replaces your preset “My ladder” (same id).')).toBeTruthy();
    fireEvent.click(saveButton());
    await waitFor(() => expect(api.savePreset).toHaveBeenCalledTimes(2));
    expect(api.savePreset.mock.calls[1]![0]).toMatchObject({ overwrite: true, preset: { id: 'my-ladder' } });

    // A name no preset has: no warning, no overwrite.
    type('Preset name', 'Something new');
    expect(screen.queryByText(/Saving replaces your preset/)).toBeNull();
    fireEvent.click(saveButton());
    await waitFor(() => expect(api.savePreset).toHaveBeenCalledTimes(3));
    expect(api.savePreset.mock.calls[2]![0].overwrite).toBeUndefined();
  });

  it('a built-in is never saved over: an edit forks "<name> (copy)", and its own id is refused', async () => {
    const { api, studio } = fakeApi();
    renderWithMantine(<PresetEditor api={studio} presets={[builtIn, mine]} />);
    expect(saveButton().disabled).toBe(true);

    type('Rung 3 average kb/s', '5000');
    expect(input('Preset name').value).toBe('Apple lite (copy)');
    expect(screen.getByTestId('preset-id').textContent).toBe('apple-lite-copy');
    expect(screen.getByTestId('fork-notice')).toBeTruthy();
    expect(builtIn.preset.rungs[2]!.bitrateKbps).toBe(4500);

    type('Preset name', 'Apple lite');
    expect(saveButton().disabled).toBe(true);

    type('Preset name', 'Apple lite tuned');
    fireEvent.click(saveButton());
    await waitFor(() => expect(api.savePreset).toHaveBeenCalledTimes(1));
    const request = api.savePreset.mock.calls[0]![0];
    expect(request.replaceId).toBeUndefined();
    expect(request.overwrite).toBeUndefined();
    expect(request.preset).toMatchObject({ id: 'apple-lite-tuned' });
  });

  it('importing a file that is not a valid preset shows why and keeps the draft', async () => {
    const { studio } = fakeApi();
    const { container } = renderWithMantine(<PresetEditor api={studio} presets={[mine]} />);
    const file = container.ownerDocument.querySelector('input[type="file"]') as HTMLInputElement;

    fireEvent.change(file, { target: { files: [new File(['{ nope'], 'broken.json')] } });
    // FileReader answers in a later task: on a loaded 2-core machine that took over a second.
    expect((await screen.findByTestId('preset-action-error', {}, { timeout: 5000 })).textContent).toMatch(
      /broken\.json is not JSON/,
    );

    const bad = JSON.stringify({ id: 'x', name: 'X', rungs: [{ width: 1281, height: 720, bitrateKbps: 1 }] });
    fireEvent.change(file, { target: { files: [new File([bad], 'bad.json')] } });
    await waitFor(
      () =>
        expect(screen.getByTestId('preset-action-error').textContent).toMatch(
          /bad\.json is not a valid preset.*rungs\[0\]\.width: width must be even/,
        ),
      { timeout: 5000 },
    );
    expect(input('Preset name').value).toBe('My ladder');

    const good = JSON.stringify({ ...mine.preset, id: 'imported', name: 'Imported' });
    fireEvent.change(file, { target: { files: [new File([good], 'good.json')] } });
    await waitFor(() => expect(input('Preset name').value).toBe('Imported'), { timeout: 5000 });
  });

  it('the chart point moves with the arrow keys and by dragging, in 50 kb/s steps', () => {
    const { studio } = fakeApi();
    renderWithMantine(<PresetEditor api={studio} presets={[mine]} />);
    fireEvent.keyDown(points()[1]!, { key: 'ArrowUp' });
    expect(input('Rung 2 average kb/s').value).toBe('2050');

    // jsdom has no PointerEvent: a MouseEvent with a pointerId stands in, so clientY arrives.
    window.PointerEvent ??= class extends MouseEvent {
      readonly pointerId: number;
      constructor(kind: string, init: PointerEventInit = {}) {
        super(kind, init);
        this.pointerId = init.pointerId ?? 0;
      }
    } as typeof PointerEvent;
    const chart = screen.getByTestId('ladder-chart');
    chart.getBoundingClientRect = () => ({ top: 0, left: 0, width: 640, height: 240 }) as DOMRect;
    fireEvent.pointerDown(points()[1]!, { clientY: 100, pointerId: 1 });
    fireEvent.pointerMove(points()[1]!, { clientY: 40, pointerId: 1 });
    fireEvent.pointerUp(points()[1]!, { pointerId: 1 });
    const dragged = Number(input('Rung 2 average kb/s').value);
    expect(dragged).toBeGreaterThan(2050);
    expect(dragged % 50).toBe(0);
    expect(Number(points()[1]!.getAttribute('cy'))).toBeCloseTo(40, -1);
  });

  it('Try 10 s excerpt encodes with the draft, shows progress, and plays the result', async () => {
    const { api, studio, emit, finishExcerpt } = fakeApi();
    const job: JobView = {
      id: 'job-1',
      fileName: 'clip.mp4',
      presetId: 'my-ladder',
      status: 'done',
      notes: [],
      source: source({ width: 1280, height: 720 }),
      addedAt: 0,
    };
    renderWithMantine(<PresetEditor api={studio} presets={[mine]} />);
    const tryButton = () => screen.getByRole('button', { name: 'Try 10 s excerpt' }) as HTMLButtonElement;
    expect(tryButton().disabled).toBe(true);
    cleanup();

    renderWithMantine(<PresetEditor api={studio} presets={[mine]} sourceJob={job} />);
    fireEvent.click(tryButton());
    expect(api.encodeExcerpt).toHaveBeenCalledWith({
      jobId: 'job-1',
      preset: expect.objectContaining({ id: 'my-ladder' }),
    });
    emit({ type: 'excerpt', state: 'encoding', ratio: 0.4 });
    expect(within(screen.getByTestId('excerpt-progress')).getByText('40%')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(api.cancelExcerpt).toHaveBeenCalledWith({});

    await finishExcerpt({
      baseUrl: '/excerpts/job-1/',
      multivariantPlaylist: 'master.m3u8',
      variants: [],
      validation: {
        target: 'x',
        valid: true,
        mustFailures: 0,
        shouldFailures: 0,
        results: [],
        checkedAt: '',
      },
      sizeBytes: 1_000_000,
      elapsedSec: 3.2,
    });
    expect(within(screen.getByTestId('excerpt-preview')).getByTestId('package-preview')).toBeTruthy();
  });
});
