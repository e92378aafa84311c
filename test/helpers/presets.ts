import { parsePreset, type Preset } from '../../src/common/presets/preset-schema.js';

/** A validated preset from a partial one (id and name filled in); throws with the schema's issues. */
export function presetFrom(input: Record<string, unknown>): Preset {
  const parsed = parsePreset({ id: 'test', name: 'test', ...input });
  if (!parsed.ok) throw new Error(parsed.issues.join('\n'));
  return parsed.preset;
}
