import { useCallback, useEffect, useRef, useState } from 'react';
import type { JobView, StudioApi } from '../../../src/common/api/studio-api';

/** How long a removal can be undone before the back end is told. */
export const UNDO_MS = 6000;

export interface PendingRemoval {
  jobs: JobView[];
}

/**
 * Removing rows with a moment to undo (as Gmail and YouTube Studio do): the rows are hidden at once and
 * removed from the back end only when the notice has gone. A newer removal commits the one before.
 */
export function useRemovals(api: StudioApi, undoMs = UNDO_MS) {
  const [pending, setPending] = useState<PendingRemoval>();
  const current = useRef<{ jobs: JobView[]; timer: ReturnType<typeof setTimeout> }>(undefined);

  const commit = useCallback(() => {
    const batch = current.current;
    if (!batch) return;
    clearTimeout(batch.timer);
    current.current = undefined;
    setPending(undefined);
    for (const job of batch.jobs) void api.removeJob({ id: job.id }).catch(() => undefined);
  }, [api]);

  const remove = useCallback(
    (jobs: JobView[]) => {
      if (jobs.length === 0) return;
      commit();
      current.current = { jobs, timer: setTimeout(commit, undoMs) };
      setPending({ jobs });
    },
    [commit, undoMs],
  );

  const undo = useCallback(() => {
    if (current.current) clearTimeout(current.current.timer);
    current.current = undefined;
    setPending(undefined);
  }, []);

  // Leaving the page must not forget what the user removed.
  useEffect(() => {
    window.addEventListener('pagehide', commit);
    return () => {
      window.removeEventListener('pagehide', commit);
      commit();
    };
  }, [commit]);

  return { pending, hidden: new Set(pending?.jobs.map((j) => j.id)), remove, undo };
}
