import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dispatchCall } from '../../common/api/dispatch.js';
import type { PerTitleAnalysis, StudioEvent } from '../../common/api/studio-api.js';
import { PROBE_CRFS } from '../../common/ffmpeg/probe-encode-args.js';
import { clip, scratchDir } from '../../../test/helpers/clips.js';
import { testPreset } from '../../../test/helpers/encode.js';
import { waitFor } from '../../../test/helpers/wait-for.js';
import { StudioBackend } from './studio-backend.js';

const FINISHED = ['done', 'failed', 'cancelled'];
const open: StudioBackend[] = [];
afterAll(async () => {
  await Promise.all(open.map((b) => b.close()));
});

async function backendIn(dir: string, events?: StudioEvent[]): Promise<StudioBackend> {
  const backend = await StudioBackend.open({
    face: 'browser',
    stateDir: path.join(dir, 'state'),
    outDir: path.join(dir, 'out'),
    packageBaseUrl: '/packages',
  });
  if (events) backend.onEvent((e) => events.push(e));
  open.push(backend);
  return backend;
}

const FAST = {
  ...testPreset({
    rungs: [
      { width: 320, height: 180, bitrateKbps: 250, maxFrameRate: 30 },
      { width: 480, height: 270, bitrateKbps: 500 },
    ],
  }),
  id: 'per-title-fast',
  name: 'Per-title fast',
};

/** A queued source the queue leaves alone: added, then cancelled before it can use the cores. */
async function idleSource(backend: StudioBackend, name: string) {
  const input = await clip(name, { width: 480, height: 270, durationSec: 3 });
  await backend.savePreset({ preset: FAST });
  const [job] = await backend.addJobs({ paths: [input], presetId: FAST.id });
  await backend.cancelJob({ id: job!.id });
  return job!;
}

describe('analyzePerTitle through the API (the editor’s “Auto (per-title)”)', () => {
  it('probes the source at every size and CRF and picks rungs inside the preset’s bounds, with progress', async () => {
    const events: StudioEvent[] = [];
    const backend = await backendIn(await scratchDir('per-title-api-'), events);
    const job = await idleSource(backend, 'per-title-api.mp4');
    const answer = await dispatchCall(backend, 'analyzePerTitle', { jobId: job.id, preset: FAST });
    expect(answer.ok).toBe(true);
    const analysis = (answer as { value: PerTitleAnalysis }).value;
    expect(analysis.jobId).toBe(job.id);
    expect(analysis.fileName).toBe('per-title-api.mp4');
    expect(analysis.durationSec).toBeCloseTo(3, 0);
    expect(analysis.points).toHaveLength(2 * PROBE_CRFS.length);
    expect(new Set(analysis.points.map((p) => p.height))).toEqual(new Set([180, 270]));
    expect(analysis.bounds).toEqual({ minKbps: 250, maxKbps: 500, maxRungs: 2 });
    expect(analysis.rungs.length).toBeGreaterThanOrEqual(1);
    expect(analysis.rungs.length).toBeLessThanOrEqual(2);
    for (const r of analysis.rungs) {
      expect(r.bitrateKbps).toBeGreaterThanOrEqual(250);
      expect(r.bitrateKbps).toBeLessThanOrEqual(500);
    }
    expect(analysis.predictedPsnr).toHaveLength(analysis.rungs.length);
    expect(analysis.elapsedSec).toBeGreaterThan(0);
    const progress = events.filter((e) => e.type === 'per-title');
    expect(progress.some((e) => e.type === 'per-title' && e.state === 'analyzing' && e.ratio! > 0)).toBe(
      true,
    );
    expect(progress.at(-1)).toMatchObject({ state: 'done', ratio: 1 });
  });

  it('refuses a bad payload and an invalid preset as data; a cancel says cancelled', async () => {
    const events: StudioEvent[] = [];
    const backend = await backendIn(await scratchDir('per-title-refuse-'), events);
    const job = await idleSource(backend, 'per-title-refuse.mp4');
    const extra = await dispatchCall(backend, 'analyzePerTitle', { jobId: job.id, preset: FAST, x: 1 });
    expect(extra).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    const unknown = await dispatchCall(backend, 'analyzePerTitle', { jobId: 'nope', preset: FAST });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    const invalid = await dispatchCall(backend, 'analyzePerTitle', {
      jobId: job.id,
      preset: { ...FAST, rungs: [] },
    });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'PRESET_INVALID' } });

    const run = dispatchCall(backend, 'analyzePerTitle', { jobId: job.id, preset: FAST });
    await waitFor(
      async () => events.some((e) => e.type === 'per-title' && e.state === 'analyzing') || undefined,
      'the analysis to start',
    );
    await dispatchCall(backend, 'cancelPerTitle', {});
    expect(await run).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect(events.filter((e) => e.type === 'per-title').at(-1)).toMatchObject({ state: 'cancelled' });
  });
});

describe('setPresetLadder: queue jobs of a preset use --ladder auto', () => {
  it('is saved with the settings, follows a rename, and a job of that preset encodes a per-title ladder', async () => {
    const dir = await scratchDir('per-title-setting-');
    let backend = await backendIn(dir);
    await backend.savePreset({ preset: FAST });
    expect(await dispatchCall(backend, 'setPresetLadder', { id: FAST.id, ladder: 'sideways' })).toMatchObject(
      {
        ok: false,
        error: { code: 'INVALID_ARGUMENT' },
      },
    );
    await backend.setPresetLadder({ id: FAST.id, ladder: 'auto' });
    expect((await backend.getSettings()).autoLadderPresets).toEqual([FAST.id]);
    await backend.close();

    backend = await backendIn(dir);
    expect((await backend.getSettings()).autoLadderPresets).toEqual([FAST.id]);
    await backend.savePreset({ preset: { ...FAST, id: 'renamed-fast' }, replaceId: FAST.id });
    expect((await backend.getSettings()).autoLadderPresets).toEqual(['renamed-fast']);

    const input = await clip('per-title-queued.mp4', { width: 480, height: 270, durationSec: 2 });
    const [job] = await backend.addJobs({ paths: [input], presetId: 'renamed-fast' });
    const done = await waitFor(
      async () => (await backend.listJobs()).find((j) => j.id === job!.id && FINISHED.includes(j.status)),
      'the encode',
      90_000,
    );
    expect(done.status).toBe('done');
    expect(done.notes[0]).toMatch(/^per-title ladder: \d rung\(s\)/);

    await backend.setPresetLadder({ id: 'renamed-fast', ladder: 'fixed' });
    expect((await backend.getSettings()).autoLadderPresets).toEqual([]);
  });
});
