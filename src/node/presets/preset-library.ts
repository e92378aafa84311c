import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { PresetEntry } from '../../common/api/studio-api.js';
import { StudioError } from '../../common/errors.js';
import { parsePreset, type Preset } from '../../common/presets/preset-schema.js';
import { writeStateFile } from '../state/state-file.js';
import { listBuiltInPresets, readPresetFile } from './preset-store.js';

/**
 * The presets a user sees: the built-ins (read-only) and their own, one JSON file each in `dir`
 * (the same schema as presets/, so a file can be shared, imported or used with `encode --preset file`).
 */
export class PresetLibrary {
  constructor(private readonly dir: string) {}

  async list(): Promise<PresetEntry[]> {
    const builtIn = await listBuiltInPresets();
    const user = await this.userPresets();
    const entry = (preset: Preset, isBuiltIn: boolean): PresetEntry => ({
      id: preset.id,
      name: preset.name,
      builtIn: isBuiltIn,
      preset,
    });
    const byName = (a: PresetEntry, b: PresetEntry) => a.name.localeCompare(b.name);
    return [
      ...builtIn.map((p) => entry(p, true)).sort(byName),
      ...user.map((p) => entry(p.preset, false)).sort(byName),
    ];
  }

  /** A preset by id (user presets and built-ins share one id space). */
  async get(id: string): Promise<Preset> {
    const found = (await this.list()).find((e) => e.id === id);
    if (!found) throw new StudioError('PRESET_NOT_FOUND', `no preset named "${id}"`);
    return found.preset;
  }

  /** Validates and saves a user preset; `replaceId` is its old id when it was renamed. */
  async save(json: unknown, replaceId?: string, overwrite = false): Promise<PresetEntry> {
    const parsed = parsePreset(json);
    if (!parsed.ok)
      throw new StudioError('PRESET_INVALID', `the preset is not valid: ${parsed.issues.join('; ')}`, {
        detail: parsed.issues.join('\n'),
      });
    const preset = parsed.preset;
    const builtIn = await listBuiltInPresets();
    for (const id of [preset.id, replaceId]) {
      if (id && builtIn.some((p) => p.id === id))
        throw new StudioError(
          'INVALID_ARGUMENT',
          `"${id}" is a built-in preset and cannot be changed: duplicate it under a new name`,
        );
    }
    const user = await this.userPresets();
    if (preset.id !== replaceId && !overwrite && user.some((p) => p.preset.id === preset.id))
      throw new StudioError('INVALID_ARGUMENT', `a preset named "${preset.id}" already exists`);
    // Whatever file held the old id (or this id) is replaced by `<id>.json`.
    const stale = user.filter((p) => p.preset.id === preset.id || (replaceId && p.preset.id === replaceId));
    const file = this.fileOf(preset.id);
    await writeStateFile(file, preset, { backup: false });
    for (const p of stale) if (p.file !== file) await rm(p.file, { force: true });
    return { id: preset.id, name: preset.name, builtIn: false, preset };
  }

  /** A publish target was renamed: user presets that auto-publish to it follow. Returns whether any did. */
  async renameTarget(from: string, to: string): Promise<boolean> {
    const using = (await this.userPresets()).filter((p) => p.preset.publish?.target === from);
    for (const p of using) {
      const preset = { ...p.preset, publish: { ...p.preset.publish!, target: to } };
      await writeStateFile(p.file, preset, { backup: false });
    }
    return using.length > 0;
  }

  async delete(id: string): Promise<void> {
    if ((await listBuiltInPresets()).some((p) => p.id === id))
      throw new StudioError('INVALID_ARGUMENT', `"${id}" is a built-in preset and cannot be deleted`);
    const found = (await this.userPresets()).filter((p) => p.preset.id === id);
    if (found.length === 0) throw new StudioError('PRESET_NOT_FOUND', `no user preset named "${id}"`);
    for (const p of found) await rm(p.file, { force: true });
  }

  private fileOf(id: string): string {
    return path.join(this.dir, `${id}.json`);
  }

  /** Every valid preset file in the folder; a broken file is skipped (it is the user's, not a bug). */
  private async userPresets(): Promise<{ preset: Preset; file: string }[]> {
    const files = await readdir(this.dir).catch(() => [] as string[]);
    const presets = await Promise.all(
      files
        .filter((f) => f.endsWith('.json'))
        .map(async (f) => {
          const file = path.join(this.dir, f);
          const preset = await readPresetFile(file).catch(() => undefined);
          return preset && { preset, file };
        }),
    );
    return presets.filter((p) => p !== undefined);
  }
}
