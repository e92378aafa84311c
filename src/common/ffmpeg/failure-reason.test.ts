import { describe, expect, it } from 'vitest';
import { failureReason, looksTruncated, usefulWarnings } from './failure-reason.js';

// Captured: ffmpeg 5.1 on a ProRes .mov whose moov is intact but whose media data is zeroed and cut.
const zeroedProres = [
  '[mov,mp4,m4a,3gp,3g2,mj2 @ 0x56167e8a2f40] Could not find codec parameters for stream 0 (Video: prores (HQ) (apch / 0x68637061), none(bt709, progressive), 720x1080, 170510 kb/s): unspecified pixel format',
  "Consider increasing the value for the 'analyzeduration' (0) and 'probesize' (5000000) options",
  'Guessed Channel Layout for Input Stream #0.1 : stereo',
  '[mov,mp4,m4a,3gp,3g2,mj2 @ 0x56167e8a2f40] stream 1, offset 0x47980: partial file',
  'Cannot determine format of input stream 0:0 after EOF',
  'Error marking filters as finished',
];
// Captured: ffprobe on a text file renamed .mp4.
const textFile = [
  '[mov,mp4,m4a,3gp,3g2,mj2 @ 0x559ee1254280] Format mov,mp4,m4a,3gp,3g2,mj2 detected only with low score of 1, misdetection possible!',
  '[mov,mp4,m4a,3gp,3g2,mj2 @ 0x559ee1254280] moov atom not found',
  'file:/tmp/x/notes.mp4: Invalid data found when processing input',
];

describe('failureReason', () => {
  it('names the truncation, not the wrap-up line', () => {
    expect(failureReason(zeroedProres)).toBe('stream 1, offset 0x47980: partial file');
    expect(looksTruncated(zeroedProres)).toBe(true);
  });
  it('skips wrap-up lines to the cause', () => {
    expect(failureReason(['Unknown encoder libfoo', 'Conversion failed!'])).toBe('Unknown encoder libfoo');
  });
  it('a text file renamed .mp4 is not "truncated", even though it has no moov', () => {
    expect(looksTruncated(textFile)).toBe(false);
  });
  it('strips the file: prefix from the message', () => {
    expect(failureReason(['file:/a b/c.mp4: Invalid data found when processing input'])).toBe(
      'Invalid data found when processing input',
    );
  });
});

// Captured (issue 13): the end of ffmpeg 5.1's stderr on a damaged MJPEG AVI that exited 69; one swscaler
// line per rung (with a doubled log prefix) came after the decoder's errors.
const exit69 = [
  '[mjpeg @ 0x55a8b3793c40] Overdetermined VLC tree',
  '[mjpeg @ 0x55a8b3793c40] huffman table decode error',
  'Error while decoding stream #0:0: Invalid data found when processing input',
  '[swscaler @ 0x55f242ba86c0] [swscaler @ 0x55f242be4540] deprecated pixel format used, make sure you did set range correctly',
  '[swscaler @ 0x55f242ba86c0] [swscaler @ 0x55f242c21e80] deprecated pixel format used, make sure you did set range correctly',
  '    Last message repeated 1 times',
];

describe('failureReason picks errors over warnings and knows the noise (issue 13)', () => {
  it('swscaler’s "deprecated pixel format" is never the reason', () => {
    expect(failureReason(exit69)).toBe(
      'Error while decoding stream #0:0: Invalid data found when processing input',
    );
  });
  it('an error line wins over a later warning', () => {
    expect(
      failureReason([
        '[h264 @ 0x1] Invalid NAL unit size (1234 > 99).',
        '[mp4 @ 0x2] Timestamps are unset in a packet',
      ]),
    ).toBe('Invalid NAL unit size (1234 > 99).');
  });
  it('a tail of noise alone still gives its last line rather than nothing', () => {
    expect(failureReason(exit69.slice(3, 4))).toBe(
      'deprecated pixel format used, make sure you did set range correctly',
    );
  });
});

describe('usefulWarnings', () => {
  it('drops data-track noise and repeats, keeps real warnings once', () => {
    expect(
      usefulWarnings([
        'Unsupported codec with id 0 for input stream 2',
        '[h264 @ 0x55] non-existing PPS 0 referenced',
        '    Last message repeated 1 times',
        '[h264 @ 0x56] non-existing PPS 0 referenced',
      ]),
    ).toEqual(['non-existing PPS 0 referenced']);
  });
});
