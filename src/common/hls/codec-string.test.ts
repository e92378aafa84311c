import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { aacCodecString, avcCodecString, hevcCodecString, parseTraceHeaders } from './codec-string.js';

const trace = (name: string) =>
  parseTraceHeaders(readFileSync(new URL(`../../../test/fixtures/ffmpeg/${name}`, import.meta.url), 'utf8'));

describe('CODECS strings from captured trace_headers output (RFC 6381)', () => {
  it('x264 High, level 3.0 → avc1.64001e', () => {
    expect(avcCodecString(trace('trace-headers-h264-high.txt'))).toBe('avc1.64001e');
  });
  it('x264 Constrained Baseline keeps its constraint flags: avc1.42c00d', () => {
    expect(avcCodecString(trace('trace-headers-h264-baseline.txt'))).toBe('avc1.42c00d');
  });
  it('x265 Main, level 2 (60), progressive + frame-only → hvc1.1.6.L60.90', () => {
    expect(hevcCodecString(trace('trace-headers-hevc-main.txt'))).toBe('hvc1.1.6.L60.90');
  });
  it('no parameter sets → undefined, not a made-up string', () => {
    expect(avcCodecString([])).toBeUndefined();
    expect(hevcCodecString([])).toBeUndefined();
  });
  it('AAC profiles map to object types 2, 5 and 29', () => {
    expect(aacCodecString('LC')).toBe('mp4a.40.2');
    expect(aacCodecString('HE-AAC')).toBe('mp4a.40.5');
    expect(aacCodecString('HE-AACv2')).toBe('mp4a.40.29');
  });
});
