import type { PresetEntry, StudioApi } from '../../../../src/common/api/studio-api';
import type { Preset } from '../../../../src/common/presets/preset-schema';
import type { EditorState } from './draft';

/** What Save would do with the draft: refuse (and why), save over, rename, or replace another preset. */
export interface SavePlan {
  /** Why Save is off; undefined when it can run. */
  blocked?: string;
  /** The saved user preset the draft replaces (its own id, or the old id of a rename). */
  replaceId?: string;
  renames: boolean;
  /** Another user preset of the draft's id, which Save replaces. */
  overwrites?: PresetEntry;
}

/** One rule for the Save button and the leave prompt's Save. */
export function savePlan(
  state: EditorState,
  presets: readonly PresetEntry[],
  valid: Preset | undefined,
  dirty: boolean,
): SavePlan {
  const { draft, base } = state;
  const builtInIds = new Set(presets.filter((p) => p.builtIn).map((p) => p.id));
  // A saved user preset is saved over itself, or renamed: either way the back end is told which file it
  // replaces (the same id is fine), or it refuses an id that is already taken.
  const replaceId = base && !base.builtIn ? base.id : undefined;
  // Another user preset of the draft's id (an import, a duplicate, a new name): the UI says Save replaces
  // it, and only then is the back end asked to overwrite.
  const overwrites = presets.find((p) => !p.builtIn && p.id === draft.id && p.id !== base?.id);
  const blocked = base?.builtIn
    ? 'Built-in presets are read-only: edit or duplicate to make your own copy'
    : builtInIds.has(draft.id)
      ? `"${draft.id}" is a built-in preset: choose another name`
      : !valid
        ? 'Fix the problems listed below first'
        : base && !dirty
          ? 'No changes to save'
          : undefined;
  return {
    ...(blocked ? { blocked } : {}),
    ...(replaceId ? { replaceId } : {}),
    renames: replaceId !== undefined && replaceId !== draft.id,
    ...(overwrites ? { overwrites } : {}),
  };
}

/** Saves the valid draft as the plan says; the saved entry comes back. */
export function saveDraft(api: StudioApi, plan: SavePlan, valid: Preset): Promise<PresetEntry> {
  return api.savePreset({
    preset: valid,
    ...(plan.replaceId ? { replaceId: plan.replaceId } : {}),
    ...(plan.overwrites ? { overwrite: true } : {}),
  });
}
