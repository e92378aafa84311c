import { useEffect, useState } from 'react';
import type { StudioApi, StudioSettings } from '../../../../src/common/api/studio-api';

/**
 * The back end's settings, as the editor needs them (the preset used for new jobs, the face): fetched
 * once and again whenever the back end says they changed (the header's picker sets the same value).
 */
export function useStudioSettings(api: StudioApi): StudioSettings | undefined {
  const [settings, setSettings] = useState<StudioSettings>();
  useEffect(() => {
    let alive = true;
    const load = () =>
      Promise.resolve()
        .then(() => api.getSettings())
        .then(
          (s) => alive && setSettings(s),
          () => undefined, // The header reports a failed settings load; the editor just lacks the badge.
        );
    const unsubscribe = api.onEvent((event) => {
      if (event.type === 'changed' && event.what === 'settings') void load();
      if (event.type === 'connection' && event.state === 'restored') void load();
    });
    void load();
    return () => {
      alive = false;
      unsubscribe();
    };
  }, [api]);
  return settings;
}
