import { describe, expect, it } from 'vitest';
import { parsePreset } from './preset-schema.js';

const minimal = { id: 'mine', name: 'Mine', rungs: [{ width: 1280, height: 720, bitrateKbps: 3000 }] };

describe('parsePreset', () => {
  it('fills defaults: H.264, TS, 6 s segments, veryfast, 128 kb/s audio', () => {
    const result = parsePreset(minimal);
    expect(result.ok && result.preset).toMatchObject({
      video: { codec: 'h264', speedPreset: 'veryfast', rateControl: 'vbr' },
      segment: { durationSec: 6, format: 'ts' },
      audio: { bitrateKbps: 128, sampleRate: 48000 },
    });
  });

  it('names the field and the reason for each problem', () => {
    const result = parsePreset({
      ...minimal,
      rungs: [{ width: 1281, height: 720, bitrateKbps: 3000, maxBitrateKbps: 1000 }],
      segment: { durationSec: 0 },
    });
    expect(result.ok).toBe(false);
    const issues = result.ok ? [] : result.issues;
    expect(issues).toContainEqual(expect.stringMatching(/^rungs\[0\]\.width: width must be even/));
    expect(issues).toContainEqual(expect.stringMatching(/^segment\.durationSec: /));
    expect(issues).toContainEqual(
      expect.stringMatching(/^rungs\[0\]\.maxBitrateKbps: maxBitrateKbps must be at least/),
    );
  });

  it('rejects unknown fields (a typo is not silently ignored)', () => {
    const result = parsePreset({ ...minimal, segmnet: {} });
    expect(result.ok).toBe(false);
  });

  it('HEVC in TS is refused: HEVC must be fMP4', () => {
    const result = parsePreset({ ...minimal, video: { codec: 'hevc' }, segment: { format: 'ts' } });
    expect(!result.ok && result.issues.join()).toMatch(/segment\.format: HEVC must be packaged as fMP4/);
  });
});
