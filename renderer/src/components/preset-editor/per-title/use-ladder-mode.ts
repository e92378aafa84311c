import { useEffect, useRef, useState } from 'react';
import type { PresetEntry, StudioApi, StudioSettings } from '../../../../../src/common/api/studio-api';
import { messageOf } from '../../../state/use-action';

/**
 * "Fixed / Auto (per-title)" of the preset in the editor. For a saved preset it is the back end's
 * setting (settings.json: queue jobs of that preset encode with `--ladder auto`); an unsaved draft keeps
 * the choice here and hands it to the preset when it is saved (`onSaved`).
 */
export function useLadderMode(
  api: StudioApi,
  base: PresetEntry | undefined,
  settings: StudioSettings | undefined,
  onError: (message: string) => void,
) {
  // Asked for but not in the settings yet (they are fetched again after the 'changed' event).
  const [pending, setPending] = useState<{ id: string; auto: boolean }>();
  const saved = base
    ? pending?.id === base.id
      ? pending.auto
      : (settings?.autoLadderPresets ?? []).includes(base.id)
    : undefined;
  const [local, setLocal] = useState(false);
  // A saved preset shows its setting; a draft forked from it (no base) keeps showing that choice.
  useEffect(() => {
    if (saved !== undefined) setLocal(saved);
  }, [saved]);
  useEffect(() => setPending(undefined), [settings]);
  const auto = saved ?? local;
  const current = useRef(auto);
  current.current = auto;

  const persist = (id: string, next: boolean) => {
    setPending({ id, auto: next });
    api.setPresetLadder({ id, ladder: next ? 'auto' : 'fixed' }).catch((e: unknown) => {
      setPending(undefined);
      onError(messageOf(e));
    });
  };
  return {
    auto,
    setAuto(next: boolean) {
      setLocal(next);
      if (base) persist(base.id, next);
    },
    /** A draft saved (or renamed) while Auto is chosen: its queue jobs use per-title too. */
    onSaved(id: string) {
      if (current.current) persist(id, true);
    },
  };
}
