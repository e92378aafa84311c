import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configDir } from '../config-dir.js';
import { listBuiltInPresets, loadPreset } from './preset-store.js';

describe('built-in presets', () => {
  it('are all valid and include the four the product promises', async () => {
    const ids = (await listBuiltInPresets()).map((p) => p.id);
    expect(ids).toEqual(expect.arrayContaining(['apple-h264', 'web-compact', 'mobile-light', 'apple-hevc']));
  });

  it("Apple's H.264 ladder has all 9 rungs of HLS Authoring Spec 1.25, low rungs capped at 30 fps", async () => {
    const apple = await loadPreset('apple-h264');
    expect(apple.rungs.map((r) => `${r.width}x${r.height}@${r.bitrateKbps}`)).toEqual([
      '416x234@145',
      '640x360@365',
      '768x432@730',
      '768x432@1100',
      '960x540@2000',
      '1280x720@3000',
      '1280x720@4500',
      '1920x1080@6000',
      '1920x1080@7800',
    ]);
    expect(apple.rungs.slice(0, 4).every((r) => r.maxFrameRate === 30)).toBe(true);
  });
});

describe('loadPreset', () => {
  it('an unknown name lists the built-in ones', async () => {
    await expect(loadPreset('nope')).rejects.toMatchObject({
      code: 'PRESET_NOT_FOUND',
      message: expect.stringContaining('web-compact'),
    });
  });

  it('a user file with a bad field fails with the field and the reason', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'preset-'));
    const file = path.join(dir, 'bad.json');
    await writeFile(
      file,
      JSON.stringify({ id: 'bad', name: 'Bad', rungs: [{ width: 640, height: 361, bitrateKbps: 500 }] }),
    );
    await expect(loadPreset(file)).rejects.toMatchObject({
      code: 'PRESET_INVALID',
      message: expect.stringContaining('rungs[0].height: height must be even'),
    });
  });

  it('a user file that is not JSON says so', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'preset-'));
    const file = path.join(dir, 'broken.json');
    await writeFile(file, '{ "id": ');
    await expect(loadPreset(file)).rejects.toMatchObject({
      code: 'PRESET_INVALID',
      message: expect.stringMatching(/not valid JSON/),
    });
  });

  it('finds a preset saved in the app (the config folder) by its id', async () => {
    const dir = path.join(configDir(), 'presets');
    await mkdir(dir, { recursive: true });
    const mine = {
      id: 'my-own-ladder',
      name: 'Mine',
      rungs: [{ width: 640, height: 360, bitrateKbps: 800 }],
    };
    await writeFile(path.join(dir, 'my-own-ladder.json'), JSON.stringify(mine));
    expect((await loadPreset('my-own-ladder')).rungs).toEqual(mine.rungs);
  });
});
