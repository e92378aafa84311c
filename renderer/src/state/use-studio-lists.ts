import { useCallback, useEffect, useRef, useState } from 'react';
import type {
  PresetEntry,
  StudioApi,
  StudioEvent,
  StudioSettings,
  TargetView,
  WatchFolderView,
} from '../../../src/common/api/studio-api';
import { messageOf } from './use-action';

/** The lists a `changed` event names. */
export type StudioList = Extract<StudioEvent, { type: 'changed' }>['what'];

const ALL_LISTS: readonly StudioList[] = ['presets', 'targets', 'watch', 'settings'];

export interface StudioLists {
  presets: PresetEntry[];
  targets: TargetView[];
  watchFolders: WatchFolderView[];
  /** Undefined until the first `getSettings` answers. */
  settings?: StudioSettings;
  /** Why the last load of a list failed (cleared when it loads again). */
  errors: Partial<Record<StudioList, string>>;
  /** Refetches one list, or all of them. */
  reload: (what?: StudioList) => Promise<void>;
}

interface Loaded {
  presets: PresetEntry[];
  targets: TargetView[];
  watch: WatchFolderView[];
  settings?: StudioSettings;
}

/** Presets, targets, watch folders and settings, loaded once and refetched when the back end says they changed. */
export function useStudioLists(api: StudioApi): StudioLists {
  const [loaded, setLoaded] = useState<Loaded>({ presets: [], targets: [], watch: [] });
  const [errors, setErrors] = useState<Partial<Record<StudioList, string>>>({});
  // A burst of `changed` events starts overlapping loads: only the newest answer of each list is kept.
  const generation = useRef<Record<StudioList, number>>({ presets: 0, targets: 0, watch: 0, settings: 0 });
  const alive = useRef(true);

  const loadOne = useCallback(
    async (what: StudioList) => {
      const ticket = ++generation.current[what];
      const fetchers: Record<StudioList, () => Promise<unknown>> = {
        presets: () => api.listPresets(),
        targets: () => api.listTargets(),
        watch: () => api.listWatchFolders(),
        settings: () => api.getSettings(),
      };
      try {
        const value = await fetchers[what]();
        if (!alive.current || ticket !== generation.current[what]) return;
        setLoaded((s) => ({ ...s, [what]: value }));
        setErrors(({ [what]: _, ...rest }) => rest);
      } catch (error) {
        if (!alive.current || ticket !== generation.current[what]) return;
        setErrors((e) => ({ ...e, [what]: messageOf(error) }));
      }
    },
    [api],
  );

  const reload = useCallback(
    async (what?: StudioList) => {
      await Promise.all((what ? [what] : ALL_LISTS).map(loadOne));
    },
    [loadOne],
  );

  useEffect(() => {
    alive.current = true;
    // Subscribe first so a change made while the first loads run is not missed.
    const unsubscribe = api.onEvent((event) => {
      if (event.type === 'changed') void loadOne(event.what);
      // `changed` events sent while the stream was down are gone: refetch everything.
      if (event.type === 'connection' && event.state === 'restored') void reload();
    });
    void reload();
    return () => {
      alive.current = false;
      unsubscribe();
    };
  }, [api, loadOne, reload]);

  return {
    presets: loaded.presets,
    targets: loaded.targets,
    watchFolders: loaded.watch,
    settings: loaded.settings,
    errors,
    reload,
  };
}
