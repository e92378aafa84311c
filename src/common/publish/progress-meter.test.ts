import { describe, expect, it } from 'vitest';
import { ProgressMeter } from './progress-meter.js';

describe('publish progress', () => {
  it('counts bytes per file and in total; a retry takes its bytes back', () => {
    const meter = new ProgressMeter({ bytes: 1000, files: 2, skipped: 3 }, () => 0);
    meter.fileStarted('a.ts', 600);
    meter.addBytes('a.ts', 300);
    expect(meter.snapshot()).toMatchObject({
      bytesDone: 300,
      filesDone: 0,
      filesSkipped: 3,
      current: [{ path: 'a.ts', bytesDone: 300, bytes: 600 }],
    });
    meter.addBytes('a.ts', 100);
    expect(meter.snapshot()).toMatchObject({ bytesDone: 400 });
    meter.fileRestarted('a.ts');
    expect(meter.snapshot()).toMatchObject({ bytesDone: 0 });
    meter.addBytes('a.ts', 600);
    meter.fileDone('a.ts');
    expect(meter.snapshot()).toMatchObject({ bytesDone: 600, filesDone: 1, current: [] });
  });

  it('rate and ETA from the bytes sent so far', () => {
    let now = 0;
    const meter = new ProgressMeter({ bytes: 4000, files: 1, skipped: 0 }, () => now);
    meter.fileStarted('big.mp4', 4000);
    now = 1000;
    meter.addBytes('big.mp4', 1000);
    expect(meter.snapshot()).toMatchObject({ rateBytesPerSec: 1000, etaSec: 3 });
  });
});
