import { readFile, writeFile } from 'node:fs/promises';

/**
 * Writes a rotation into the first video track's tkhd matrix, as phones do (ffmpeg 5.1 cannot set one
 * when encoding: `-metadata rotate` went away in 5.0 and `-display_rotation` came in 6.0).
 * `degrees` is clockwise, as a player applies it.
 */
export async function setMp4Rotation(file: string, degrees: 90 | 180 | 270): Promise<void> {
  const data = await readFile(file);
  const tkhd = findVideoTkhd(data);
  const version = data[tkhd + 8]!;
  // box header (8) + version/flags (4) + times, track id, reserved, duration (v0: 20, v1: 32) + 8 + 8
  const matrixOffset = tkhd + 12 + (version === 1 ? 32 : 20) + 16;
  const one = 0x10000;
  const [a, b, c, d] = { 90: [0, one, -one, 0], 180: [-one, 0, 0, -one], 270: [0, -one, one, 0] }[degrees];
  data.writeInt32BE(a!, matrixOffset);
  data.writeInt32BE(b!, matrixOffset + 4);
  data.writeInt32BE(c!, matrixOffset + 12);
  data.writeInt32BE(d!, matrixOffset + 16);
  await writeFile(file, data);
}

function findVideoTkhd(data: Buffer): number {
  // Walk moov → trak boxes; the video trak is the one whose tkhd has a non-zero width.
  for (let i = data.indexOf('tkhd'); i >= 0; i = data.indexOf('tkhd', i + 4)) {
    const start = i - 4;
    const version = data[start + 8]!;
    const widthOffset = start + 12 + (version === 1 ? 32 : 20) + 16 + 36;
    if (data.readUInt32BE(widthOffset) !== 0) return start;
  }
  throw new Error('no video tkhd box found');
}
