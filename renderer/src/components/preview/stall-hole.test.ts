import { describe, expect, it } from 'vitest';
import { holeToSkip, type PlayheadSample } from './stall-hole';

const stuck: PlayheadSample = {
  currentTime: 4.036742,
  paused: false,
  seeking: false,
  ended: false,
  readyState: 2,
  buffered: [{ start: 4.066666, end: 8.066666 }],
};

describe('holeToSkip', () => {
  it('the stall seen in the live preview: 30 ms before the buffered range, for more than 2 s → seek into it', () => {
    expect(holeToSkip(stuck, 2500)).toBeCloseTo(4.076666, 6);
  });

  it('leaves every other case to the player: too soon, paused, seeking, ended, able to play', () => {
    expect(holeToSkip(stuck, 1500)).toBeUndefined();
    expect(holeToSkip({ ...stuck, paused: true }, 5000)).toBeUndefined();
    expect(holeToSkip({ ...stuck, seeking: true }, 5000)).toBeUndefined();
    expect(holeToSkip({ ...stuck, ended: true }, 5000)).toBeUndefined();
    expect(holeToSkip({ ...stuck, readyState: 3 }, 5000)).toBeUndefined();
  });

  it('never skips media: not from inside a range, not over a wide hole (that is waiting for a segment)', () => {
    expect(holeToSkip({ ...stuck, buffered: [{ start: 0, end: 8 }] }, 5000)).toBeUndefined();
    expect(holeToSkip({ ...stuck, buffered: [{ start: 6, end: 8 }] }, 5000)).toBeUndefined();
    expect(holeToSkip({ ...stuck, buffered: [] }, 5000)).toBeUndefined();
    expect(
      holeToSkip(
        {
          ...stuck,
          buffered: [
            { start: 0, end: 2 },
            { start: 4.3, end: 6 },
          ],
        },
        5000,
      ),
    ).toBeCloseTo(4.31, 6);
  });
});
