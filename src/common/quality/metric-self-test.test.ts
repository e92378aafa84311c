import { describe, expect, it } from 'vitest';
import { selfTestVerdict } from './metric-self-test.js';

const vmafLog = JSON.stringify({
  version: '2.3.1',
  frames: [0, 1, 2, 3, 4].map((n) => ({ frameNum: n, metrics: { integer_motion2: n, vmaf: 71.5 + n } })),
});

describe('selfTestVerdict: a metric is used only when its self-test wrote per-frame values', () => {
  it('a self-test that ran and logged values passes (XPSNR of identical pictures prints inf: a value)', () => {
    expect(selfTestVerdict('vmaf', { log: vmafLog, output: [] })).toBeUndefined();
    const xpsnr =
      'n:    1  XPSNR y: inf  XPSNR u: inf  XPSNR v: inf\nn:    2  XPSNR y: 47.0311  XPSNR u: 50.1  XPSNR v: 49.9\n';
    expect(selfTestVerdict('xpsnr', { log: xpsnr, output: [] })).toBeUndefined();
  });

  it('libvmaf v1 without its model file: the cause it prints on stdout, before ffmpeg’s own errors', () => {
    // What the 2018 static ffmpeg (libvmaf v1) printed here: stdout first, then stderr's tail.
    const output = [
      'Start calculating VMAF score...',
      'Input model at /usr/local/share/model/vmaf_v0.6.1.pkl cannot be read successfully.',
      'Caught VmafException: Error loading model (.pkl): Trouble reading the file:/usr/local/share/model/vmaf_v0.6.1.pkl',
      '[Parsed_testsrc2_0 @ 0x39a3f380] EOF timestamp not reliable',
      '[Parsed_libvmaf_0 @ 0x39a75800] libvmaf encountered an error, check log for details',
      'Error while filtering: Invalid argument',
      'Failed to inject frame into filter network: Invalid argument',
    ];
    expect(selfTestVerdict('vmaf', { output, failure: 'ffmpeg failed: libvmaf encountered an error' })).toBe(
      'vmaf: libvmaf is present but failed its self-test: Input model at /usr/local/share/model/vmaf_v0.6.1.pkl cannot be read successfully.',
    );
  });

  it('libvmaf v2 built without its models: the first error, not ffmpeg’s closing "Invalid argument"', () => {
    const output = [
      '[Parsed_libvmaf_2 @ 0x5581] could not load libvmaf model with version: vmaf_v0.6.1',
      "[AVFilterGraph @ 0x5580] Error initializing filter 'libvmaf' with args 'log_path=self-test.vmaf.json'",
      'Error initializing complex filters.',
      'Invalid argument',
    ];
    expect(selfTestVerdict('vmaf', { output, failure: 'ffmpeg failed: Invalid argument' })).toBe(
      'vmaf: libvmaf is present but failed its self-test: could not load libvmaf model with version: vmaf_v0.6.1',
    );
  });

  it('a run that failed is a failure even if its log has values; a timeout says so', () => {
    expect(
      selfTestVerdict('xpsnr', {
        log: 'n:    1  XPSNR y: 40.0\n',
        output: [],
        failure: 'gave up after 30 s',
      }),
    ).toBe('xpsnr: the xpsnr filter is present but failed its self-test: gave up after 30 s');
  });

  it('a run that succeeded but left no value (no log, a log cut short) does not pass', () => {
    expect(selfTestVerdict('vmaf', { output: [] })).toBe(
      'vmaf: libvmaf is present but failed its self-test: it wrote no per-frame value',
    );
    expect(selfTestVerdict('vmaf', { log: vmafLog.slice(0, 60), output: [] })).toMatch(/no per-frame value$/);
    expect(selfTestVerdict('xpsnr', { log: 'n:    1  XPSNR y: 4', output: [] })).toMatch(
      /no per-frame value$/,
    );
  });
});
