import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { StudioError } from '../../common/errors.js';
import { parsePreset, type Preset } from '../../common/presets/preset-schema.js';
import { findUp } from '../find-up.js';
import { configDir } from '../config-dir.js';

/** presets/ at the package root, wherever this module was built to (HLS_STUDIO_PRESETS_DIR overrides). */
export const BUILT_IN_PRESET_DIR =
  process.env.HLS_STUDIO_PRESETS_DIR ??
  path.dirname(
    findUp(import.meta.url, 'presets/web-compact.json') ??
      fileURLToPath(new URL('../../../presets/x', import.meta.url)),
  );
export const DEFAULT_PRESET_ID = 'web-compact';

/** The built-in presets, sorted by id. A broken built-in file is a bug, so it throws. */
export async function listBuiltInPresets(): Promise<Preset[]> {
  const files = (await readdir(BUILT_IN_PRESET_DIR)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(files.map((f) => readPresetFile(path.join(BUILT_IN_PRESET_DIR, f))));
}

/** A built-in preset by id, or a user's preset file by path (anything with a slash or ending in .json). */
export async function loadPreset(nameOrFile: string): Promise<Preset> {
  if (nameOrFile.endsWith('.json') || nameOrFile.includes('/') || nameOrFile.includes(path.sep)) {
    return readPresetFile(path.resolve(nameOrFile));
  }
  const presets = await listBuiltInPresets();
  const found = presets.find((p) => p.id === nameOrFile);
  // Then the user's own (saved in the app's preset editor), by id.
  const userFile = path.join(configDir(), 'presets', `${nameOrFile}.json`);
  if (!found && /^[a-z0-9][a-z0-9-]*$/.test(nameOrFile) && (await stat(userFile).catch(() => undefined)))
    return readPresetFile(userFile);
  if (!found) {
    throw new StudioError(
      'PRESET_NOT_FOUND',
      `no preset named "${nameOrFile}"; built in: ${presets.map((p) => p.id).join(', ')} (or give a .json file)`,
    );
  }
  return found;
}

export async function readPresetFile(file: string): Promise<Preset> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new StudioError('PRESET_NOT_FOUND', `${file}: cannot read the preset file`, { file, cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new StudioError('PRESET_INVALID', `${file}: not valid JSON (${(cause as Error).message})`, {
      file,
      cause,
    });
  }
  const result = parsePreset(json);
  if (!result.ok) {
    throw new StudioError('PRESET_INVALID', `${file}: ${result.issues.join('; ')}`, {
      file,
      detail: result.issues.join('\n'),
    });
  }
  return result.preset;
}
