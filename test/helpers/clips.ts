import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rename, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { makeTestClip, type TestClipOptions } from '../../src/node/demo/test-clip.js';

const CACHE_DIR = path.join(os.tmpdir(), 'hls-studio-test-clips');

/**
 * A small generated clip, made once per machine and shared by every test file (made under a temporary
 * name and renamed, so parallel workers never see half a file). `name` is the file name the test needs.
 */
export function clip(name: string, options: TestClipOptions): Promise<string> {
  return cachedFile(name, JSON.stringify(options), (file) =>
    makeTestClip(file, options).then(() => undefined),
  );
}

/** A generated file cached under a key; `make` writes it at the path it is given. */
export async function cachedFile(
  name: string,
  key: string,
  make: (file: string) => Promise<void>,
): Promise<string> {
  const hash = createHash('sha1').update(JSON.stringify({ name, key })).digest('hex').slice(0, 12);
  const dir = path.join(CACHE_DIR, hash);
  const file = path.join(dir, name);
  if (await exists(file)) return file;
  await mkdir(CACHE_DIR, { recursive: true });
  const work = await mkdtemp(path.join(CACHE_DIR, 'tmp-'));
  await make(path.join(work, name));
  await rename(work, dir).catch(async () => {
    if (!(await exists(file))) throw new Error(`could not cache ${file}`);
  });
  return file;
}

/** A fresh empty folder for one test's output. */
export function scratchDir(prefix = 'hls-studio-test-'): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * The clip joined to itself by ffmpeg's concat demuxer with stream copy, as people join phone clips:
 * the join's video starts about 21 ms (the AAC priming) after its audio, off the frame grid.
 */
export function lateVideoJoin(source: string): Promise<string> {
  return cachedFile(`late-${path.basename(source)}`, source, async (file) => {
    const list = `${file}.ffconcat`;
    const entry = `file '${source.replace(/'/g, "'\\''")}'\n`;
    await writeFile(list, `ffconcat version 1.0\n${entry}${entry}`);
    await promisify(execFile)('ffmpeg', [
      ...['-hide_banner', '-loglevel', 'error', '-y', '-f', 'concat', '-safe', '0', '-i', list],
      ...['-c', 'copy', file],
    ]);
  });
}
