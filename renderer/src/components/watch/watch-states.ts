import type { JobView } from '../../../../src/common/api/studio-api';

/** Where a watch folder's file is now, as its badge says it. */
export type WatchState =
  'waiting' | 'encoding' | 'encoded' | 'publishing' | 'published' | 'publish failed' | 'failed' | 'cancelled';

export const WATCH_STATE_COLORS: Record<WatchState, string> = {
  waiting: 'gray',
  encoding: 'blue',
  encoded: 'teal',
  publishing: 'blue',
  published: 'green',
  'publish failed': 'red',
  failed: 'red',
  cancelled: 'orange',
};

/** A job's current state: its publish, once it has one, is the newer news. */
export function watchStateOf(job: JobView): WatchState {
  if (job.publish)
    return job.publish.status === 'published'
      ? 'published'
      : job.publish.status === 'publishing'
        ? 'publishing'
        : 'publish failed';
  switch (job.status) {
    case 'queued':
      return 'waiting';
    case 'probing':
    case 'encoding':
    case 'packaging':
      return 'encoding';
    case 'done':
      return 'encoded';
    default:
      return job.status;
  }
}

/** How many of the folder's jobs (those still in the queue) are in each state, in the order above. */
export function watchStates(jobs: JobView[], folderId: string): { state: WatchState; count: number }[] {
  const counts = new Map<WatchState, number>();
  for (const job of jobs)
    if (job.watchFolderId === folderId)
      counts.set(watchStateOf(job), (counts.get(watchStateOf(job)) ?? 0) + 1);
  return (Object.keys(WATCH_STATE_COLORS) as WatchState[])
    .filter((s) => counts.has(s))
    .map((state) => ({ state, count: counts.get(state)! }));
}
