import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDir } from '../../../test/helpers/clips.js';
import { configDir } from '../config-dir.js';
import { getTarget, loadTargets, removeTarget, saveTarget, targetsFile } from './target-store.js';

describe('saved targets', () => {
  it('config folder: HLS_STUDIO_CONFIG_DIR, else the OS convention', () => {
    expect(configDir({ HLS_STUDIO_CONFIG_DIR: '/tmp/cfg' }, 'linux', '/home/u')).toBe('/tmp/cfg');
    expect(configDir({}, 'linux', '/home/u')).toBe('/home/u/.config/hls-studio');
    expect(configDir({ XDG_CONFIG_HOME: '/x' }, 'linux', '/home/u')).toBe('/x/hls-studio');
    expect(configDir({}, 'darwin', '/Users/u')).toBe('/Users/u/Library/Application Support/hls-studio');
    expect(configDir({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32', 'C:\\Users\\u')).toContain(
      'hls-studio',
    );
  });

  it('save, read back validated, list, remove; the file is private and holds no secrets', async () => {
    const dir = await scratchDir('targets-');
    expect(await loadTargets(dir)).toEqual({});
    await saveTarget('cdn', { store: 'gcs', bucket: 'my-videos', prefix: '/hls/' }, dir);
    await saveTarget(
      'local',
      { store: 'minio', bucket: 'test-bucket', endpoint: 'http://127.0.0.1:9000' },
      dir,
    );
    expect(await getTarget('cdn', dir)).toMatchObject({ store: 'gcs', bucket: 'my-videos', prefix: 'hls' });
    expect(Object.keys(await loadTargets(dir))).toEqual(['cdn', 'local']);
    if (process.platform !== 'win32') expect((await stat(targetsFile(dir))).mode & 0o777).toBe(0o600);
    expect(await removeTarget('cdn', dir)).toBe(true);
    expect(await removeTarget('cdn', dir)).toBe(false);
    expect(JSON.parse(await readFile(targetsFile(dir), 'utf8'))).toEqual({
      version: 1,
      targets: { local: { store: 'minio', bucket: 'test-bucket', endpoint: 'http://127.0.0.1:9000' } },
    });
  });

  it('refuses secrets, bad names and broken files with a clear error', async () => {
    const dir = await scratchDir('targets-');
    await expect(saveTarget('x', { bucket: 'videos', secretAccessKey: 'abc' }, dir)).rejects.toMatchObject({
      code: 'PUBLISH_CONFIG',
      message: expect.stringContaining('secrets are never stored'),
    });
    await expect(saveTarget('../evil', { bucket: 'videos' }, dir)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(getTarget('missing', dir)).rejects.toMatchObject({
      code: 'PUBLISH_CONFIG',
      message: expect.stringContaining('no publish target named "missing"'),
    });
    await writeFile(path.join(dir, 'targets.json'), '{ nope');
    await expect(loadTargets(dir)).rejects.toMatchObject({
      code: 'PUBLISH_CONFIG',
      message: expect.stringContaining('not valid JSON'),
    });
  });

  it('saves that overlap all land (one read-modify-write at a time)', async () => {
    const dir = await scratchDir('targets-race-');
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    await Promise.all(names.map((name) => saveTarget(name, { bucket: `bucket-${name}` }, dir)));
    expect(Object.keys(await loadTargets(dir)).sort()).toEqual(names);
    await Promise.all([
      removeTarget('a', dir),
      saveTarget('g', { bucket: 'bucket-g' }, dir),
      removeTarget('b', dir),
    ]);
    expect(Object.keys(await loadTargets(dir)).sort()).toEqual(['c', 'd', 'e', 'f', 'g']);
  });
});
