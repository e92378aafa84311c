import { describe, expect, it } from 'vitest';
import { addBitrates, measureBitrate } from './bitrate-measure.js';

describe('measureBitrate (RFC 8216 4.3.4.2)', () => {
  it('AVERAGE-BANDWIDTH is total bits over total time; BANDWIDTH the highest segment rate', () => {
    const m = measureBitrate([
      { durationSec: 6, bytes: 750_000 }, // 1.0 Mb/s
      { durationSec: 6, bytes: 1_500_000 }, // 2.0 Mb/s
      { durationSec: 2, bytes: 125_000 }, // 0.5 Mb/s
    ]);
    expect(m.average).toBe(Math.round((2_375_000 * 8) / 14));
    expect(m.peak).toBe(2_000_000);
  });
  it('renditions played together add up', () => {
    expect(addBitrates({ average: 1000, peak: 1500 }, { average: 128, peak: 130 })).toEqual({
      average: 1128,
      peak: 1630,
    });
    expect(addBitrates({ average: 1000, peak: 1500 }, undefined)).toEqual({ average: 1000, peak: 1500 });
  });
});
