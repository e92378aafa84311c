// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { PresetEntry, StudioApi } from '../../../../src/common/api/studio-api';
import { parsePreset, type Preset } from '../../../../src/common/presets/preset-schema';
import { renderWithMantine } from '../../test-setup';
import { parseTyped } from './number-field';
import { PresetEditor } from './preset-editor';

function preset(json: Record<string, unknown>): Preset {
  const result = parsePreset(json);
  if (!result.ok) throw new Error(result.issues.join('; '));
  return result.preset;
}

const apple = (builtIn: boolean): PresetEntry => ({
  id: builtIn ? 'apple-lite' : 'my-ladder',
  name: builtIn ? 'Apple lite' : 'My ladder',
  builtIn,
  preset: preset({
    id: builtIn ? 'apple-lite' : 'my-ladder',
    name: builtIn ? 'Apple lite' : 'My ladder',
    rungs: [
      { width: 640, height: 360, bitrateKbps: 365, maxFrameRate: 30 },
      { width: 1280, height: 720, bitrateKbps: 3000, maxBitrateKbps: 4500 },
    ],
  }),
});

const api = { onEvent: () => () => {} } as unknown as StudioApi;
const input = (label: string) => screen.getByRole('textbox', { name: label }) as HTMLInputElement;

/**
 * Types as a user does: focus the field, then one change per key. The first key replaces the whole
 * value, as after a click and Ctrl+A, unless `keep`; "⌫" is Backspace at the end of the text; a longer
 * chunk is a paste. After every key the editor is still there and the field shows exactly the text.
 */
function typeKeys(label: string, keys: string[], keep = false): string {
  // Found once (getByRole is slow in jsdom): the same element must stay on the page, not a remount.
  const field = input(label);
  act(() => field.focus());
  let text = keep ? field.value : '';
  for (const key of keys) {
    text = key === '⌫' ? text.slice(0, -1) : text + key;
    fireEvent.change(field, { target: { value: text } });
    expect(field.isConnected).toBe(true);
    expect(field.value).toBe(text);
  }
  expect(screen.getByTestId('preset-editor')).toBeTruthy();
  return text;
}

/** The sequences of issue 10, and the other intermediate values a field passes through. */
const SEQUENCES: string[][] = [
  ['4', '5', '0'],
  ['0'],
  ['4'],
  ['9', '0', '0', '0', '0', '0'],
  ['4', '.', '5'],
  ['-', '5'],
  ['4,500 kb/s'],
  ['abc'],
  ['1', '⌫'],
];

afterEach(() => {
  cleanup();
  localStorage.clear();
});

