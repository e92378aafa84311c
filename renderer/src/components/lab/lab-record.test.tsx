// @vitest-environment jsdom
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderWithMantine } from '../../test-setup';
import { newRecord, recordEvent, recordSample, summarise, type LabRecord } from './lab-record';
import { LabFacts, LabSummaryTable } from './lab-summary';

afterEach(cleanup);

const rungs = [
  { width: 320, height: 180, bitrate: 200_000 },
  { width: 640, height: 360, bitrate: 800_000 },
  { width: 1280, height: 720, bitrate: 3_000_000 },
];

const sample = (sec: number, level: number) => ({ sec, level, bandwidthEstimate: 1e6, bufferSec: 5 });

function run(steps: ((r: LabRecord) => LabRecord)[]): LabRecord {
  return steps.reduce((r, step) => step(r), newRecord('3g'));
}

describe('a lab run', () => {
  it('takes the first playing as the startup time, and the wait before it is not a stall', () => {
    const r = run([(r) => recordEvent(r, 'waiting', 0.1), (r) => recordEvent(r, 'playing', 1.5)]);
    expect(r.startupSec).toBe(1.5);
    expect(r.stalls).toEqual([]);
  });

  it('counts a wait for data after playback began as a stall, until it plays again', () => {
    const r = run([
      (r) => recordEvent(r, 'playing', 1),
      (r) => recordEvent(r, 'waiting', 10, 0.1),
      (r) => recordEvent(r, 'waiting', 10.5, 0),
      (r) => recordEvent(r, 'playing', 12),
      (r) => recordEvent(r, 'waiting', 20, 6),
    ]);
    expect(r.stalls).toEqual([
      { atSec: 10, bufferSec: 0.1, durationSec: 2 },
      { atSec: 20, bufferSec: 6 },
    ]);
    expect(summarise(r, rungs)).toMatchObject({ stallCount: 2, emptyBufferStalls: 1 });
    // An instant's wait at a rung switch is no stall.
    expect(recordEvent(recordEvent(r, 'playing', 20.05), 'ended', 30).stalls).toHaveLength(1);
    // The end closes a stall that is still open.
    expect(recordEvent(r, 'ended', 21).stalls.at(-1)).toEqual({ atSec: 20, bufferSec: 6, durationSec: 1 });
  });

  it('sums the time on each rung from the first frame to the end, and the bit rate it delivered', () => {
    const r = run([
      (r) => recordSample(r, sample(0.5, -1)),
      (r) => recordEvent(r, 'playing', 1),
      (r) => recordSample(r, sample(1, 0)),
      (r) => recordSample(r, sample(3, 2)),
      (r) => recordSample(r, sample(7, 1)),
      (r) => recordEvent(r, 'ended', 9),
      (r) => recordSample(r, sample(9.5, 2)),
    ]);
    const summary = summarise(r, rungs);
    expect(summary.secondsOnRung).toEqual([2, 2, 4]);
    expect(summary.averageBitrate).toBeCloseTo((2 * 200_000 + 2 * 800_000 + 4 * 3_000_000) / 8);
    expect(summary.startupSec).toBe(1);
    expect(summary.stallCount).toBe(0);
  });
});

describe('the lab summary', () => {
  it('lists stalls with their times, and the time on each rung counted from 1', () => {
    const r = run([
      (r) => recordEvent(r, 'playing', 0.8),
      (r) => recordSample(r, sample(1, 0)),
      (r) => recordEvent(r, 'waiting', 4, 0.2),
      (r) => recordEvent(r, 'playing', 5.5),
      (r) => recordSample(r, sample(6, 1)),
      (r) => recordEvent(r, 'ended', 10),
    ]);
    renderWithMantine(
      <>
        <LabFacts record={r} />
        <LabSummaryTable summary={summarise(r, rungs)} rungs={rungs} />
      </>,
    );
    expect(screen.getByTestId('lab-startup').textContent).toBe('Startup: 0.80 s');
    expect(screen.getByTestId('lab-stalls').textContent).toBe('Stalls: at 4.0 s for 1.5 s (buffer empty)');
    expect(screen.getByTestId('lab-summary').textContent).toContain(
      '1 stall(s), 1.5 s in all, 1 with the buffer empty',
    );
    const rows = screen.getAllByTestId('lab-rung-time').map((row) => row.textContent);
    expect(rows[0]).toMatch(/^rung 1 · 320x180 · 200 kb\/s5\.0 s56%$/);
    expect(rows[1]).toMatch(/^rung 2 · 640x360 · 800 kb\/s4\.0 s44%$/);
  });
});
