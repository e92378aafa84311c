import { describe, expect, it } from 'vitest';
import { PSNR_CAP_DB } from './quality-report.js';
import { parsePsnrStats, parseSsimStats, summarize } from './quality-stats.js';

describe('quality stats', () => {
  it('reads luma PSNR and SSIM per frame from the filters’ stats files; identical frames are capped', () => {
    const psnr = [
      'n:1 mse_avg:39.75 mse_y:23.25 mse_u:35.16 mse_v:110.34 psnr_avg:32.14 psnr_y:34.47 psnr_u:32.67 psnr_v:27.70 ',
      'n:2 mse_avg:0.00 mse_y:0.00 mse_u:0.00 mse_v:0.00 psnr_avg:inf psnr_y:inf psnr_u:inf psnr_v:inf ',
      '',
    ].join('\n');
    expect(parsePsnrStats(psnr)).toEqual([34.47, PSNR_CAP_DB]);
    const ssim =
      'n:1 Y:0.890667 U:0.892953 V:0.849447 All:0.884178 (9.362101)\nn:2 Y:1.000000 U:1.000000 V:1.000000 All:1.000000 (inf)\n';
    expect(parseSsimStats(ssim)).toEqual([0.890667, 1]);
  });

  it('cuts frames into segments by time: mean, worst segment, 5th percentile, value per segment', () => {
    // 2 frames per second (every 15th of 30 fps), segments of 2, 2 and 1 s.
    const values = [40, 40, 40, 40, 30, 32, 40, 40, 40, 40];
    const s = summarize(values.slice(0, 10), 0.5, [2, 2, 1]);
    expect(s.perSegment).toEqual([40, 35.5, 40]);
    expect(s.worst).toEqual({ segment: 1, startSec: 2, value: 35.5 });
    expect(s.mean).toBe(38.2);
    expect(s.p5).toBe(30);
  });

  it('a sub-second last segment no measured frame falls in takes its neighbour’s value', () => {
    const s = summarize([36, 36, 34, 34], 1, [2, 2, 0.3]);
    expect(s.perSegment).toEqual([36, 34, 34]);
    expect(s.worst.segment).toBe(1);
  });
});
