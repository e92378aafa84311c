import { useCallback, useEffect, useState } from 'react';
import type { FarmJobView, FarmView } from '../../../../src/common/api/farm-api';
import type { StudioApi } from '../../../../src/common/api/studio-api';
import { messageOf } from '../../state/use-action';

export interface FarmState {
  farms: FarmView[];
  /** Jobs sent to farms, oldest first, as the back end last reported them. */
  jobs: FarmJobView[];
  error?: string;
  reload: () => Promise<void>;
}

/**
 * The saved farms and the jobs sent to them: loaded once, then kept current by the back end's events
 * (`farms-changed`, `farm-job`, `farm-job-removed`; everything again after a lost event stream).
 */
export function useFarms(api: StudioApi): FarmState {
  const [farms, setFarms] = useState<FarmView[]>([]);
  const [jobs, setJobs] = useState<FarmJobView[]>([]);
  const [error, setError] = useState<string>();

  const loadFarms = useCallback(async () => {
    try {
      setFarms(await api.listFarms());
      setError(undefined);
    } catch (e) {
      setError(messageOf(e));
    }
  }, [api]);
  const reload = useCallback(async () => {
    await loadFarms();
    try {
      setJobs(await api.listFarmJobs());
    } catch (e) {
      setError(messageOf(e));
    }
  }, [api, loadFarms]);

  useEffect(() => {
    let alive = true;
    const unsubscribe = api.onEvent((event) => {
      if (!alive) return;
      if (event.type === 'farms-changed') void loadFarms();
      if (event.type === 'farm-job')
        setJobs((list) =>
          list.some((j) => j.id === event.job.id)
            ? list.map((j) => (j.id === event.job.id ? event.job : j))
            : [...list, event.job],
        );
      if (event.type === 'farm-job-removed') setJobs((list) => list.filter((j) => j.id !== event.id));
      if (event.type === 'connection' && event.state === 'restored') void reload();
    });
    void reload();
    return () => {
      alive = false;
      unsubscribe();
    };
  }, [api, loadFarms, reload]);

  return { farms, jobs, ...(error ? { error } : {}), reload };
}
