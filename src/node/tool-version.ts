import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { findUp } from './find-up.js';

let version: Promise<string> | undefined;

/** hls-studio's own version, from its package.json (what `--version` prints and video.json records). */
export function toolVersion(): Promise<string> {
  const file =
    findUp(import.meta.url, 'package.json') ?? fileURLToPath(new URL('../../package.json', import.meta.url));
  version ??= readFile(file, 'utf8').then((text) => (JSON.parse(text) as { version: string }).version);
  return version;
}
