import { useEffect, useState } from 'react';
import type { PublishPlan, StudioApi } from '../../../../src/common/api/studio-api';
import { messageOf } from '../../state/use-action';

/** Waits this long after the last keystroke in the name before asking the back end again. */
export const PLAN_DEBOUNCE_MS = 250;

/**
 * Where a job's package would be published (target, name) and what it weighs, from the back end's own
 * publish code (`describePublish`), asked again as the target or the name change. `name` undefined:
 * the back end proposes one. No request goes to the store.
 */
export function usePublishPlan(
  api: StudioApi,
  jobId: string,
  target: string | undefined,
  name: string | undefined,
  enabled: boolean,
): { plan?: PublishPlan; error?: string; loading: boolean } {
  const [state, setState] = useState<{ plan?: PublishPlan; error?: string; loading: boolean }>({
    loading: enabled,
  });
  useEffect(() => {
    if (!enabled || !target) return;
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    const timer = setTimeout(
      () => {
        api.describePublish({ id: jobId, target, ...(name === undefined ? {} : { name }) }).then(
          (plan) => current && setState({ plan, loading: false }),
          (e: unknown) => current && setState({ error: messageOf(e), loading: false }),
        );
      },
      name === undefined ? 0 : PLAN_DEBOUNCE_MS,
    );
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [api, jobId, target, name, enabled]);
  return state;
}
