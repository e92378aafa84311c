import { describe, expect, it } from 'vitest';
import { PSNR_CAP_DB } from './quality-report.js';
import { parsePsnrStats, parseSsimStats, parseVmafLog, parseXpsnrStats, summarize } from './quality-stats.js';

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

  it('a stats line cut short (a run killed while writing) is not a value', () => {
    const psnr = 'n:1 mse_avg:1.00 mse_y:1.00 psnr_y:48.13 \nn:2 mse_avg:1.00 mse_y:1.00 psnr_y:4';
    expect(parsePsnrStats(psnr)).toEqual([48.13]);
  });

  it('reads luma XPSNR per frame (inf capped like PSNR), not its closing average line', () => {
    const xpsnr = [
      'n:    1  XPSNR y: 38.5021  XPSNR u: 41.2007  XPSNR v: 40.9713',
      'n:    2  XPSNR y: inf  XPSNR u: inf  XPSNR v: inf',
      'n:    3  XPSNR y: 102.5000  XPSNR u: 99.0000  XPSNR v: 99.0000',
      '',
      'XPSNR average, 3 frames  y: 44.3310  u: 47.0102  v: 46.8821  (minimum: 44.3310)',
      '',
    ].join('\n');
    expect(parseXpsnrStats(xpsnr)).toEqual([38.5021, PSNR_CAP_DB, PSNR_CAP_DB]);
  });

  it('an XPSNR stats file cut short keeps its whole lines only', () => {
    const cut = 'n:    1  XPSNR y: 36.0400  XPSNR u: 39.1100  XPSNR v: 39.5000\nn:    2  XPSNR y: 3';
    expect(parseXpsnrStats(cut)).toEqual([36.04]);
    expect(parseXpsnrStats('')).toEqual([]);
  });

  it('reads VMAF per frame from libvmaf’s JSON log (v1 and v2 shapes), in frame order', () => {
    // libvmaf v2 (ffmpeg 5+): integer_* features, pooled_metrics.
    const v2 = {
      version: '2.3.1',
      fps: 48.1,
      frames: [
        { frameNum: 0, metrics: { integer_adm2: 0.97, integer_motion2: 0, vmaf: 91.25 } },
        { frameNum: 2, metrics: { integer_adm2: 0.95, integer_motion2: 3.1, vmaf: 84.5 } },
        { frameNum: 1, metrics: { integer_adm2: 0.96, integer_motion2: 2.4, vmaf: 88 } },
      ],
      pooled_metrics: { vmaf: { min: 84.5, max: 91.25, mean: 87.92 } },
    };
    expect(parseVmafLog(JSON.stringify(v2))).toEqual([91.25, 88, 84.5]);
    // libvmaf v1 (ffmpeg 4): adm2/motion2 names, the score at the end.
    const v1 = {
      version: '1.3.9',
      params: { model: 'vmaf_v0.6.1.pkl' },
      frames: [
        { frameNum: 0, metrics: { adm2: 0.99, motion2: 0, vmaf: 97.4 } },
        { frameNum: 1, metrics: { adm2: 0.98, motion2: 1.2, vmaf: 95.1 } },
      ],
      'VMAF score': 96.25,
    };
    expect(parseVmafLog(JSON.stringify(v1, null, 4))).toEqual([97.4, 95.1]);
  });

  it('a VMAF log that is not whole JSON, or holds no frames, has no values', () => {
    expect(parseVmafLog('{"version":"2.3.1","frames":[{"frameNum":0,"metrics":{"vmaf":9')).toEqual([]);
    expect(parseVmafLog('')).toEqual([]);
    expect(parseVmafLog('{"frames":[{"frameNum":0,"metrics":{"psnr_y":40}}]}')).toEqual([]);
    expect(parseVmafLog('null')).toEqual([]);
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
