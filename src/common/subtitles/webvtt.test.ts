import { describe, expect, it } from 'vitest';
import { formatVttTime, parseVtt, segmentVtt } from './webvtt.js';

const vtt = `WEBVTT

NOTE a comment

1
00:00:01.000 --> 00:00:02.500 line:90%
First <i>cue</i>

00:05.500 --> 00:07.000
Spans a boundary
second line

01:00:00.000 --> 01:00:01.000
An hour in
`;

describe('parseVtt', () => {
  it('reads cue times (with and without hours), settings and multi-line text; skips NOTE blocks', () => {
    expect(parseVtt(vtt)).toEqual([
      { start: 1, end: 2.5, settings: 'line:90%', text: 'First <i>cue</i>' },
      { start: 5.5, end: 7, settings: '', text: 'Spans a boundary\nsecond line' },
      { start: 3600, end: 3601, settings: '', text: 'An hour in' },
    ]);
  });
});

describe('segmentVtt (RFC 8216 3.5)', () => {
  const segments = segmentVtt(parseVtt(vtt), [6, 6], 126000);

  it('starts every segment with WEBVTT and X-TIMESTAMP-MAP', () => {
    for (const s of segments)
      expect(s.startsWith('WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:126000,LOCAL:00:00:00.000\n')).toBe(true);
  });

  it('repeats a cue that spans a boundary in both segments, keeping its media times', () => {
    expect(segments[0]).toContain('00:00:05.500 --> 00:00:07.000\nSpans a boundary');
    expect(segments[1]).toContain('00:00:05.500 --> 00:00:07.000\nSpans a boundary');
    expect(segments[0]).toContain('00:00:01.000 --> 00:00:02.500 line:90%\nFirst <i>cue</i>');
    expect(segments[1]).not.toContain('First');
  });

  it('cues after the last segment end go into the last segment rather than vanish', () => {
    expect(segments[1]).toContain('01:00:00.000 --> 01:00:01.000');
  });

  it('formats times with hours and milliseconds', () => {
    expect(formatVttTime(3725.5)).toBe('01:02:05.500');
  });
});
