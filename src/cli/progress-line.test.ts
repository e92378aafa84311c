import { describe, expect, it } from 'vitest';
import { formatBitrate, formatDuration, formatProgressLine } from './progress-line.js';

describe('progress line', () => {
  it('shows bar, percent, fps, speed, ETA and the file', () => {
    expect(
      formatProgressLine({ label: 'a.mp4', ratio: 0.5, fps: 41.6, speed: 1.84, etaSec: 75, width: 10 }),
    ).toBe('[█████░░░░░]   50%  42 fps  1.8x  ETA 1:15  a.mp4');
  });
  it('leaves out what is unknown and clamps the bar', () => {
    expect(formatProgressLine({ label: 'b', ratio: 1.2, width: 4 })).toBe('[████]  100%  b');
  });
  it('formats durations and bit rates', () => {
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(59.6)).toBe('1:00');
    expect(formatBitrate(2_450_000)).toBe('2.45 Mb/s');
    expect(formatBitrate(364_800)).toBe('365 kb/s');
  });
});
