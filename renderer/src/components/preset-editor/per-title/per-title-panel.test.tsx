// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type {
  JobView,
  PerTitleAnalysis,
  PresetEntry,
  StudioApi,
  StudioEvent,
  StudioSettings,
} from '../../../../../src/common/api/studio-api';
import { parsePreset } from '../../../../../src/common/presets/preset-schema';
import { source } from '../../../../../test/helpers/sources';
import { renderWithMantine } from '../../../test-setup';
import { PresetEditor } from '../preset-editor';
import { TEST_ANALYSIS } from './test-analysis';

const parsed = parsePreset({
  id: 'my-ladder',
  name: 'My ladder',
  rungs: [
    { width: 640, height: 360, bitrateKbps: 400, maxFrameRate: 30 },
    { width: 1280, height: 720, bitrateKbps: 2000 },
  ],
});
if (!parsed.ok) throw new Error(parsed.issues.join('; '));
const mine: PresetEntry = { id: 'my-ladder', name: 'My ladder', builtIn: false, preset: parsed.preset };

const job: JobView = {
  id: 'job-1',
  fileName: 'clip.mp4',
  presetId: 'my-ladder',
  status: 'done',
  notes: [],
  source: source({ width: 1280, height: 720 }, { durationSec: 60 }),
  addedAt: 0,
};

function fakeApi(autoLadderPresets: string[] = []) {
  const listeners: ((e: StudioEvent) => void)[] = [];
  let finish: (a: PerTitleAnalysis) => void = () => {};
  let fail: (e: unknown) => void = () => {};
  const settings: StudioSettings = {
    face: 'browser',
    concurrency: 1,
    defaultPresetId: 'my-ladder',
    credentialStorage: { available: false, plainText: false, note: '' },
    autoLadderPresets,
  };
  const api = {
    getSettings: vi.fn(async () => settings),
    setPresetLadder: vi.fn(async () => {}),
    analyzePerTitle: vi.fn(
      () =>
        new Promise<PerTitleAnalysis>((resolve, reject) => {
          finish = resolve;
          fail = reject;
        }),
    ),
    cancelPerTitle: vi.fn(async () => {}),
    onEvent: vi.fn((listener: (e: StudioEvent) => void) => {
      listeners.push(listener);
      return () => listeners.splice(listeners.indexOf(listener), 1);
    }),
  };
  return {
    api,
    studio: api as unknown as StudioApi,
    emit: (e: StudioEvent) => act(() => listeners.forEach((l) => l(e))),
    finish: (a: PerTitleAnalysis) => act(async () => finish(a)),
    fail: (e: unknown) => act(async () => fail(e)),
  };
}

const rungKbps = (n: number) => (screen.getByLabelText(`Rung ${n} average kb/s`) as HTMLInputElement).value;
const panel = () => screen.getByTestId('per-title-panel');

afterEach(() => {
  cleanup();
  localStorage.clear();
});

