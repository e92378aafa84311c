import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDir } from '../../../test/helpers/clips.js';
import { expandPaths } from './expand-paths.js';

describe('expandPaths', () => {
  it('keeps files, expands folders recursively to their media files, skips hidden and non-media entries', async () => {
    const dir = await scratchDir('expand-');
    await mkdir(path.join(dir, 'shoot/day 2'), { recursive: true });
    await mkdir(path.join(dir, 'shoot/.cache'));
    for (const f of [
      'shoot/a.MOV',
      'shoot/notes.txt',
      'shoot/day 2/b.mkv',
      'shoot/.cache/c.mp4',
      'single.txt',
    ]) {
      await writeFile(path.join(dir, f), 'x');
    }
    const missing = path.join(dir, 'missing.mp4');
    expect(await expandPaths([path.join(dir, 'shoot'), path.join(dir, 'single.txt'), missing])).toEqual([
      path.join(dir, 'shoot/a.MOV'),
      path.join(dir, 'shoot/day 2/b.mkv'),
      path.join(dir, 'single.txt'),
      missing,
    ]);
  });
});
