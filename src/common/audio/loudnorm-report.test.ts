import { describe, expect, it } from 'vitest';
import { parseLoudnormReport } from './loudnorm-report.js';

// Captured from ffmpeg 5.1 `-af loudnorm=I=-16:TP=-1.5:LRA=11:print_format=json` on a sine tone.
const stderr = `[Parsed_loudnorm_0 @ 0x55d6f1d0d0c0]
{
\t"input_i" : "-21.04",
\t"input_tp" : "-17.99",
\t"input_lra" : "0.00",
\t"input_thresh" : "-31.04",
\t"output_i" : "-16.02",
\t"output_tp" : "-12.97",
\t"output_lra" : "0.00",
\t"output_thresh" : "-26.02",
\t"normalization_type" : "linear",
\t"target_offset" : "0.02"
}
`;

describe('parseLoudnormReport', () => {
  it('reads the measured values of the first pass', () => {
    expect(parseLoudnormReport(stderr)).toEqual({
      inputI: -21.04,
      inputTp: -17.99,
      inputLra: 0,
      inputThresh: -31.04,
      targetOffset: 0.02,
    });
  });
  it('silence (-inf) gives nothing to normalise', () => {
    expect(parseLoudnormReport(stderr.replace('"-21.04"', '"-inf"'))).toBeUndefined();
  });
  it('no report → undefined', () => {
    expect(parseLoudnormReport('Conversion failed!')).toBeUndefined();
  });
});
