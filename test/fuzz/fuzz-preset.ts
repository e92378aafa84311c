import { writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The fuzz runs' preset: two small rungs, 1 s segments, the fastest x264, and every optional extra on
 * (poster, storyboard, animated preview), since extras meet damaged input too.
 */
export const FUZZ_PRESET = {
  id: 'fuzz',
  name: 'fuzz',
  video: { codec: 'h264', speedPreset: 'ultrafast', rateControl: 'vbr' },
  audio: { bitrateKbps: 64 },
  segment: { durationSec: 1, format: 'ts' },
  startBitrateKbps: 200,
  images: { storyboardIntervalSec: 1, previewDurationSec: 1 },
  rungs: [
    { width: 128, height: 72, bitrateKbps: 100, maxFrameRate: 30 },
    { width: 192, height: 108, bitrateKbps: 200 },
  ],
};

export async function writeFuzzPreset(dir: string): Promise<string> {
  const file = path.join(dir, 'fuzz-preset.json');
  await writeFile(file, JSON.stringify(FUZZ_PRESET, null, 2));
  return file;
}
