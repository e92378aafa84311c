import { useEffect, useState } from 'react';
import type { JobView, StudioApi, StudioEvent } from '../../../src/common/api/studio-api';

export interface QueueState {
  jobs: JobView[];
  /** Shown when the queue drains: "3 done, 1 failed". */
  summary?: { done: number; failed: number; cancelled: number };
}

const ACTIVE: readonly JobView['status'][] = ['queued', 'probing', 'encoding', 'packaging'];

/** One event applied to the list (pure, so a fetched snapshot can replay what arrived meanwhile). */
export function applyJobEvent(s: QueueState, event: StudioEvent): QueueState {
  switch (event.type) {
    case 'job': {
      const exists = s.jobs.some((j) => j.id === event.job.id);
      const jobs = exists
        ? s.jobs.map((j) => (j.id === event.job.id ? event.job : j))
        : [...s.jobs, event.job];
      return { jobs, summary: event.job.status === 'queued' ? undefined : s.summary };
    }
    case 'removed':
      return { ...s, jobs: s.jobs.filter((j) => j.id !== event.id) };
    case 'order':
      return { ...s, jobs: event.ids.flatMap((id) => s.jobs.filter((j) => j.id === id)) };
    case 'drained':
      return { ...s, summary: { done: event.done, failed: event.failed, cancelled: event.cancelled } };
    default:
      return s;
  }
}

/** The job list, kept current from the API's event stream (and fetched again after the stream was lost). */
export function useJobs(api: StudioApi): QueueState {
  const [state, setState] = useState<QueueState>({ jobs: [] });
  useEffect(() => {
    let alive = true;
    // Only the newest answer counts: a reconnect can overlap the first load.
    let ticket = 0;
    // Events that arrive while a fetch is under way, replayed onto its (older) snapshot.
    let arrived: StudioEvent[] | undefined;
    const load = () => {
      const mine = ++ticket;
      arrived = [];
      api
        .listJobs()
        .then((jobs) => {
          if (!alive || mine !== ticket) return;
          const replay = arrived ?? [];
          arrived = undefined;
          setState((s) =>
            replay.reduce(applyJobEvent, {
              jobs,
              // A queue that is busy again is not "finished", whatever was shown before the outage.
              summary: jobs.some((j) => ACTIVE.includes(j.status)) ? undefined : s.summary,
            }),
          );
        })
        .catch(() => {
          if (mine === ticket) arrived = undefined;
        });
    };
    const unsubscribe = api.onEvent((event) => {
      // Events sent while the stream was down are gone: the list is fetched whole instead.
      if (event.type === 'connection' && event.state === 'restored') load();
      arrived?.push(event);
      setState((s) => applyJobEvent(s, event));
    });
    load();
    return () => {
      alive = false;
      unsubscribe();
    };
  }, [api]);
  return state;
}
