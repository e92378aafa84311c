import type { PresetEntry } from '../../../../src/common/api/studio-api';
import { parsePreset, type Preset, type Rung } from '../../../../src/common/presets/preset-schema';

/**
 * The preset being edited. It has the preset's shape but may hold values the schema refuses (an odd
 * height, NaN for an emptied field): `parsePreset` judges it on every change, so the user sees why.
 */
export type Draft = Preset;

export interface EditorState {
  draft: Draft;
  /** The saved entry the draft comes from; undefined for an unsaved copy, an import or a new preset. */
  base?: PresetEntry;
  /** The built-in the unsaved draft was forked from by an edit (for the notice). */
  forkedFrom?: string;
}

/** The chart and slider move bit rates in 50 kb/s steps. */
export const KBPS_STEP = 50;
export const MIN_KBPS = 50;
export const MAX_KBPS = 200_000;

/** "My Phone Ladder (2)" → "my-phone-ladder-2": the API's preset id (lower-case, digits, dashes, ≤ 64). */
export function presetIdFromName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 64)
    .replace(/-+$/, '');
}

export function snapKbps(kbps: number): number {
  return Math.min(MAX_KBPS, Math.max(MIN_KBPS, Math.round(kbps / KBPS_STEP) * KBPS_STEP));
}

/** An unsaved copy of a preset: "<name> (copy)", id "<id>-copy". */
export function forkOf(preset: Preset): Draft {
  return { ...structuredClone(preset), id: `${preset.id}-copy`, name: `${preset.name} (copy)` };
}

/** What the editor starts with when there is no preset to load. */
export function blankDraft(): Draft {
  const parsed = parsePreset({
    id: 'my-preset',
    name: 'My preset',
    rungs: [
      { width: 640, height: 360, bitrateKbps: 365, maxFrameRate: 30 },
      { width: 1280, height: 720, bitrateKbps: 3000 },
    ],
  });
  if (!parsed.ok) throw new Error(parsed.issues.join('; '));
  return parsed.preset;
}

const STANDARD_HEIGHTS = [234, 360, 432, 540, 720, 1080, 1440, 2160];

/** A rung above the current top one: the next standard size up at about 1.6x the rate. */
export function nextRung(rungs: readonly Rung[]): Rung {
  const top = rungs.reduce<Rung | undefined>(
    (best, r) => (!best || r.bitrateKbps > best.bitrateKbps ? r : best),
    undefined,
  );
  if (!top || !Number.isFinite(top.bitrateKbps)) return { width: 1280, height: 720, bitrateKbps: 3000 };
  const height = STANDARD_HEIGHTS.find((h) => h > top.height) ?? top.height;
  const width = Math.round((height * 16) / 9 / 2) * 2;
  return { width, height, bitrateKbps: snapKbps(top.bitrateKbps * (height > top.height ? 1.6 : 1.5)) };
}

/**
 * Sets a rung's average rate. A gesture (chart drag, slider) keeps an explicit peak at the same ratio to
 * the average, so dragging never leaves max below average; typing in the table sets only the field.
 */
export function withAverage(rung: Rung, kbps: number, keepPeakRatio: boolean): Rung {
  if (!keepPeakRatio || rung.maxBitrateKbps === undefined || !(rung.bitrateKbps > 0))
    return { ...rung, bitrateKbps: kbps };
  const ratio = rung.maxBitrateKbps / rung.bitrateKbps;
  return { ...rung, bitrateKbps: kbps, maxBitrateKbps: Math.round(kbps * ratio) };
}

/**
 * The schema's issues keyed by the field they name: parsePreset writes "rungs[0].height: height must be
 * even", so "rungs[0].height" marks that cell.
 */
export function issuesByField(issues: readonly string[]): Map<string, string> {
  const byField = new Map<string, string>();
  for (const issue of issues) {
    const at = issue.indexOf(': ');
    if (at > 0 && !byField.has(issue.slice(0, at))) byField.set(issue.slice(0, at), issue.slice(at + 2));
  }
  return byField;
}

/** Draws a bit rate inside the chart's range; the value itself is left as typed. */
export function clampKbps(kbps: number): number {
  return Number.isFinite(kbps) ? Math.min(MAX_KBPS, Math.max(MIN_KBPS, kbps)) : MIN_KBPS;
}

export function errorCode(error: unknown): string | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const e = error as { code?: unknown; data?: { code?: unknown } };
  const code = e.data?.code ?? e.code;
  return typeof code === 'string' ? code : undefined;
}

/** Same preset, field for field (the draft's undefined keys do not count). */
export function samePreset(a: Preset, b: Preset): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