describe('typing into the preset editor never breaks it (issue 10)', () => {
  // Every sequence on a built-in (whose first edit forks a copy); the reported ones on a user preset.
  it.each([
    { kind: 'built-in', builtIn: true, sequences: SEQUENCES },
    { kind: 'user', builtIn: false, sequences: [['4', '5', '0']] },
  ])(
    'the average kb/s of a rung, key by key, on a $kind preset: shown as typed, drawn clamped, flagged by the schema',
    ({ builtIn, sequences }) => {
      renderWithMantine(<PresetEditor api={api} presets={[apple(builtIn)]} />);
      const label = 'Rung 1 average kb/s';
      const field = input(label);
      const point = () => screen.getAllByTestId('chart-point')[0]!;

      // Backspace on 365: 36, 3, empty. The slider of the selected rung is showing all along.
      expect(field.value).toBe('365');
      typeKeys(label, ['⌫', '⌫', '⌫'], true);
      expect(screen.getByRole('slider', { name: 'Rung 1 bit rate slider' })).toBeTruthy();
      expect(point().getAttribute('data-kbps')).toBe('NaN');
      expect(screen.getByTestId('preset-issues').textContent).toMatch(/rungs\[0\]\.bitrateKbps/);

      for (const keys of sequences) {
        const text = typeKeys(label, keys);
        const value = parseTyped(text);
        expect(point().getAttribute('data-kbps')).toBe(String(value ?? NaN));
        // Drawn inside the chart whatever the value.
        const cy = Number(point().getAttribute('cy'));
        expect(cy).toBeGreaterThanOrEqual(0);
        expect(cy).toBeLessThanOrEqual(240);
        const valid = value !== undefined && Number.isInteger(value) && value >= 16 && value <= 200_000;
        expect(field.getAttribute('aria-invalid')).toBe(valid ? null : 'true');
      }

      // 4 is below the chart: drawn at its floor, the field still says 4, the slider does not write back.
      typeKeys(label, ['4']);
      expect(point().getAttribute('data-off-chart')).toBe('true');
      expect(field.value).toBe('4');
      expect(screen.getByTestId('preset-issues').textContent).toMatch(
        /rungs\[0\]\.bitrateKbps: .*(>=|at least|too small).*16/i,
      );

      typeKeys(label, ['4', '5', '0']);
      expect(point().getAttribute('data-kbps')).toBe('450');
      expect(point().getAttribute('data-off-chart')).toBeNull();
      expect(screen.queryByTestId('preset-issues')).toBeNull();
      expect((screen.getByRole('button', { name: 'Save preset' }) as HTMLButtonElement).disabled).toBe(false);
    },
  );

  it('every other number field of the table, the global settings and the cost inputs', () => {
    renderWithMantine(<PresetEditor api={api} presets={[apple(false)]} />);
    fireEvent.click(screen.getByRole('radio', { name: 'CRF' }));
    const labels = [
      'Rung 2 width',
      'Rung 2 height',
      'Rung 2 average kb/s',
      'Rung 2 max kb/s',
      'Rung 1 frame-rate cap',
      'Segment duration',
      'CRF',
      'Audio kb/s',
      'Start variant kb/s',
      'Storyboard interval',
      'Minutes of video',
      'Full views',
      'Storage $/GB-month',
      'Egress $/GB',
    ];
    for (const label of labels) {
      for (const keys of [['0'], ['-', '4', '.', '5'], ['x', '⌫']]) typeKeys(label, keys);
      // Empty now: an optional field is simply unset, a required one is named by the schema.
      expect(input(label).value).toBe('');
    }
    // Nothing typed was "corrected" on the way: the cost figures say they cannot be worked out.
    expect(screen.getByTestId('estimate-cost').textContent).toMatch(/—/);
  });

  it('the chart handle and the slider move from a value typed outside the chart without crashing', () => {
    renderWithMantine(<PresetEditor api={api} presets={[apple(false)]} />);
    const label = 'Rung 1 average kb/s';
    const point = () => screen.getAllByTestId('chart-point')[0]!;
    for (const keys of [['4'], ['0'], ['9', '0', '0', '0', '0', '0'], ['x']]) {
      typeKeys(label, keys);
      fireEvent.keyDown(point(), { key: 'ArrowUp' });
      expect(screen.getByTestId('preset-editor')).toBeTruthy();
      // A step up from where the point is drawn, onto the 50 kb/s grid.
      expect(Number(input(label).value) % 50).toBe(0);
      expect(point().getAttribute('data-kbps')).toBe(input(label).value);
    }
    expect(input(label).value).toBe('100');
    // The slider of the selected rung works from there too.
    const slider = screen.getByRole('slider', { name: 'Rung 1 bit rate slider' });
    fireEvent.keyDown(slider, { key: 'ArrowRight' });
    expect(input(label).value).toBe('150');
  });

  it('arrow keys step a typed field; an outside change replaces the text', () => {
    renderWithMantine(<PresetEditor api={api} presets={[apple(false)]} />);
    typeKeys('Audio kb/s', ['1', '2', '8', '.']);
    expect(input('Audio kb/s').value).toBe('128.');
    fireEvent.keyDown(input('Audio kb/s'), { key: 'ArrowUp' });
    expect(input('Audio kb/s').value).toBe('144');

    typeKeys('Rung 2 average kb/s', ['3', '0', '0', '0', '.']);
    fireEvent.keyDown(screen.getAllByTestId('chart-point')[1]!, { key: 'ArrowDown' });
    expect(input('Rung 2 average kb/s').value).toBe('2950');
  });
});
