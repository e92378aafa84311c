import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseFfprobeJson } from '../../src/common/media/ffprobe-parse.js';
import type { SourceInfo } from '../../src/common/media/source-info.js';

/**
 * Captured `ffprobe -show_format -show_streams -of json` output of real-world files (phones, broadcast,
 * camcorders), trimmed to the fields we read. The media themselves are not in the repository.
 */
export function fixtureSource(name: string): SourceInfo {
  const file = fileURLToPath(new URL(`../fixtures/ffprobe/${name}.json`, import.meta.url));
  return parseFfprobeJson(`/media/${name}`, JSON.parse(readFileSync(file, 'utf8')));
}