describe('the preset editor’s Auto (per-title) view', () => {
  it('Auto is the saved preset’s setting for queue jobs; Fixed hides the view', async () => {
    const { api, studio } = fakeApi();
    renderWithMantine(<PresetEditor api={studio} presets={[mine]} sourceJob={job} />);
    expect(screen.queryByTestId('per-title-panel')).toBeNull();
    fireEvent.click(screen.getByText('Auto (per-title)'));
    expect(api.setPresetLadder).toHaveBeenCalledWith({ id: 'my-ladder', ladder: 'auto' });
    expect(panel()).toBeTruthy();
    fireEvent.click(screen.getByText('Fixed'));
    expect(api.setPresetLadder).toHaveBeenLastCalledWith({ id: 'my-ladder', ladder: 'fixed' });
    expect(screen.queryByTestId('per-title-panel')).toBeNull();
  });

  it('a preset saved as Auto opens in Auto; without a probed source the analysis cannot start', async () => {
    const { studio } = fakeApi(['my-ladder']);
    renderWithMantine(<PresetEditor api={studio} presets={[mine]} />);
    await waitFor(() => expect(panel()).toBeTruthy());
    const analyse = within(panel()).getByRole('button', { name: 'Analyse source' }) as HTMLButtonElement;
    expect(analyse.disabled).toBe(true);
    expect(within(panel()).getByText('Select a job whose source has been probed')).toBeTruthy();
  });

  it('runs the analysis with progress, shows the hull and both ladders, moves a rung, accepts (undoable)', async () => {
    const { api, studio, emit, finish } = fakeApi(['my-ladder']);
    renderWithMantine(<PresetEditor api={studio} presets={[mine]} sourceJob={job} />);
    await waitFor(() => expect(panel()).toBeTruthy());
    fireEvent.click(within(panel()).getByRole('button', { name: 'Analyse source' }));
    expect(api.analyzePerTitle).toHaveBeenCalledWith({
      jobId: 'job-1',
      preset: expect.objectContaining({ id: 'my-ladder' }),
    });
    emit({ type: 'per-title', state: 'analyzing', ratio: 0.5 });
    expect(within(screen.getByTestId('per-title-progress')).getByText('50%')).toBeTruthy();
    fireEvent.click(within(panel()).getByRole('button', { name: 'Cancel' }));
    expect(api.cancelPerTitle).toHaveBeenCalledWith({});

    await finish(TEST_ANALYSIS);
    expect(screen.getAllByTestId('probe-point')).toHaveLength(6);
    expect(screen.getByTestId('hull-line').getAttribute('points')!.split(' ').length).toBeGreaterThan(1);
    expect(screen.getAllByTestId('fixed-rung-point')).toHaveLength(2);
    expect(screen.getAllByTestId('auto-rung-point')).toHaveLength(2);
    // 2400 kb/s against 1500 over 60 s: 17.2 MiB → 10.7 MiB, 38% less.
    expect(screen.getByTestId('per-title-size').textContent).toBe('Package 17.2 MiB → 10.7 MiB (−38%)');
    expect(screen.getByTestId('per-title-cost').textContent).toMatch(
      /^Analysis 6\.0 s \(0\.10× the source’s 60 s\)/,
    );
    const rows = screen.getAllByTestId('compare-row');
    // From the top: fixed 720p 2000 kb/s beside per-title 720p 1100 kb/s.
    expect(rows[0]!.textContent).toContain('1280x720200042.3');
    const autoPsnr = () => screen.getAllByTestId('auto-psnr').map((c) => Number(c.textContent));
    expect(autoPsnr()[0]).toBeCloseTo(37.5 + 3 * Math.log2(1100 / 600), 1);

    // Moving the top per-title rung up raises its predicted PSNR and the package size.
    fireEvent.change(screen.getByLabelText('Per-title rung 1 kb/s'), { target: { value: '1600' } });
    expect(autoPsnr()[0]).toBeCloseTo(40.5 + 2.5 * Math.log2(1600 / 1200), 1);
    expect(screen.getByTestId('per-title-size').textContent).toBe('Package 17.2 MiB → 14.3 MiB (−17%)');

    fireEvent.click(screen.getByRole('button', { name: 'Accept per-title ladder' }));
    expect([rungKbps(1), rungKbps(2)]).toEqual(['400', '1600']);
    expect(screen.getByRole('button', { name: '✓ Per-title rungs are in the draft' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: '↶ Undo' }));
    expect([rungKbps(1), rungKbps(2)]).toEqual(['400', '2000']);
    fireEvent.click(screen.getByRole('button', { name: 'Redo ↷' }));
    expect(rungKbps(2)).toBe('1600');

    // Fall back: the fixed rungs come back (one more undoable step) and queue jobs use them.
    fireEvent.click(screen.getByRole('button', { name: 'Fall back to the fixed ladder' }));
    expect(rungKbps(2)).toBe('2000');
    expect(api.setPresetLadder).toHaveBeenLastCalledWith({ id: 'my-ladder', ladder: 'fixed' });
    expect(screen.queryByTestId('per-title-panel')).toBeNull();
  });

  it('a failed analysis says why', async () => {
    const { studio, fail } = fakeApi(['my-ladder']);
    renderWithMantine(<PresetEditor api={studio} presets={[mine]} sourceJob={job} />);
    await waitFor(() => expect(panel()).toBeTruthy());
    fireEvent.click(within(panel()).getByRole('button', { name: 'Analyse source' }));
    await fail({ data: { code: 'UNDECODABLE', message: 'clip.mp4: the video cannot be decoded' } });
    expect(screen.getByTestId('per-title-error').textContent).toContain('the video cannot be decoded');
  });
});
